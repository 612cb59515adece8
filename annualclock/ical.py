"""iCalendar (RFC 5545) feeds of the merged year, built with the ``icalendar`` package.

- UIDs come from the sources and never change, so calendar apps update events in place.
- A month-only plan entry is an all-day event spanning its month:
  ``DTSTART;VALUE=DATE`` the first day, ``DTEND;VALUE=DATE`` the next month's first day.
- Timed items carry their time zone (a VTIMEZONE is included).
- The item's page is in ``URL`` and, for clients that hide URL, in ``DESCRIPTION``.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from annualclock.selectors import ClockItem


def build_calendar(items: list[ClockItem], *, name: str, absolute_url, now=None) -> bytes:
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CITY_PROFILE['portal_name']}//Annual clock//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for clock_item in items:
        item = clock_item.item
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("summary", item.title)
        start, end = item.start, item.end
        if isinstance(start, dt.datetime):
            event.add("dtstart", timezone.localtime(start))
            if end is not None:
                event.add("dtend", timezone.localtime(end))
        else:
            event.add("dtstart", start)
            event.add("dtend", end or start + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # a period or a deadline does not make anyone busy
        url = absolute_url(item.url) if item.url else ""
        description = [item.description.strip()] if item.description.strip() else []
        if item.audience:
            description.append(_("For: %(audience)s") % {"audience": item.audience})
        link = item.extra.get("link", "")
        if link and link != url:
            description.append(link)
        if url:
            description.append(url)
            event.add("url", url)
        if description:
            event.add("description", "\n\n".join(description))
        if item.location:
            event.add("location", item.location)
        event.add("categories", [str(clock_item.style.label)])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
