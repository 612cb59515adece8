"""Seasonal rounds on the city's merged calendar (annual clock, feeds): the application period."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import SeasonRound
from portal.links import site_host
from portal.registries import CalendarItem, calendar_source

SEASON_ROUND_KIND = "facilities_season_round"


@calendar_source("facilities.season_rounds", reads=[SeasonRound])
def season_round_dates(start, end):
    """Each announced round's application period as an all-day item."""
    host = site_host()
    items = []
    rounds = SeasonRound.objects.exclude(state=SeasonRound.State.DRAFT).filter(
        applications_open__date__lt=end, applications_close__date__gte=start
    )
    for season in rounds:
        opens = timezone.localtime(season.applications_open).date()
        closes = timezone.localtime(season.applications_close).date()
        items.append(
            CalendarItem(
                uid=f"season-round-{season.pk}-applications@{host}",
                title=_("Applications for weekly slots: %(name)s") % {"name": season.name},
                start=opens,
                end=closes + dt.timedelta(days=1),
                kind=SEASON_ROUND_KIND,
                url=reverse("facilities:facility-list"),
                description=season.principles[:500],
                audience=_("Associations"),
            )
        )
    return items
