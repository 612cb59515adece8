"""Every e-mail of the annual clock is in its recipient's language, its links too."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from annualclock.models import MeetingResponse
from annualclock.services import (
    meeting_answer_submit,
    meeting_remind_silent,
    meeting_save,
    meetings_send_day_before_reminders,
)
from portal.models import Notification
from tests.annualclock.conftest import invite
from tests.annualclock.factories import MeetingFactory

pytestmark = pytest.mark.django_db

LANGUAGE_OF = {
    "secretary@karhut.example": "fi",
    "member@karhut.example": "fi",
    "info@sulkapallo.example": "sv",
    "resident@example.org": "en",
}


def test_every_meeting_email_is_in_the_recipients_language(invitees, association, association_member):
    tz = timezone.get_current_timezone()
    starts_at = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(17), tzinfo=tz)
    meeting = MeetingFactory(audience=invitees, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2))
    with translation.override("pl"):  # the page (or worker) language must not leak into anyone's e-mail
        _result, meeting = invite(meeting, now=starts_at - dt.timedelta(days=8))
        meeting_answer_submit(
            meeting=meeting,
            association=association,
            answer=MeetingResponse.Answer.ATTENDING,
            attendees=1,
            channel=MeetingResponse.Channel.SITE,
            user=association_member,
            email=association_member.email,
        )
        meeting_remind_silent(meeting=meeting)
        meeting.place = "Porin pääkirjasto"
        meeting_save(meeting=meeting)
        meetings_send_day_before_reminders(now=dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=tz))

    rows = list(Notification.objects.all())
    assert {row.template for row in rows} == {
        "annualclock-meeting-invitation",
        "annualclock-meeting-reminder",
        "annualclock-meeting-changed",
        "annualclock-meeting-day-before",
    }
    for row in rows:
        language = LANGUAGE_OF[row.to]
        assert row.language == language, (row.template, row.to)
        prefixes = set(re.findall(rf"{re.escape(settings.SITE_URL)}/(\w\w)/", row.body_text))
        assert prefixes <= {language}, (row.template, row.to, prefixes)
