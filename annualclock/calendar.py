"""The annual clock's own calendar sources: the year plan's entries and the city's meetings.

Registered with ``portal.registries.calendar_source``; the wheel, the list, the iCalendar
feeds and the front page read them merged with every other app's source.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from annualclock.models import ClockEntry, Meeting, next_month_start
from portal.links import site_host
from portal.models import Forum
from portal.registries import CalendarItem, calendar_source


def entry_uid(entry_pk):
    return f"annualclock-entry-{entry_pk}@{site_host()}"


def meeting_uid(meeting_pk):
    return f"annualclock-meeting-{meeting_pk}@{site_host()}"


def entry_item(entry: ClockEntry) -> CalendarItem:
    """A plan entry as a calendar item: the whole month until its exact dates are known."""
    common = {
        "uid": entry_uid(entry.pk),
        "title": entry.title,
        "kind": entry.kind,
        "url": entry.get_absolute_url(),
        "description": entry.description,
        "audience": entry.audience,
        # Staff write the plan in the city's own language: pages in other languages mark it.
        "extra": {"link": entry.link, "replaced_by_uid": entry.replaced_by_uid, "written_in": settings.LANGUAGE_CODE},
    }
    if entry.start_date is None:
        return CalendarItem(
            start=dt.date(entry.year, entry.month, 1),
            end=next_month_start(entry.year, entry.month),
            month_only=True,
            **common,
        )
    last_day = entry.end_date or entry.start_date
    if entry.start_time is None:
        return CalendarItem(start=entry.start_date, end=last_day + dt.timedelta(days=1), **common)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(entry.start_date, entry.start_time, tzinfo=tz)
    end = dt.datetime.combine(last_day, entry.end_time, tzinfo=tz) if entry.end_time else None
    return CalendarItem(start=start, end=end, **common)


def meeting_item(meeting: Meeting) -> CalendarItem:
    return CalendarItem(
        uid=meeting_uid(meeting.pk),
        title=meeting.title,
        kind=meeting.kind,
        start=timezone.localtime(meeting.starts_at),
        end=timezone.localtime(meeting.ends_at),
        url=meeting.get_absolute_url(),
        description=meeting.agenda,
        location=meeting.place or meeting.online_url,
        audience=meeting.forum.name,
        extra={"link": meeting.online_url, "meeting_id": meeting.pk, "written_in": settings.LANGUAGE_CODE},
    )


@calendar_source("annualclock.entries", reads=[ClockEntry, Meeting])
def clock_entry_items(start: dt.date, end: dt.date) -> list[CalendarItem]:
    """Published plan entries; an entry whose meeting has been fixed gives way to the meeting."""
    entries = ClockEntry.objects.published().filter(meeting__isnull=True).overlapping(start, end)
    return [entry_item(entry) for entry in entries]


@calendar_source("annualclock.meetings", reads=[Meeting, Forum])
def meeting_items(start: dt.date, end: dt.date) -> list[CalendarItem]:
    return [meeting_item(meeting) for meeting in Meeting.objects.with_forum().overlapping(start, end)]
