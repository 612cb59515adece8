"""The events as an iCalendar feed (RFC 5545) with the ``icalendar`` package.

UIDs are stable (the event's id and the site's host), so a calendar app updates an event in place
when it changes; DESCRIPTION ends with the link to the event's page.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent


def event_uid(event) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"association-event-{event.pk}@{host}"


def events_calendar(events, *, name) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CITY_PROFILE['portal_name']}//associations//FI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for event in events:
        url = f"{settings.SITE_URL}{event.get_absolute_url()}"
        item = ICalEvent()
        item.add("uid", event_uid(event))
        item.add("dtstamp", now)
        item.add("last-modified", event.updated_at)
        item.add("summary", event.title)
        start = event.starts
        if isinstance(start, dt.datetime):
            item.add("dtstart", start.astimezone(timezone.get_default_timezone()))
            end = event.ends
            if end is not None:
                item.add("dtend", end.astimezone(timezone.get_default_timezone()))
        else:
            item.add("dtstart", start)
            item.add("dtend", event.ends)
        description = "\n\n".join(
            part for part in (event.description.strip(), f"{event.association.name}", url) if part
        )
        item.add("description", description)
        item.add("url", url)
        location = ", ".join(part for part in (event.place, event.online_url) if part)
        if location:
            item.add("location", location)
        if event.association.email:
            item.add("organizer", f"mailto:{event.association.email}", parameters={"cn": event.association.name})
        calendar.add_component(item)
    return calendar.to_ical()
