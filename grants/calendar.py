"""The grant rounds on the city's merged calendar (annual clock, iCalendar feeds, reminders):
when each published call opens and closes, and when its reports are due. Typed once, here."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.models import GrantRound, GrantType
from portal.links import site_host
from portal.models import Department
from portal.registries import CalendarItem, calendar_source

APPLICATION_KIND = "grant_application_period"
REPORTING_KIND = "grant_reporting_deadline"


def _uid(round_pk, what):
    return f"grant-round-{round_pk}-{what}@{site_host()}"


def _aware_bounds(start, end):
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz)


@calendar_source("grants.rounds", reads=[GrantRound, GrantType, Department])
def grant_round_items(start: dt.date, end: dt.date) -> list[CalendarItem]:
    low, high = _aware_bounds(start, end)
    rounds = (
        GrantRound.objects.published()
        .filter(
            Q(opens_at__gte=low, opens_at__lt=high)
            | Q(closes_at__gte=low, closes_at__lt=high)
            | Q(report_due_on__gte=start, report_due_on__lt=end)
        )
        .select_related("grant_type", "department")
        .order_by("opens_at")
    )
    items = []
    for round_ in rounds:
        common = {"url": round_.get_absolute_url(), "audience": round_.grant_type.name}
        extra = {"round_id": round_.pk, "department": round_.department.name}
        if low <= round_.opens_at < high:
            items.append(
                CalendarItem(
                    uid=_uid(round_.pk, "opens"),
                    title=_("Grant call opens: %(title)s") % {"title": round_.title},
                    start=timezone.localtime(round_.opens_at),
                    kind=APPLICATION_KIND,
                    description=round_.description[:500],
                    extra={**extra, "event": "opens"},
                    **common,
                )
            )
        if low <= round_.closes_at < high:
            items.append(
                CalendarItem(
                    uid=_uid(round_.pk, "closes"),
                    title=_("Grant call closes: %(title)s") % {"title": round_.title},
                    start=timezone.localtime(round_.closes_at),
                    kind=APPLICATION_KIND,
                    extra={**extra, "event": "closes"},
                    **common,
                )
            )
        if round_.report_due_on and start <= round_.report_due_on < end:
            items.append(
                CalendarItem(
                    uid=_uid(round_.pk, "report-due"),
                    title=_("Grant reports due: %(title)s") % {"title": round_.title},
                    start=round_.report_due_on,
                    end=round_.report_due_on + dt.timedelta(days=1),
                    kind=REPORTING_KIND,
                    extra={**extra, "event": "report_due"},
                    **common,
                )
            )
    return items
