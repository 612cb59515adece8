"""Which association a representative acts for in this session.

A user may represent several associations; every form (grants, bookings, events, RSVPs)
acts for exactly the one chosen here. Views call ``acting_association(request)``.
"""

from associations.models import Association

SESSION_KEY = "acting_association_id"


def acting_association(request):
    """The association the signed-in user acts for, or None. Falls back to their only one."""
    user = request.user
    if not user.is_authenticated:
        return None
    allowed = Association.objects.represented_by(user)
    chosen_id = request.session.get(SESSION_KEY)
    if chosen_id is not None:
        association = allowed.filter(pk=chosen_id).first()
        if association is not None:
            return association
    candidates = list(allowed[:2])
    return candidates[0] if len(candidates) == 1 else None


def set_acting_association(request, association):
    """Choose the association to act for; refuses one the user does not represent."""
    if not Association.objects.represented_by(request.user).filter(pk=association.pk).exists():
        raise PermissionError("The user does not represent this association.")
    request.session[SESSION_KEY] = association.pk
