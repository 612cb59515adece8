"""Who may see a hearing, read its answers, answer for an association: the object, or 404.

A draft hearing is staff's only (its department's, through ``portal.permissions``); everyone
else gets 404. An answer is readable by the answering association's representatives and the
department's staff; the public reads it only after the deadline and only with the
association's consent. A document marked private is for staff only.
"""

from django.http import Http404

from associations.hearings.models import Hearing, HearingAnswerAttachment
from associations.models import Membership
from portal.permissions import acts_as_staff, acts_as_superuser, staff_has_perm

NOT_FOUND = "Not found"


def staff_runs_hearing(user, hearing) -> bool:
    """Staff (with TOTP) of the hearing's department who may view hearings; superusers all."""
    if not acts_as_staff(user):
        return False
    if acts_as_superuser(user):
        return True
    if not staff_has_perm(user, "associations.view_hearing"):
        return False
    group_id = hearing.department.staff_group_id
    return group_id is not None and user.groups.filter(pk=group_id).exists()


def hearing_visible_to(user, pk) -> Hearing:
    """An opened hearing to anyone; a draft to its department's staff. Others: 404."""
    hearing = Hearing.objects.filter(pk=pk).select_related("department", "contact_person").first()
    if hearing is None:
        raise Http404(NOT_FOUND)
    if hearing.is_public or staff_runs_hearing(user, hearing):
        return hearing
    raise Http404(NOT_FOUND)


def represents(user, association) -> bool:
    return (
        user.is_authenticated
        and association is not None
        and Membership.objects.filter(user=user, association=association, state=Membership.State.APPROVED).exists()
    )


def answer_attachment_visible_to(user, hearing, attachment_pk) -> HearingAnswerAttachment:
    """An answer's file: to the answering association's representatives and the department's
    staff; to the public only when the answer is published. Others: 404."""
    attachment = (
        HearingAnswerAttachment.objects.filter(pk=attachment_pk, answer__hearing=hearing)
        .select_related("answer__association", "answer__hearing")
        .first()
    )
    if attachment is None:
        raise Http404(NOT_FOUND)
    answer = attachment.answer
    if is_answer_public(answer):
        return attachment
    if represents(user, answer.association) or staff_runs_hearing(user, hearing):
        return attachment
    raise Http404(NOT_FOUND)


def is_answer_public(answer) -> bool:
    return (
        answer.may_publish
        and answer.hearing.state in (Hearing.State.CLOSED, Hearing.State.SUMMARY_PUBLISHED)
        and answer.association.is_publicly_visible
    )
