"""Staff keep the clock and the meetings in the admin; actions go through the services."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from annualclock.models import ENTRY_YEAR_OUT_OF_RANGE, ClockEntry, Meeting
from portal.models import Notification
from tests.annualclock.conftest import invite
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory, MeetingResponseFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:annualclock_meeting_add")


def meeting_form(forum, starts_at, **overrides):
    local = timezone.localtime(starts_at)
    ends = local + dt.timedelta(hours=2)
    data = {
        "forum": forum.pk,
        "title": "Yhdistysilta: avustukset 2027",
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M"),
        "place": "Porin pääkirjasto",
        "online_url": "",
        "capacity": "60",
        "agenda": "1. Avustukset",
        "clock_entry": "",
        "audience": "",
        "send_invitations": "on",
        "minutes": "",
        "matters_handled": "0",
    }
    for prefix in ("materials", "responses"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_staff_create_a_meeting_10_days_ahead_and_the_invitations_are_queued(
    staff_client, clock_staff, working_group, invitees
):
    starts_at = timezone.now() + dt.timedelta(days=10)

    response = staff_client.post(ADD_URL, meeting_form(working_group, starts_at, audience=invitees))

    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert meeting.created_by == clock_staff and meeting.invited_at is not None and not meeting.invited_late
    assert Notification.objects.filter(template="annualclock-meeting-invitation").count() == 3
    assert any("3 invitations queued for sending." in m for m in messages_of(response))


def test_a_meeting_sooner_than_7_days_warns_and_is_recorded_late(staff_client, working_group, invitees):
    starts_at = timezone.now() + dt.timedelta(days=4)

    response = staff_client.post(ADD_URL, meeting_form(working_group, starts_at, audience=invitees))

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.invited_late and meeting.invitation_lead_time < dt.timedelta(days=4)
    assert any("less than the 7 days the programme asks" in m for m in messages_of(response))


def test_a_meeting_saved_without_invitations_that_starts_soon_warns_at_once(staff_client, working_group):
    starts_at = timezone.now() + dt.timedelta(days=2)

    response = staff_client.post(ADD_URL, meeting_form(working_group, starts_at))

    assert response.status_code == 302
    assert any("starts in less than 7 days" in m for m in messages_of(response))
    assert not Notification.objects.exists()


def test_a_meeting_without_a_place_is_refused_with_the_reason(staff_client, working_group):
    response = staff_client.post(ADD_URL, meeting_form(working_group, timezone.now() + dt.timedelta(days=10), place=""))

    assert response.status_code == 200
    assert "Give a place or an online meeting link." in response.content.decode()
    assert not Meeting.objects.exists()


def test_staff_without_clock_permissions_get_nothing(client_for, other_staff):
    assert client_for(other_staff).get(ADD_URL).status_code == 403


def test_the_change_page_shows_who_answered_and_who_did_not(staff_client, invitees, association):
    meeting = MeetingFactory(audience=invitees)
    invite(meeting)
    MeetingResponseFactory(meeting=meeting, association=association, attendees=2)

    html = staff_client.get(reverse("admin:annualclock_meeting_change", args=[meeting.pk])).content.decode()

    assert "Who answered and who has not" in html
    assert "Porin Karhut ry" in html and "Porin Sulkapallo ry" in html and "No answer yet" in html


def test_reminding_the_silent_twice_mails_them_once(staff_client, invitees):
    meeting = MeetingFactory(audience=invitees)
    invite(meeting)
    client = staff_client
    changelist = reverse("admin:annualclock_meeting_changelist")
    data = {"action": "remind_silent", "_selected_action": [meeting.pk]}

    first = client.post(changelist, data)
    second = client.post(changelist, data)

    assert any("2 reminders queued" in m for m in messages_of(first))
    assert any("0 reminders queued" in m for m in messages_of(second))
    assert Notification.objects.filter(template="annualclock-meeting-reminder").count() == 2


def test_copy_last_years_plan_in_one_action(staff_client):
    entries = [ClockEntryFactory(year=2026, month=month) for month in (1, 3, 10)]
    client = staff_client
    data = {"action": "copy_to_next_year", "_selected_action": [e.pk for e in entries]}

    response = client.post(reverse("admin:annualclock_clockentry_changelist"), data)
    client.post(reverse("admin:annualclock_clockentry_changelist"), data)

    assert any(
        "3 entries copied to next year's draft plan; 0 had been copied already." in m for m in messages_of(response)
    )
    assert list(ClockEntry.objects.filter(year=2027).values_list("month", "state")) == [
        (1, "draft"),
        (3, "draft"),
        (10, "draft"),
    ]


def test_copying_beyond_the_clocks_last_year_is_refused_with_the_reason_and_copies_nothing(staff_client):
    entries = [ClockEntryFactory(year=2099, month=5), ClockEntryFactory(year=2100, month=5)]
    data = {"action": "copy_to_next_year", "_selected_action": [e.pk for e in entries]}

    response = staff_client.post(reverse("admin:annualclock_clockentry_changelist"), data)

    assert response.status_code == 302
    assert str(ENTRY_YEAR_OUT_OF_RANGE) in messages_of(response)
    assert ClockEntry.objects.count() == 2


def test_the_entry_form_offers_other_apps_dated_items_to_stand_for_the_entry(staff_client, other_source):
    entry = ClockEntryFactory(year=2027, month=3)

    html = staff_client.get(reverse("admin:annualclock_clockentry_change", args=[entry.pk])).content.decode()

    assert 'value="grant-round-1-opens@test"' in html and "Kulttuuriavustusten haku 2027" in html
