"""The one iCalendar (RFC 5545) builder: a feed from ``portal.registries.CalendarItem`` objects.

Every feed (the annual clock's, the association events') is a list of calendar items run through
``calendar_feed``; an app that has dated things makes ``CalendarItem``s of them (as it does for
the merged calendar) and never writes iCalendar itself.

- UIDs come from the items and never change, so calendar apps update an event in place.
- An all-day item (``start`` a date) has ``DTSTART;VALUE=DATE`` and an exclusive ``DTEND`` (the
  next day when the item has none) and is TRANSPARENT: a period or a deadline makes nobody busy.
  A month-only entry is the first of its month to the first of the next.
- Timed items are in the city's time zone (a VTIMEZONE is included).
- The item's page is in ``URL`` and, for clients that hide URL, at the end of ``DESCRIPTION``.
- Optional ``extra`` keys: ``link`` (a further link, listed in the description), ``organizer``
  (name), ``organizer_email`` (ORGANIZER), ``last_modified`` (LAST-MODIFIED), ``status``
  (STATUS: CONFIRMED, TENTATIVE or CANCELLED), ``sequence`` (SEQUENCE: a higher number tells a
  calendar app that an event it has was changed).
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from portal.links import absolute_url as site_absolute_url


def calendar_feed(items, *, name, product, now=None, absolute_url=site_absolute_url, category=None) -> bytes:
    """The items as an iCalendar file. ``category(item)`` may give each a CATEGORIES label."""
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CITY_PROFILE['portal_name']}//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for item in items:
        calendar.add_component(_event(item, now=now, absolute_url=absolute_url, category=category))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(item, *, now, absolute_url, category):
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", now)
    if item.extra.get("last_modified"):
        event.add("last-modified", item.extra["last_modified"])
    event.add("summary", item.title)
    start, end = item.start, item.end
    if isinstance(start, dt.datetime):
        event.add("dtstart", timezone.localtime(start))
        if end is not None:
            event.add("dtend", timezone.localtime(end))
    else:
        event.add("dtstart", start)
        event.add("dtend", end or start + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    url = absolute_url(item.url) if item.url else ""
    description = [item.description.strip()] if item.description.strip() else []
    if item.audience:
        description.append(_("For: %(audience)s") % {"audience": item.audience})
    organizer = item.extra.get("organizer", "")
    if organizer and organizer != item.audience:
        description.append(organizer)
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
    if item.extra.get("organizer_email"):
        event.add("organizer", f"mailto:{item.extra['organizer_email']}", parameters={"cn": organizer})
    if item.extra.get("status"):
        event.add("status", item.extra["status"])
    if item.extra.get("sequence") is not None:
        event.add("sequence", item.extra["sequence"])
    label = category(item) if category else None
    if label:
        event.add("categories", [str(label)])
    return event
