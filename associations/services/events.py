"""Events and project news of associations: posted by representatives, published by staff.

Every edit sends the event back to moderation (``portal.moderation``); the poster hears of the
decision, the reason of a refusal included. E-mails are in the site's default language.
"""

from django.db import transaction

from associations.models import Event
from portal.db import assign_fields
from portal.links import absolute_url
from portal.moderation import clean_reason, moderation_approve, moderation_reject, moderation_resubmit
from portal.outbox import change_key, coordinator_email, notify, site_language

# The fields of an event, in the form's order: ``EventForm.Meta.fields`` is this list. The poster
# is a checked upload and comes separately.
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "place",
    "address",
    "price",
    "accessibility",
    "online_url",
    "link",
    "poster",
    "poster_alt",
    "report",
)
EVENT_FILES = ("poster",)


def _apply_event(event, data, poster=None, clear_poster=False):
    assign_fields(event, data, EVENT_FIELDS, files=EVENT_FILES)
    if poster is not None:
        event.poster = poster
    elif clear_poster:
        event.poster = ""
        event.poster_alt = ""


def _event_submitted(event):
    notify(
        key=change_key(event, f"event-{event.pk}-submitted"),
        to=coordinator_email(),
        template="event-submitted",
        context={
            "event": event,
            "association": event.association,
            "admin_url": absolute_url("admin:associations_event_change", args=[event.pk], language=site_language()),
        },
        language=site_language(),
    )


@transaction.atomic
def event_create(*, association, user, data, poster=None) -> Event:
    """An association posts an event or project news. It waits for staff moderation."""
    event = Event(association=association, created_by=user, moderation_state=Event.ModerationState.PENDING)
    _apply_event(event, data, poster=poster)
    event.full_clean(exclude=["poster"])
    event._history_user = user
    event.save()
    _event_submitted(event)
    return event


@transaction.atomic
def event_update(*, event, user, data, poster=None, clear_poster=False) -> Event:
    """A representative edits the event. Any edit goes back to moderation before it is public again.

    The moderators hear of it when it comes back to them (it was published or rejected) or
    brings a new poster; an edit of an event still waiting adds nothing to their queue.
    """
    event = Event.objects.select_for_update().select_related("association").get(pk=event.pk)
    _apply_event(event, data, poster=poster, clear_poster=clear_poster)
    event.full_clean(exclude=["poster"])
    returned = moderation_resubmit(event)
    event._history_user = user
    event.save()
    if returned or poster is not None:
        _event_submitted(event)
    return event


@transaction.atomic
def event_delete(*, event, user) -> None:
    event = Event.objects.select_for_update().get(pk=event.pk)
    event._history_user = user
    event.delete()


@transaction.atomic
def event_approve(*, event, user) -> Event:
    """Staff publish an event; the poster is told."""
    event = Event.objects.select_for_update(of=("self",)).select_related("association", "created_by").get(pk=event.pk)
    if not moderation_approve(event, user=user):
        return event
    if event.created_by and event.created_by.email:
        notify(
            key=change_key(event, f"event-{event.pk}-approved"),
            to=event.created_by.email,
            template="event-approved",
            context={
                "event": event,
                "url": absolute_url("associations:event-detail", kwargs={"pk": event.pk}, language=site_language()),
            },
            language=site_language(),
        )
    return event


@transaction.atomic
def event_reject(*, event, user, reason) -> Event:
    """Staff refuse an event, with the reason e-mailed to the poster."""
    reason = clean_reason(reason)
    event = Event.objects.select_for_update(of=("self",)).select_related("association", "created_by").get(pk=event.pk)
    moderation_reject(event, user=user, reason=reason)
    if event.created_by and event.created_by.email:
        notify(
            key=change_key(event, f"event-{event.pk}-rejected"),
            to=event.created_by.email,
            template="event-rejected",
            context={
                "event": event,
                "reason": reason,
                "url": absolute_url("associations:event-edit", kwargs={"pk": event.pk}, language=site_language()),
            },
            language=site_language(),
        )
    return event
