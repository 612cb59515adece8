"""Reads of the annual clock: the merged year, items by month, coming up, meeting answers."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from annualclock.kinds import ASSOCIATION_EVENT, KindStyle, kind_style
from annualclock.models import ClockEntry, Meeting, MeetingResponse, month_name
from portal.datacache import cached, data_version
from portal.registries import CalendarItem, calendar_items, calendar_version

COMING_UP_DAYS = 60
COMING_UP_SLACK = 8


@dataclass(frozen=True)
class ClockItem:
    """A calendar item as the clock shows it: its style and a human description of its time."""

    item: CalendarItem
    style: KindStyle
    when: str

    @property
    def accessible_name(self):
        return f"{self.style.label}: {self.item.title}, {self.when}"


def _local(value):
    return timezone.localtime(value) if isinstance(value, dt.datetime) else value


def describe_when(item: CalendarItem) -> str:
    """ "March 2026", "12.3.2026", "5.1.2026 – 30.1.2026", "12.3.2026 klo 18.00–20.00" in the active language."""
    start = _local(item.start)
    if item.month_only:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if isinstance(start, dt.datetime):
        text = date_format(start, "DATETIME_FORMAT")
        end = _local(item.end) if item.end else None
        if end is None:
            return text
        if end.date() == start.date():
            return f"{text}–{date_format(end, 'TIME_FORMAT')}"
        return f"{text} – {date_format(end, 'DATETIME_FORMAT')}"
    last_day = (item.end - dt.timedelta(days=1)) if item.end else start
    if last_day <= start:
        return date_format(start, "DATE_FORMAT")
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(last_day, 'DATE_FORMAT')}"


def clock_items(
    start: dt.date, end: dt.date, *, kind: str | None = None, exclude_kinds=None, limit: int | None = None
) -> list[ClockItem]:
    """Every app's calendar items in ``[start, end)``, merged and sorted.

    A plan entry that another item now stands for (``replaced_by_uid``) is left out when that
    item is present, so one thing never shows twice. ``kind`` keeps one kind (unknown kinds
    from other apps count as "other"); ``exclude_kinds`` leaves kinds out without their
    sources being asked; ``limit`` asks the sources that can bound their query for their first
    items only (the caller cuts the merged list itself).
    """
    items = calendar_items(start, end, exclude_kinds=exclude_kinds, limit=limit)
    uids = {item.uid for item in items}
    result = []
    for item in items:
        if item.extra.get("replaced_by_uid") in uids:
            continue
        style = kind_style(item.kind)
        if kind and style.kind != kind:
            continue
        result.append(ClockItem(item=item, style=style, when=describe_when(item)))
    return result


def year_items(year: int, *, kind: str | None = None) -> list[ClockItem]:
    return clock_items(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), kind=kind)


@dataclass(frozen=True)
class YearPlan:
    """The year as the wheel shows it: the city's plan item by item, association events counted.

    At national scale a year has thousands of association events; drawn one by one they bury the
    plan (meetings, grant rounds, hearings, newsletters) and make the page megabytes. The wheel
    shows how many begin each month, linking to the events list of that month; the list view and
    the iCalendar feeds still give every event.
    """

    items: list[ClockItem]
    event_counts: dict  # month number -> associations.calendar.MonthCount

    @property
    def event_total(self) -> int:
        return sum(count.count for count in self.event_counts.values())


def year_plan(year: int, *, kind: str | None = None) -> YearPlan:
    from associations.calendar import event_counts_by_month

    if kind == ASSOCIATION_EVENT:
        items = []
    else:
        items = clock_items(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), kind=kind, exclude_kinds=[ASSOCIATION_EVENT])
    counts = event_counts_by_month(year) if kind in (None, ASSOCIATION_EVENT) else {}
    return YearPlan(items=items, event_counts=counts)


def year_plan_version(*, kind: str | None = None) -> str | None:
    """The data version of what ``year_plan`` reads (``portal.datacache``), or None when a
    calendar source does not name its tables."""
    from associations.calendar import EVENT_TABLES

    events = EVENT_TABLES if kind in (None, ASSOCIATION_EVENT) else ()
    if kind == ASSOCIATION_EVENT:
        return data_version(*events)
    return calendar_version(exclude_kinds=[ASSOCIATION_EVENT], also=events)


def display_month(item: CalendarItem, year: int) -> int:
    """The month of ``year`` an item is listed under: its start month, or January if it began earlier."""
    start = _local(item.start)
    start_date = start.date() if isinstance(start, dt.datetime) else start
    return start_date.month if start_date.year == year else 1


@dataclass(frozen=True)
class MonthGroup:
    number: int
    name: str
    items: list
    events: object = None  # associations.calendar.MonthCount on the wheel, where events are counted

    @property
    def anchor(self):
        return f"month-{self.number}"


def items_by_month(items: list[ClockItem], year: int, *, event_counts=None) -> list[MonthGroup]:
    months = {number: [] for number in range(1, 13)}
    for clock_item in items:
        months[display_month(clock_item.item, year)].append(clock_item)
    event_counts = event_counts or {}
    return [
        MonthGroup(number=n, name=str(month_name(n)), items=months[n], events=event_counts.get(n)) for n in range(1, 13)
    ]


def coming_up(*, today: dt.date | None = None, days: int = COMING_UP_DAYS, limit: int = 8) -> list[ClockItem]:
    """What is on in the next ``days`` days (today included). Month-only plan entries are left
    out once their month has begun: the front page shows what has a date."""
    today = today or timezone.localdate()
    # Sources that can bound their query (association events) give their first items only; a
    # few more than shown, as month-only entries that have begun are dropped below.
    items = clock_items(today, today + dt.timedelta(days=days + 1), limit=limit + COMING_UP_SLACK)
    upcoming = []
    for clock_item in items:
        item = clock_item.item
        if item.month_only and _local(item.start) < today:
            continue
        end = _local(item.end) if item.end else _local(item.start)
        end_date = end.date() if isinstance(end, dt.datetime) else end
        if end_date < today:
            continue
        upcoming.append(clock_item)
    return upcoming[:limit]


def coming_up_cached(*, today: dt.date | None = None, limit: int = 8) -> list[ClockItem]:
    """``coming_up``, kept under the data version of every calendar source's tables, the day and
    the language (``portal.datacache``): a change anywhere shows on the next request."""
    today = today or timezone.localdate()
    version = calendar_version()
    if version is None:  # a source that does not name its tables: never cached
        return coming_up(today=today, limit=limit)
    return cached(
        "annualclock:coming-up",
        (version, today.isoformat(), get_language(), limit),
        lambda: coming_up(today=today, limit=limit),
    )


def meeting_list(*, now=None):
    now = now or timezone.now()
    base = Meeting.objects.with_forum()
    return {
        "upcoming": base.filter(ends_at__gt=now).order_by("starts_at"),
        "past": base.filter(ends_at__lte=now).order_by("-starts_at"),
    }


def places_left(meeting: Meeting):
    """Places left, or None when the meeting has no capacity limit."""
    if meeting.capacity is None:
        return None
    taken = (
        meeting.responses.filter(answer=MeetingResponse.Answer.ATTENDING).aggregate(total=Sum("attendees"))["total"]
        or 0
    )
    return max(meeting.capacity - taken, 0)


@dataclass(frozen=True)
class AnswerSummary:
    answered: list  # MeetingResponse rows
    silent: list  # associations invited that have not answered
    attending_people: int
    attending_associations: int
    not_attending_associations: int


def answer_summary(meeting: Meeting) -> AnswerSummary:
    """Who answered and who did not, for staff."""
    responses = list(meeting.responses.select_related("association", "answered_by").order_by("association__name"))
    answered_ids = {r.association_id for r in responses}
    invited = (
        meeting.invitations.filter(association__isnull=False)
        .exclude(association_id__in=answered_ids)
        .select_related("association")
        .order_by("association__name")
    )
    silent = list({inv.association_id: inv.association for inv in invited}.values())
    attending = [r for r in responses if r.answer == MeetingResponse.Answer.ATTENDING]
    return AnswerSummary(
        answered=responses,
        silent=silent,
        attending_people=sum(r.attendees for r in attending),
        attending_associations=len(attending),
        not_attending_associations=len(responses) - len(attending),
    )


def answer_for(meeting: Meeting, association) -> MeetingResponse | None:
    if association is None:
        return None
    return MeetingResponse.objects.filter(meeting=meeting, association=association).first()


def entry_for_display(entry: ClockEntry) -> ClockItem:
    from annualclock.calendar import entry_item

    item = entry_item(entry)
    return ClockItem(item=item, style=kind_style(item.kind), when=describe_when(item))


def meetings_held(year: int, *, forum_kind: str | None = None, now=None):
    """Meetings that took place (have started) in ``year``; for the indicators."""
    meetings = Meeting.objects.held(now).filter(starts_at__year=year)
    if forum_kind:
        meetings = meetings.filter(forum__kind=forum_kind)
    return meetings


def invitation_timeliness(year: int):
    """How many of the year's invited meetings were invited on time and late."""
    return Meeting.objects.filter(starts_at__year=year, invited_at__isnull=False).aggregate(
        total=Count("pk"), late=Count("pk", filter=Q(invited_late=True))
    )


def year_label(year: int) -> str:
    return _("Annual clock %(year)s") % {"year": year}
