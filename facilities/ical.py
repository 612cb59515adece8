"""iCalendar for bookings: one booking for its booker, and a space's taken times.

Both are ``CalendarItem``s run through the portal's one builder (``portal.ical.calendar_feed``).
"""

from django.utils.translation import gettext as _

from portal.ical import calendar_feed
from portal.links import site_host
from portal.registries import CalendarItem


def _uid(booking):
    return f"booking-{booking.pk}@{site_host()}"


def _status(booking):
    if booking.state == booking.State.CONFIRMED:
        return "CONFIRMED"
    return "TENTATIVE" if booking.state == booking.State.REQUESTED else "CANCELLED"


def booking_item(booking, *, url, sequence=None) -> CalendarItem:
    """A booking as its booker sees it: where, what for; waiting, confirmed or cancelled."""
    extra = {"status": _status(booking)}
    if sequence is not None:
        extra["sequence"] = sequence
    return CalendarItem(
        uid=_uid(booking),
        title=f"{booking.space.facility.name}: {booking.space.name} – {booking.purpose}",
        start=booking.starts_at,
        end=booking.ends_at,
        kind="booking",
        url=url,
        location=booking.space.facility.address,
        extra=extra,
    )


def booking_calendar(booking, *, url, sequence=None) -> bytes:
    """The booking as an event the booker adds to their calendar; a cancelled one says so.

    ``sequence`` (how many times the booking has changed) lets a calendar app replace the
    event it has when a changed booking's file arrives.
    """
    item = booking_item(booking, url=url, sequence=sequence)
    return calendar_feed([item], name=str(booking.space), product="Facilities")


def booker_calendar(user, bookings, *, url) -> bytes:
    """A booker's own bookings (the private feed): cancelled ones stay, marked, so they vanish."""
    items = [booking_item(booking, url=url) for booking in bookings]
    return calendar_feed(items, name=_("My bookings"), product="Facilities")


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
