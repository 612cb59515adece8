"""The planned newsletter issues on the annual clock (kind "newsletter").

Seed 001: the annual clock records the months of the newsletters. One item per edition
(language versions count once): on its sending time when sent or scheduled, on its planned date
when set, otherwise month-precision in the middle month of its quarter.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from newsletter.models import Issue
from portal.registries import CalendarItem, calendar_source


def _when(issue):
    """(start, end, month_only) of the issue on the calendar."""
    moment = issue.sent_at or (issue.scheduled_at if issue.state != Issue.State.DRAFT else None)
    if moment is not None:
        day = timezone.localtime(moment).date()
        return day, day + dt.timedelta(days=1), False
    if issue.planned_date:
        return issue.planned_date, issue.planned_date + dt.timedelta(days=1), False
    month = 3 * (issue.quarter - 1) + 2
    start = dt.date(issue.year, month, 1)
    return start, dt.date(issue.year, month + 1, 1), True


@calendar_source("newsletter.issues", reads=[Issue])
def planned_issues(start, end):
    issues = Issue.objects.editions().filter(year__gte=start.year - 1, year__lte=end.year)
    items = []
    for issue in issues:
        first, after, month_only = _when(issue)
        if not (first < end and after > start):
            continue
        sent = issue.state == Issue.State.SENT
        items.append(
            CalendarItem(
                uid=f"newsletter-issue-{issue.pk}",
                title=gettext("Association newsletter %(quarter)s/%(year)s")
                % {"quarter": issue.quarter, "year": issue.year},
                start=first,
                end=after,
                kind="newsletter",
                url=issue.get_absolute_url() if sent else reverse("newsletter:subscribe"),
                description=issue.subject if sent else "",
                month_only=month_only,
            )
        )
    return items
