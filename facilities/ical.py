"""iCalendar for bookings: one booking for its booker, and a space's taken times.

Both are ``CalendarItem``s run through the portal's one builder (``portal.ical.calendar_feed``).
"""

from django.utils.translation import gettext as _

from portal.ical import calendar_feed
from portal.links import site_host
from portal.registries import CalendarItem


def _uid(booking):
    return f"booking-{booking.pk}@{site_host()}"


def booking_calendar(booking, *, url) -> bytes:
    """The booking as an event the booker adds to their calendar; a cancelled one says so."""
    item = CalendarItem(
        uid=_uid(booking),
        title=f"{booking.space.facility.name}: {booking.space.name} – {booking.purpose}",
        start=booking.starts_at,
        end=booking.ends_at,
        kind="booking",
        url=url,
        location=booking.space.facility.address,
        extra={"status": "CONFIRMED" if booking.is_active else "CANCELLED"},
    )
    return calendar_feed([item], name=str(booking.space), product="Facilities")


def space_calendar(space, bookings) -> bytes:
    """The space's booked times, without who booked them (public)."""
    items = [
        CalendarItem(
            uid=_uid(booking),
            title=_("Booked"),
            start=booking.starts_at,
            end=booking.ends_at,
            kind="booking",
            location=space.facility.address,
        )
        for booking in bookings
    ]
    return calendar_feed(items, name=str(space), product="Facilities")
