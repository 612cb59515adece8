"""Published association events on the city's merged calendar (annual clock, feeds, front page)."""

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Count, F, Value
from django.db.models.functions import ExtractMonth, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from associations.models import Association, Event
from associations.selectors import events_in_range
from portal.datacache import Rows, cached, data_version
from portal.ical import calendar_feed
from portal.links import site_host
from portal.registries import CalendarItem, calendar_source

EVENT_KIND = "association_event"


def event_uid(event) -> str:
    """Stable across edits, so a calendar app updates the event in place."""
    return f"association-event-{event.pk}@{site_host()}"


def event_item(event) -> CalendarItem:
    """An event as an item of the merged calendar (the annual clock lists it for the association)."""
    return CalendarItem(
        uid=event_uid(event),
        title=event.title,
        start=event.starts,
        end=event.ends,
        kind=EVENT_KIND,
        url=event.get_absolute_url(),
        description=event.description[:500],
        location=event.place,
        audience=event.association.name,
        extra={"association_id": event.association_id, "association": event.association.name},
    )


def event_feed_item(event) -> CalendarItem:
    """An event in the events feed: the whole description, the online link, its organizer."""
    association = event.association
    return replace(
        event_item(event),
        description="\n\n".join(
            part
            for part in (
                event.description,
                event.price and f"{_('Price')}: {event.price}",
                event.accessibility and f"{_('Accessibility')}: {event.accessibility}",
            )
            if part
        ),
        location=", ".join(part for part in (event.place, event.address, event.online_url) if part),
        audience="",
        extra={
            "organizer": association.name,
            "organizer_email": association.email,
            "last_modified": event.updated_at,
        },
    )


# The events feed is cached: serialising up to a thousand events is seconds of icalendar work,
# and calendar apps poll it. The key holds the data version of the events and their associations
# (``portal.datacache``), so a new, edited or deleted event, or an association renamed or hidden,
# makes a new key at once; the day is in the key too (the feed is "upcoming").
FEED_MAX_EVENTS = 1000
# What published events are made from. An association's row count is left out (a scan of the whole
# registry on every request): deleting an association deletes its events, whose count changes.
EVENT_TABLES = (Event, Rows(Association, counted=False))


def events_data_version() -> str:
    """Changes whenever an event is created, edited or deleted, or an association is added or
    edited (renamed, hidden, approved): one query."""
    return data_version(*EVENT_TABLES)


def events_feed(params, *, name, today=None) -> bytes:
    """The events list's filters (``params``) as an iCalendar feed, from the cache when the events
    have not changed. Upcoming events by default (``start=YYYY-MM-DD`` reaches back), at most
    ``FEED_MAX_EVENTS``, nearest first."""
    from associations.selectors import event_list

    today = today or timezone.localdate()
    query = urlencode(sorted((key, value) for key, values in params.lists() for value in values))

    def build():
        filterset = event_list(params=params, today=today)
        events = filterset.qs[:FEED_MAX_EVENTS] if filterset.is_valid() else Event.objects.none()
        return calendar_feed([event_feed_item(event) for event in events], name=name, product="associations")

    return cached(
        "associations:events-feed",
        (events_data_version(), today.isoformat(), get_language() or "", str(name), query),
        build,
    )


@calendar_source("associations.events", kinds=[EVENT_KIND], reads=EVENT_TABLES)
def association_events(start, end, limit=None):
    """The published events on in ``[start, end)``; with ``limit`` only the first ones by start,
    in the merged calendar's order (a day's all-day events first), so the query stays bounded."""
    events = events_in_range(start, end)
    if limit is not None:
        events = events.order_by("start_date", F("start_time").asc(nulls_first=True), "pk")[:limit]
    return [event_item(event) for event in events]


@dataclass(frozen=True)
class MonthCount:
    """How many association events begin in a month, and the events list showing that month."""

    month: int
    count: int
    url: str


def event_counts_by_month(year: int) -> dict[int, MonthCount]:
    """Published events on in ``year`` counted by the month they begin in (January for those that
    began the year before), as the annual clock lists items: one query, however many events.

    Each count links to the events list filtered to that month.
    """
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    rows = (
        events_in_range(start, end)
        .order_by()
        .annotate(month=ExtractMonth(Greatest("start_date", Value(start))))
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    return {month: MonthCount(month=month, count=count, url=month_events_url(year, month)) for month, count in rows}


def month_events_url(year: int, month: int) -> str:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return f"{reverse('associations:event-list')}?{urlencode({'start': first.isoformat(), 'end': last.isoformat()})}"


# The forms of cooperation (issue 14) register from their own sub-packages.
import associations.cooperation.calendar  # noqa: E402,F401
import associations.hearings.calendar  # noqa: E402,F401
