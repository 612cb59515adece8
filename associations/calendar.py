"""Published association events on the city's merged calendar (annual clock, feeds, front page)."""

from associations.ical import event_uid
from associations.selectors import events_in_range
from portal.registries import CalendarItem, calendar_source

EVENT_KIND = "association_event"


@calendar_source("associations.events")
def association_events(start, end):
    items = []
    for event in events_in_range(start, end):
        items.append(
            CalendarItem(
                uid=event_uid(event),
                title=event.title,
                start=event.starts,
                end=event.ends,
                kind=EVENT_KIND,
                url=event.get_absolute_url(),
                description=event.description[:500],
                location=event.place,
                audience=event.association.name,
                extra={"association_id": event.association_id, "association": event.association.name},
            )
        )
    return items
