"""Object-level access for every view that takes a slug or an id: the object, or 404/403.

A user who has nothing to do with an object gets 404 (they learn nothing about it); a
representative who lacks the role for an action gets 403. Staff work in the admin, scoped by
department where the data has one (partnership agreements).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from associations.models import Association, Event, Membership, PartnershipAgreement
from portal.permissions import acts_as_staff, acts_as_superuser, staff_has_perm

NOT_FOUND = "Not found"


def _approved_membership(user, association):
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, association=association, state=Membership.State.APPROVED).first()


def association_for_representative(user, slug) -> Association:
    """An association the user represents (approved membership). Others: 404."""
    association = Association.objects.filter(slug=slug).first()
    if association is None or _approved_membership(user, association) is None:
        raise Http404(NOT_FOUND)
    return association


def association_for_admin(user, slug) -> Association:
    """An association where the user is an admin representative. A mere representative: 403."""
    association = Association.objects.filter(slug=slug).first()
    membership = _approved_membership(user, association) if association else None
    if membership is None:
        raise Http404(NOT_FOUND)
    if membership.role != Membership.Role.ADMIN:
        raise PermissionDenied(_("Only the association's administrators can manage its representatives."))
    return association


def membership_of(association, pk) -> Membership:
    membership = Membership.objects.filter(association=association, pk=pk).select_related("user").first()
    if membership is None:
        raise Http404(NOT_FOUND)
    return membership


def event_for_representative(user, pk) -> Event:
    """An event of an association the user represents. Others: 404."""
    event = Event.objects.filter(pk=pk).select_related("association").first()
    if event is None or _approved_membership(user, event.association) is None:
        raise Http404(NOT_FOUND)
    return event


def can_see_unpublished_event(user, event) -> bool:
    if not user.is_authenticated:
        return False
    if staff_has_perm(user, "associations.view_event"):
        return True
    return _approved_membership(user, event.association) is not None


def event_visible_to(user, pk) -> Event:
    """A published event, or an unpublished one to its association's representatives and moderators."""
    event = Event.objects.filter(pk=pk).select_related("association").first()
    if event is None:
        raise Http404(NOT_FOUND)
    published = event.moderation_state == Event.ModerationState.APPROVED and event.association.is_publicly_visible
    if not published and not can_see_unpublished_event(user, event):
        raise Http404(NOT_FOUND)
    return event


def staff_sees_agreement(user, agreement) -> bool:
    """Staff (with TOTP) see their own department's agreements only; superusers all."""
    if not acts_as_staff(user):
        return False
    if acts_as_superuser(user):
        return True
    return (
        agreement.department.staff_group_id is not None
        and user.groups.filter(pk=agreement.department.staff_group_id).exists()
    )


def agreement_visible_to(user, pk) -> PartnershipAgreement:
    """A public agreement to anyone; a non-public one to the association's representatives and
    the staff of the agreement's department. Others: 404."""
    agreement = PartnershipAgreement.objects.filter(pk=pk).select_related("association", "department").first()
    if agreement is None:
        raise Http404(NOT_FOUND)
    if agreement.is_public and agreement.association.is_publicly_visible:
        return agreement
    if staff_sees_agreement(user, agreement) or _approved_membership(user, agreement.association):
        return agreement
    raise Http404(NOT_FOUND)


def can_see_association(user, association) -> bool:
    """A public entry: anyone. A hidden one: its representatives. One waiting for moderation: its
    creator (while their request is open). Staff with the view permission: all. Nobody else."""
    if association.is_publicly_visible:
        return True
    if not user.is_authenticated:
        return False
    if staff_has_perm(user, "associations.view_association"):
        return True
    if association.moderation_state == Association.ModerationState.APPROVED:
        return _approved_membership(user, association) is not None
    return (
        association.moderation_state == Association.ModerationState.PENDING
        and association.created_by_id == user.pk
        and Membership.objects.filter(user=user, association=association, state=Membership.State.PENDING).exists()
    )


def association_visible_to(user, slug) -> Association:
    """The entry if ``can_see_association``; others: 404."""
    association = Association.objects.filter(slug=slug).first()
    if association is None or not can_see_association(user, association):
        raise Http404(NOT_FOUND)
    return association
