"""Booking e-mails carry the booking's .ics: confirmation, approval, a moved time, a staff
cancellation, a decline with its reason, and the day-before reminder (issue 11)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from facilities import services
from facilities.models import Booking, SlotWatch
from facilities.tasks import send_booking_reminders
from portal.models import Notification
from portal.outbox import attachment_content, send_due, stored_attachment
from tests.facilities.conftest import at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def book(space, user, day, start, end, **kwargs):
    return services.booking_create(
        space=space,
        booker=user,
        association=None,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose=kwargs.pop("purpose", "Kuoroharjoitus"),
        attendees=8,
        **kwargs,
    )


def event_of(notification):
    """The one VEVENT of the notification's only attachment, parsed."""
    (attachment,) = notification.attachments
    assert attachment["filename"].endswith(".ics") and attachment["mimetype"] == "text/calendar"
    (event,) = Calendar.from_ical(attachment["content"]).walk("VEVENT")
    return event


def staff_cancelled_it():
    """The sentence in the language booking e-mails are written in (the site's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("The facility's staff cancelled it; contact them if you have questions.")


def local(value):
    return timezone.localtime(value.dt)


def test_the_confirmation_carries_the_booking_as_a_confirmed_event(room, outsider, tuesday):
    booking = book(room, outsider, tuesday, 18, 20)
    event = event_of(Notification.objects.get(template="booking-confirmed"))
    assert str(event["uid"]).startswith(f"booking-{booking.pk}@")
    assert str(event["status"]) == "CONFIRMED"
    assert local(event["dtstart"]) == at(tuesday, 18) and local(event["dtend"]) == at(tuesday, 20)
    assert "Kokoushuone" in str(event["summary"]) and "Kuoroharjoitus" in str(event["summary"])
    assert str(event["location"]) == room.facility.address


def test_the_ics_is_attached_to_the_sent_message(room, outsider, tuesday):
    book(room, outsider, tuesday, 18, 20)
    assert send_due() == 1
    (message,) = mail.outbox
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert local(event["dtstart"]) == at(tuesday, 18)


def test_a_booking_waiting_for_approval_is_tentative_until_staff_approve_it(room, outsider, tuesday, staff):
    room.requires_approval = True
    room.save()
    booking = book(room, outsider, tuesday, 18, 20)
    assert str(event_of(Notification.objects.get(template="booking-received"))["status"]) == "TENTATIVE"
    services.booking_approve(booking=booking, user=staff)
    approved = event_of(Notification.objects.get(template="booking-confirmed"))
    assert str(approved["status"]) == "CONFIRMED"
    assert approved["uid"] == event_of(Notification.objects.get(template="booking-received"))["uid"]


def test_a_declined_booking_is_cancelled_in_the_calendar_and_the_reason_is_in_the_mail(room, outsider, tuesday, staff):
    room.requires_approval = True
    room.save()
    booking = book(room, outsider, tuesday, 18, 20)
    services.booking_decline(booking=booking, user=staff, reason="Koulun juhla salissa")
    notification = Notification.objects.get(template="booking-declined")
    assert "Koulun juhla salissa" in notification.body_text
    assert str(event_of(notification)["status"]) == "CANCELLED"


def test_a_cancellation_by_staff_says_so_and_cancels_the_event(room, outsider, tuesday, staff):
    booking = book(room, outsider, tuesday, 18, 20)
    services.booking_cancel(booking=booking, user=staff, by_staff=True)
    with_staff = Notification.objects.get(template="booking-cancelled")
    assert staff_cancelled_it() in with_staff.body_text
    assert str(event_of(with_staff)["status"]) == "CANCELLED"


def test_the_bookers_own_cancellation_does_not_blame_staff(room, outsider, tuesday):
    booking = book(room, outsider, tuesday, 18, 20)
    services.booking_cancel(booking=booking, user=outsider)
    assert staff_cancelled_it() not in Notification.objects.get(template="booking-cancelled").body_text


def test_staff_move_a_booking_and_the_booker_gets_the_new_time_replacing_the_old_event(room, outsider, tuesday, staff):
    booking = book(room, outsider, tuesday, 18, 20)
    first = event_of(Notification.objects.get(template="booking-confirmed"))
    services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 19), ends_at=at(tuesday, 21))
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (at(tuesday, 19), at(tuesday, 21))
    (occupancy,) = booking.occupancies.all()
    assert (occupancy.during.lower, occupancy.during.upper) == (at(tuesday, 19), at(tuesday, 21))
    moved = Notification.objects.get(template="booking-moved")
    event = event_of(moved)
    assert event["uid"] == first["uid"]
    assert int(event["sequence"]) > int(first["sequence"])
    assert local(event["dtstart"]) == at(tuesday, 19) and local(event["dtend"]) == at(tuesday, 21)
    assert "18.00" in moved.body_text or "18:00" in moved.body_text  # the old time is named


def test_a_second_move_is_a_second_mail(room, outsider, tuesday, staff):
    booking = book(room, outsider, tuesday, 18, 20)
    services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 19), ends_at=at(tuesday, 21))
    services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 17), ends_at=at(tuesday, 19))
    assert Notification.objects.filter(template="booking-moved").count() == 2


def test_a_move_onto_a_taken_time_is_refused_and_nothing_changes(room, outsider, tuesday, staff):
    booking = book(room, outsider, tuesday, 18, 20)
    book(room, UserFactory(), tuesday, 20, 22)
    with pytest.raises(ValidationError) as excinfo:
        services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 19), ends_at=at(tuesday, 21))
    assert excinfo.value.messages == [str(services.TAKEN)]
    booking.refresh_from_db()
    assert booking.starts_at == at(tuesday, 18)
    assert not Notification.objects.filter(template="booking-moved").exists()


def test_a_move_within_its_own_time_is_allowed(room, outsider, tuesday, staff):
    booking = book(room, outsider, tuesday, 18, 20)
    services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 18, 30), ends_at=at(tuesday, 20, 30))
    booking.refresh_from_db()
    assert booking.starts_at == at(tuesday, 18, 30)


def test_moving_frees_the_old_time_for_its_watchers(room, outsider, tuesday, staff, association_member):
    booking = book(room, outsider, tuesday, 18, 20)
    SlotWatch.objects.create(user=association_member, space=room, starts_at=at(tuesday, 18), ends_at=at(tuesday, 19))
    services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 20), ends_at=at(tuesday, 22))
    assert Notification.objects.filter(template="slot-freed", to=association_member.email).exists()


def test_the_reminder_comes_a_day_before_with_the_ics_once(room, outsider, tuesday):
    booking = book(room, outsider, tuesday, 18, 20)
    with time_machine.travel(at(tuesday, 17) - dt.timedelta(days=1, minutes=30), tick=False):
        assert send_booking_reminders() == 0  # 24.5 h before: not yet
    with time_machine.travel(at(tuesday, 17) - dt.timedelta(hours=1), tick=False):
        assert send_booking_reminders() == 1
        assert send_booking_reminders() == 0  # beat running twice mails once
    reminder = Notification.objects.get(template="booking-reminder")
    assert reminder.to == outsider.email
    assert str(event_of(reminder)["uid"]).startswith(f"booking-{booking.pk}@")


def test_no_reminder_for_a_cancelled_booking_or_one_made_within_the_day(room, outsider, tuesday):
    cancelled = book(room, outsider, tuesday, 18, 20)
    services.booking_cancel(booking=cancelled, user=outsider)
    with time_machine.travel(at(tuesday, 9), tick=False):
        book(room, outsider, tuesday, 20, 22)  # booked the same day
        assert send_booking_reminders() == 0
    assert not Notification.objects.filter(template="booking-reminder").exists()


def test_a_moved_booking_is_reminded_of_its_new_time(room, outsider, tuesday, staff):
    booking = book(room, outsider, tuesday, 18, 20)
    with time_machine.travel(at(tuesday, 17) - dt.timedelta(hours=1), tick=False):
        assert send_booking_reminders() == 1
    services.booking_move(booking=booking, user=staff, starts_at=at(tuesday, 19), ends_at=at(tuesday, 21))
    with time_machine.travel(at(tuesday, 18) - dt.timedelta(hours=1), tick=False):
        assert send_booking_reminders() == 1
    assert Booking.objects.get(pk=booking.pk).starts_at == at(tuesday, 19)


def test_the_outbox_keeps_binary_attachments_as_base64_and_sends_them_unchanged():
    stored = stored_attachment("logo.png", b"\x89PNG\x00\xff", "image/png")
    assert "content_base64" in stored and "content" not in stored
    assert attachment_content(stored) == b"\x89PNG\x00\xff"
    with pytest.raises(ValueError):
        stored_attachment("big.bin", b"x" * (256 * 1024 + 1), "application/octet-stream")


def test_the_outbox_retention_blanks_old_attachments_with_the_texts(room, outsider, tuesday, settings):
    from portal.retention import run_retention

    book(room, outsider, tuesday, 18, 20)
    send_due()
    days = settings.RETENTION_DAYS["OUTBOX_BODY"]
    (result,) = run_retention(only=["portal.outbox_bodies"], now=timezone.now() + dt.timedelta(days=days + 1))
    assert result.count == 1
    row = Notification.objects.get(template="booking-confirmed")
    assert row.attachments == [] and row.body_text == "" and row.to == outsider.email
