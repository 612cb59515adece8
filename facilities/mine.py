"""The facilities' part of "download my data" and of deleting the account.

A booking made for an association belongs to the association (it still needs the hall on
Tuesday); one made for oneself is the person's own. On deleting the account, the coming bookings
of one's own are cancelled (the time frees up for others), every booking loses its link to the
account, in its history too, and the texts the person wrote (the purpose of a private booking,
the feedback) are blanked. Times, space, price and association stay: the city invoices and
reports from them (accounting act) and they feed the utilisation figures.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import BookerFeed, Booking, BookingFeedback, SlotWatch
from portal.registries import my_data, my_data_eraser

BOOKINGS_KEPT = _(
    "Your bookings' times, spaces and prices are kept without your name: the city must keep what it "
    "invoiced under the accounting act, and bookings made for an association stay with the association."
)


def _iso(value):
    return value.isoformat() if value else None


@my_data("facilities.bookings")
def booking_data(user):
    rows = Booking.objects.filter(booker=user).select_related("space", "space__facility", "association", "feedback")
    result = []
    for booking in rows.order_by("starts_at"):
        feedback = getattr(booking, "feedback", None)
        result.append(
            {
                "space": str(booking.space),
                "starts_at": _iso(booking.starts_at),
                "ends_at": _iso(booking.ends_at),
                "association": booking.association.name if booking.association else None,
                "purpose": booking.purpose,
                "attendees": booking.attendees,
                "state": booking.state,
                "price": str(booking.price),
                "feedback": {"rating": feedback.rating, "text": feedback.text} if feedback else None,
            }
        )
    return {
        "bookings": result,
        "watches": [
            {"space": str(w.space), "starts_at": _iso(w.starts_at), "ends_at": _iso(w.ends_at)}
            for w in SlotWatch.objects.filter(user=user).select_related("space")
        ],
    }


@my_data_eraser("facilities.bookings")
def erase_bookings(user):
    from facilities import services

    now = timezone.now()
    own_coming = Booking.objects.filter(
        booker=user, association__isnull=True, state__in=Booking.ACTIVE_STATES, ends_at__gt=now
    )
    for booking in own_coming:
        # Through the service: the occupancy is released, watchers are told the time is free.
        services.booking_cancel(booking=booking, user=user, now=now, by_staff=True)
    mine = Q(booker=user)
    ids = list(Booking.objects.filter(mine).values_list("pk", flat=True))
    SlotWatch.objects.filter(user=user).delete()
    BookerFeed.objects.filter(user=user).delete()  # the feed's link would still name the account
    if not ids:
        return []
    BookingFeedback.objects.filter(booking_id__in=ids).exclude(text="").update(text="")
    private = Booking.objects.filter(pk__in=ids, association__isnull=True)
    private.update(purpose="")
    Booking.history.model.objects.filter(id__in=private.values("pk")).update(purpose="")
    # update() writes no history row; the history rows' own links to the account go too.
    Booking.objects.filter(pk__in=ids).update(booker=None)
    Booking.objects.filter(pk__in=ids, created_by=user).update(created_by=None)
    history = Booking.history.model.objects.filter(id__in=ids)
    history.filter(booker=user).update(booker=None)
    history.filter(created_by=user).update(created_by=None)
    history.filter(history_user=user).update(history_user=None)
    return [BOOKINGS_KEPT]
