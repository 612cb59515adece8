"""The front page's "coming events of associations" block."""

from django.utils import timezone

from associations.calendar import events_data_version
from associations.models import Event
from portal.datacache import cached
from portal.registries import home_section

HOME_EVENT_COUNT = 5


def upcoming_events_cached(*, today=None) -> list[Event]:
    """The next few published events, kept under the events' data version and the day
    (``portal.datacache``): a new, edited or hidden event shows on the next request."""
    today = today or timezone.localdate()

    def nearest():
        return list(
            Event.objects.published()
            .upcoming(today)
            .select_related("association")
            .order_by("start_date", "start_time")[:HOME_EVENT_COUNT]
        )

    return cached("associations:home-events", (events_data_version(), today.isoformat()), nearest)


@home_section("associations.events", order=40)
def upcoming_events(request):
    events = upcoming_events_cached()
    if not events:
        return None
    return "associations/home_events.html", {"events": events}
