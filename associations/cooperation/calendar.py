"""The city's events that take sign-ups on the merged calendar (annual clock, feeds): the city
tells associations early about what it plans with them (seed 003 item 5, seed 001)."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from associations.cooperation.models import CityEvent
from portal.links import site_host
from portal.models import Department
from portal.registries import CalendarItem, calendar_source

# The clock shows a kind it does not know as "Other" (annualclock.kinds.kind_style).
CITY_EVENT_KIND = "other"


@calendar_source("associations.city_events", reads=[CityEvent, Department])
def city_events(start, end):
    """Published city events overlapping [start, end), as all-day items."""
    events = (
        CityEvent.objects.filter(is_published=True, starts_on__lt=end)
        .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True, starts_on__gte=start))
        .select_related("department")
    )
    return [
        CalendarItem(
            uid=f"city-event-{event.pk}@{site_host()}",
            title=event.title,
            start=event.starts_on,
            end=(event.ends_on or event.starts_on) + dt.timedelta(days=1),
            kind=CITY_EVENT_KIND,
            url=event.get_absolute_url(),
            description=_("Associations can sign up until %(date)s.") % {"date": event.signup_until.isoformat()},
            location=event.place,
            audience=event.department.name,
        )
        for event in events
    ]
