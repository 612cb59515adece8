"""Access to facilities' objects: each helper returns the object or raises 404."""

from django.shortcuts import get_object_or_404

from facilities.models import BookerFeed, Booking, Space


def public_space(slug):
    return get_object_or_404(
        Space.objects.public().select_related("facility", "facility__service_area", "facility__department", "parent"),
        slug=slug,
    )


def own_booking(request, pk):
    """A booking the signed-in user made; anyone else gets a 404, not a hint that it exists."""
    return get_object_or_404(
        Booking.objects.select_related("space", "space__facility", "association"), pk=pk, booker=request.user
    )


def feed_by_token(token):
    """The private feed a token addresses; an unknown or retired token is a 404."""
    return get_object_or_404(BookerFeed.objects.select_related("user"), token=token, user__is_active=True)
