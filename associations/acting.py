"""Which association a representative acts for in this session.

A user may represent several associations; every form (grants, bookings, events, RSVPs)
acts for exactly the one chosen here. Views call ``acting_association(request)``; the header's
"I act for …" chooser (``associations:acting-for``) calls ``set_acting_association``.
"""

from associations.models import Association

SESSION_KEY = "acting_association_id"
_CACHE_ATTR = "_acting_association_cache"


def acting_association(request):
    """The association the signed-in user acts for, or None. Falls back to their only one.

    Only an association the user represents *now* (approved membership) is returned: a choice
    stored in the session stops counting the moment the membership is removed. Cached on the
    request, so the header and the view ask the database once.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    allowed = Association.objects.represented_by(user)
    association = None
    chosen_id = request.session.get(SESSION_KEY)
    if chosen_id is not None:
        association = allowed.filter(pk=chosen_id).first()
    if association is None:
        candidates = list(allowed.order_by("pk")[:2])
        association = candidates[0] if len(candidates) == 1 else None
    setattr(request, _CACHE_ATTR, (user.pk, association))
    return association


def set_acting_association(request, association):
    """Choose the association to act for; refuses one the user does not represent."""
    if not Association.objects.represented_by(request.user).filter(pk=association.pk).exists():
        raise PermissionError("The user does not represent this association.")
    request.session[SESSION_KEY] = association.pk
    setattr(request, _CACHE_ATTR, (request.user.pk, association))
