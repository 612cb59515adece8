"""Hearings on the city's merged calendar (annual clock, iCalendar feeds): the moment answers
open and the deadline, typed once, here. ``associations/calendar.py`` imports this module."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.hearings.models import Hearing
from portal.links import site_host
from portal.models import Department
from portal.registries import CalendarItem, calendar_source

HEARING_KIND = "hearing"


def _uid(hearing_pk, what):
    return f"hearing-{hearing_pk}-{what}@{site_host()}"


@calendar_source("associations.hearings", reads=[Hearing, Department])
def hearing_dates(start: dt.date, end: dt.date) -> list[CalendarItem]:
    """Opened hearings whose opening or deadline falls in [start, end) in the city's time."""
    tz = timezone.get_default_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    hearings = (
        Hearing.objects.public()
        .filter(Q(opens_at__gte=low, opens_at__lt=high) | Q(closes_at__gte=low, closes_at__lt=high))
        .select_related("department")
        .order_by("opens_at")
    )
    items = []
    for hearing in hearings:
        common = {
            "kind": HEARING_KIND,
            "url": hearing.get_absolute_url(),
            "audience": str(hearing.get_kind_display()),
        }
        extra = {"hearing_id": hearing.pk, "department": hearing.department.name}
        if low <= hearing.opens_at < high:
            items.append(
                CalendarItem(
                    uid=_uid(hearing.pk, "opens"),
                    title=_("Hearing opens: %(title)s") % {"title": hearing.title},
                    start=timezone.localtime(hearing.opens_at),
                    description=hearing.question[:500],
                    extra={**extra, "event": "opens"},
                    **common,
                )
            )
        if low <= hearing.closes_at < high:
            items.append(
                CalendarItem(
                    uid=_uid(hearing.pk, "closes"),
                    title=_("Hearing closes: %(title)s") % {"title": hearing.title},
                    start=timezone.localtime(hearing.closes_at),
                    extra={**extra, "event": "closes"},
                    **common,
                )
            )
    return items
