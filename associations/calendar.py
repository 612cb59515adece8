"""Published association events on the city's merged calendar (annual clock, feeds, front page)."""

from dataclasses import replace

from django.utils.translation import gettext as _

from associations.selectors import events_in_range
from portal.links import site_host
from portal.registries import CalendarItem, calendar_source

EVENT_KIND = "association_event"


def event_uid(event) -> str:
    """Stable across edits, so a calendar app updates the event in place."""
    return f"association-event-{event.pk}@{site_host()}"


def event_item(event) -> CalendarItem:
    """An event as an item of the merged calendar (the annual clock lists it for the association)."""
    return CalendarItem(
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


def event_feed_item(event) -> CalendarItem:
    """An event in the events feed: the whole description, the online link, its organizer."""
    association = event.association
    return replace(
        event_item(event),
        description="\n\n".join(
            part
            for part in (
                event.description,
                event.price and f"{_('Price')}: {event.price}",
                event.accessibility and f"{_('Accessibility')}: {event.accessibility}",
            )
            if part
        ),
        location=", ".join(part for part in (event.place, event.address, event.online_url) if part),
        audience="",
        extra={
            "organizer": association.name,
            "organizer_email": association.email,
            "last_modified": event.updated_at,
        },
    )


@calendar_source("associations.events")
def association_events(start, end):
    return [event_item(event) for event in events_in_range(start, end)]


# The forms of cooperation (issue 14) register from their own sub-packages.
import associations.cooperation.calendar  # noqa: E402,F401
import associations.hearings.calendar  # noqa: E402,F401
