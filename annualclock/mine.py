"""The annual clock's part of "My associations": invitations waiting for an answer; the
invitations and answers in "download my data"; the answering address erased with the account."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annualclock.models import MeetingInvitation, MeetingResponse
from associations.models import Association
from portal.registries import my_data, my_data_eraser, my_section


@my_section("annualclock.invitations", order=20)
def invitations_to_answer(request):
    """Coming meetings an association I represent (or my address) was invited to, not yet answered."""
    user = request.user
    represented = Association.objects.represented_by(user).values("pk")
    mine = Q(association__in=represented)
    if user.email:
        mine |= Q(email__iexact=user.email)
    answered = MeetingResponse.objects.filter(meeting=OuterRef("meeting"), association=OuterRef("association"))
    invitations = list(
        MeetingInvitation.objects.filter(mine, meeting__starts_at__gt=timezone.now())
        .filter(~Exists(answered))
        .select_related("meeting", "association")
        .order_by("meeting__starts_at", "association__name")
    )
    if not invitations:
        return None
    seen, rows = set(), []
    for invitation in invitations:  # one row per (meeting, association)
        key = (invitation.meeting_id, invitation.association_id)
        if key not in seen:
            seen.add(key)
            rows.append(invitation)
    return "annualclock/mine_invitations.html", {"invitations": rows}


def _iso(value):
    return value.isoformat() if value else None


@my_data("annualclock.meetings")
def meeting_data(user):
    invitations = (
        MeetingInvitation.objects.filter(email__iexact=user.email).select_related("meeting", "association")
        if user.email
        else MeetingInvitation.objects.none()
    )
    return {
        "invitations": [
            {
                "meeting": i.meeting.title,
                "starts_at": _iso(i.meeting.starts_at),
                "association": i.association.name if i.association else None,
                "email": i.email,
                "name": i.name,
                "invited_at": _iso(i.invited_at),
            }
            for i in invitations
        ],
        "answers": [
            {
                "meeting": r.meeting.title,
                "association": r.association.name,
                "answer": r.answer,
                "attendees": r.attendees,
                "names": r.names,
                "answered_from": r.answered_by_email,
                "updated_at": _iso(r.updated_at),
            }
            for r in MeetingResponse.objects.filter(answered_by=user).select_related("meeting", "association")
        ],
    }


ANSWERS_KEPT = _(
    "Your associations' answers to meeting invitations stay with the association (the number of "
    "people and the names given); the address you answered from is erased."
)


@my_data_eraser("annualclock.meetings")
def erase_meeting_data(user):
    kept = []
    if user.email:
        MeetingInvitation.objects.filter(email__iexact=user.email).delete()
    answers = MeetingResponse.objects.filter(answered_by=user)
    if answers.exists():
        answers.update(answered_by_email="")
        kept.append(ANSWERS_KEPT)
    return kept
