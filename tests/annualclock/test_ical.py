"""The iCalendar feeds, parsed back with the icalendar package."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from annualclock.calendar import entry_uid, meeting_uid
from annualclock.models import Kind
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory
from tests.dates import this_year

pytestmark = pytest.mark.django_db


def feed(client, kind=None):
    url = reverse("annualclock:ical") if kind is None else reverse("annualclock:ical-kind", kwargs={"kind": kind})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_month_only_entry_is_an_all_day_event_spanning_its_month(client):
    year = this_year()
    entry = ClockEntryFactory(year=year + 1, month=12, title="Yhdistysilta (joulukuu)")

    event = events(feed(client))[entry_uid(entry.pk)]

    assert event["SUMMARY"] == "Yhdistysilta (joulukuu)"
    assert event["DTSTART"].params["VALUE"] == "DATE" and event["DTEND"].params["VALUE"] == "DATE"
    assert event.decoded("DTSTART") == dt.date(year + 1, 12, 1)
    assert event.decoded("DTEND") == dt.date(year + 2, 1, 1)  # exclusive: the first day of the next month
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_the_link_to_the_page_is_in_url_and_description(client):
    year = this_year()
    entry = ClockEntryFactory(
        year=year, month=6, description="Työpaja hankeyhteistyöstä.", link="https://www.pori.fi/tyopaja"
    )

    event = events(feed(client))[entry_uid(entry.pk)]

    page = f"http://testserver{entry.get_absolute_url()}"
    assert str(event["URL"]) == page
    description = str(event["DESCRIPTION"])
    assert "Työpaja hankeyhteistyöstä." in description
    assert page in description and "https://www.pori.fi/tyopaja" in description


def test_a_meeting_is_a_timed_event_in_the_citys_time_zone(client, working_group):
    starts_at = timezone.now().replace(microsecond=0, second=0) + dt.timedelta(days=10)
    meeting = MeetingFactory(forum=working_group, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2))

    calendar = feed(client)
    event = events(calendar)[meeting_uid(meeting.pk)]

    assert event.decoded("DTSTART") == starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=2)
    assert str(event["LOCATION"]) == meeting.place
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]


def test_uids_are_stable_across_requests_and_edits(client):
    year = this_year()
    entry = ClockEntryFactory(year=year, month=4)
    first = set(events(feed(client)))

    entry.start_date = dt.date(year, 4, 14)
    entry.save()
    second = events(feed(client))

    assert first == set(second)
    assert second[entry_uid(entry.pk)].decoded("DTSTART") == dt.date(year, 4, 14)


def test_a_kind_feed_has_only_that_kind(client, working_group):
    year = this_year()
    newsletter = ClockEntryFactory(year=year, month=5, kind=Kind.NEWSLETTER)
    ClockEntryFactory(year=year, month=5, kind=Kind.WORKSHOP)
    MeetingFactory(forum=working_group)

    assert set(events(feed(client, "newsletter"))) == {entry_uid(newsletter.pk)}
    meetings = feed(client, "working_group_meeting")
    assert len(events(meetings)) == 1
    assert "Working-group meeting" in str(meetings["X-WR-CALNAME"])


def test_the_feed_holds_last_this_and_next_year(client):
    now = this_year()
    kept = [ClockEntryFactory(year=year, month=6) for year in (now - 1, now, now + 1)]
    ClockEntryFactory(year=now - 2, month=6)
    ClockEntryFactory(year=now + 2, month=6)

    assert set(events(feed(client))) == {entry_uid(entry.pk) for entry in kept}


def test_an_unknown_kind_has_no_feed(client):
    assert client.get(reverse("annualclock:ical-kind", kwargs={"kind": "parties"})).status_code == 404
