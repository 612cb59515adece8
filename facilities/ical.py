"""iCalendar (RFC 5545) for bookings: one booking for its booker, and a space's taken times."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CITY_PROFILE['portal_name']}//Facilities//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _site_host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"


def booking_calendar(booking, *, url) -> bytes:
    """The booking as an event the booker adds to their calendar; cancelled ones say so."""
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    calendar = _calendar(str(booking.space))
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{_site_host()}")
    event.add("dtstamp", now)
    event.add("summary", f"{booking.space.facility.name}: {booking.space.name} – {booking.purpose}")
    event.add("dtstart", timezone.localtime(booking.starts_at))
    event.add("dtend", timezone.localtime(booking.ends_at))
    event.add("location", booking.space.facility.address)
    event.add("status", "CANCELLED" if not booking.is_active else "CONFIRMED")
    event.add("url", url)
    event.add("description", url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def space_calendar(space, bookings) -> bytes:
    """The space's booked times, without who booked them (public)."""
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    calendar = _calendar(str(space))
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{_site_host()}")
        event.add("dtstamp", now)
        event.add("summary", _("Booked"))
        event.add("dtstart", timezone.localtime(booking.starts_at))
        event.add("dtend", timezone.localtime(booking.ends_at))
        event.add("location", space.facility.address)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
