"""The front page's "coming events of associations" block."""

from associations.models import Event
from portal.registries import home_section

HOME_EVENT_COUNT = 5


@home_section("associations.events", order=40)
def upcoming_events(request):
    events = list(
        Event.objects.published()
        .upcoming()
        .select_related("association")
        .order_by("start_date", "start_time")[:HOME_EVENT_COUNT]
    )
    if not events:
        return None
    return "associations/home_events.html", {"events": events}
