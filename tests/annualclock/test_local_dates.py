"""Dates and times in one format per language: on a page and in an e-mail."""

import calendar
import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone

from portal.models import Notification
from tests.annualclock.conftest import invite
from tests.annualclock.factories import MeetingFactory
from tests.associations.factories import EventFactory

pytestmark = pytest.mark.django_db

POLISH_MONTHS = [
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
]  # fmt: skip


def written(day, language):
    if language in ("fi", "sv"):
        return f"{day.day}.{day.month}.{day.year}"
    if language == "en":
        return f"{day.day} {calendar.month_name[day.month]} {day.year}"
    return f"{day.day} {POLISH_MONTHS[day.month - 1]} {day.year}"


TIMES = {"fi": "10.00–12.00", "sv": "10.00–12.00", "en": "10:00–12:00", "pl": "10:00–12:00"}


@pytest.mark.parametrize("language", ["fi", "sv", "en", "pl"])
def test_an_event_page_shows_its_date_and_time_in_the_language_s_own_format(client, language):
    day = timezone.localdate() + dt.timedelta(days=40)
    event = EventFactory(start_date=day, start_time=dt.time(10, 0), end_time=dt.time(12, 0))

    html = client.get(f"/{language}/associations/events/{event.pk}/").content.decode()

    assert written(day, language) in html
    assert TIMES[language] in html
    assert "10 a.m." not in html and f"{day.month}/{day.day}/{day.year}" not in html


def test_a_meeting_invitation_writes_the_time_in_each_recipient_s_language(invitees, staff):
    city = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day = timezone.localdate() + dt.timedelta(days=10)
    starts_at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=city)
    meeting = MeetingFactory(audience=invitees, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2))

    invite(meeting, by=staff)

    bodies = {n.language: n.body_text for n in Notification.objects.filter(template="annualclock-meeting-invitation")}
    assert f"{written(day, 'fi')} klo 10.00 – 12.00" in bodies["fi"]
    assert f"{written(day, 'sv')} kl. 10.00 – 12.00" in bodies["sv"]
    assert f"{written(day, 'en')}, 10:00 – 12:00" in bodies["en"]
