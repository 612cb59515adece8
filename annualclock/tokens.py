"""Signed answer links: whoever holds the link in an invitation e-mail answers for that association.

The link names the meeting, the association and the invitation (no e-mail address: links end up
in logs and forwarded mails) and is signed with the site's secret
(``django.core.signing``), so it cannot be altered to answer for someone else. It expires when
the meeting starts — the meeting's current start, so moving the meeting keeps the links valid.
"""

from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

from annualclock.models import Meeting, MeetingInvitation
from associations.models import Association

SALT = "annualclock.meeting-answer"


class InvalidAnswerLink(Exception):
    """The link was altered, cut short, or names something that no longer exists."""


class ExpiredAnswerLink(Exception):
    """The meeting has started: answers are closed."""

    def __init__(self, meeting):
        super().__init__(meeting)
        self.meeting = meeting


@dataclass(frozen=True)
class AnswerLink:
    meeting: Meeting
    association: Association
    invitation: MeetingInvitation | None

    @property
    def email(self):
        return self.invitation.email if self.invitation else ""


def make_answer_token(*, meeting, association_id, invitation_id=None):
    return signing.dumps({"m": meeting.pk, "a": association_id, "i": invitation_id}, salt=SALT, compress=True)


def read_answer_token(token, *, now=None) -> AnswerLink:
    """The meeting and association a token answers for; raises if forged or expired."""
    try:
        payload = signing.loads(token, salt=SALT)
        meeting_id, association_id, invitation_id = int(payload["m"]), int(payload["a"]), payload.get("i")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidAnswerLink(token) from None
    meeting = Meeting.objects.with_forum().filter(pk=meeting_id).first()
    association = Association.objects.filter(pk=association_id).first()
    if meeting is None or association is None:
        raise InvalidAnswerLink(token)
    if meeting.has_started(now or timezone.now()):
        raise ExpiredAnswerLink(meeting)
    invitation = None
    if invitation_id is not None:
        invitation = MeetingInvitation.objects.filter(pk=invitation_id, meeting=meeting).first()
    return AnswerLink(meeting=meeting, association=association, invitation=invitation)
