"""Import events in the Linked Events API JSON format (api.hel.fi/linkedevents, used by many
Finnish cities) idempotently.

An event is matched by its ``id``. A newer ``last_modified_time`` updates it, an equal or older
one leaves it alone, ``deleted: true`` removes it, and ``event_status: EventCancelled`` takes it off
the public list. The publisher organisation maps to an association through
``Association.linked_events_publisher`` (or every event goes to one given association).
Imported events are published at once: the source is itself curated.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Event
from associations.validators import event_date_bounds

SOURCE = Event.Source.LINKED_EVENTS
LANGUAGE_ORDER = ("fi", "sv", "en")
# Stored on the event, so written in the language active at import time (the city's default).
CANCELLED_REASON = _("Cancelled at the source (Linked Events).")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: list = field(default_factory=list)  # (id, reason)

    def as_dict(self):
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "skipped": len(self.skipped),
        }


def _text(value, limit=None):
    """A localised Linked Events string ({"fi": ..., "sv": ...}) in the first language present."""
    if isinstance(value, dict):
        for language in LANGUAGE_ORDER:
            if value.get(language):
                value = value[language]
                break
        else:
            value = next((v for v in value.values() if v), "")
    value = value or ""
    return value[:limit] if limit else value


def _html_to_text(html):
    """Linked Events descriptions are HTML; the portal keeps plain text (paragraphs kept)."""
    html = re.sub(r"(?i)<br\s*/?>", "\n", html or "")
    html = re.sub(r"(?i)</p\s*>", "\n\n", html)
    text = nh3.clean(html, tags=set())
    text = text.replace("&amp;", "&").replace("&lt;", "‹").replace("&gt;", "›").replace("&nbsp;", " ")
    text = text.replace("<", "‹").replace(">", "›")  # never store markup
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _split(value):
    """A Linked Events time (date-only or ISO datetime) as (local date, local time or None)."""
    if not value:
        return None, None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value[:10])
        return day, None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.date(), local.time().replace(microsecond=0)


def _place(location):
    if not isinstance(location, dict):
        return ""
    name = _text(location.get("name"))
    street = _text(location.get("street_address"))
    return ", ".join(p for p in (name, street) if p)[:200]


def _parse_modified(value):
    moment = parse_datetime(value or "")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def import_events(items, *, association=None, report=None) -> ImportReport:
    """Import a list of Linked Events event objects. Each event is its own transaction."""
    report = report or ImportReport()
    publishers = dict(
        Association.objects.exclude(linked_events_publisher="").values_list("linked_events_publisher", "pk")
    )
    for item in items:
        external_id = str(item.get("id") or "")[:200]
        if not external_id:
            report.skipped.append(("", "no id"))
            continue
        with transaction.atomic():
            existing = Event.objects.select_for_update().filter(source=SOURCE, external_id=external_id).first()
            if item.get("deleted"):
                if existing:
                    existing.delete()
                    report.deleted += 1
                else:
                    report.unchanged += 1
                continue
            modified = _parse_modified(item.get("last_modified_time"))
            if existing and existing.external_modified_at and modified and modified <= existing.external_modified_at:
                report.unchanged += 1
                continue
            association_id = association.pk if association else publishers.get(item.get("publisher"))
            if association_id is None:
                report.skipped.append((external_id, f"unknown publisher {item.get('publisher')!r}"))
                continue
            start_date, start_time = _split(item.get("start_time"))
            if start_date is None:
                report.skipped.append((external_id, "no start time"))
                continue
            end_date, end_time = _split(item.get("end_time"))
            first, last = event_date_bounds()
            if not (first <= start_date <= last and (end_date is None or end_date <= last)):
                # 9999-12-31 or year 1 is a typo at the source; it would only clutter the calendar.
                report.skipped.append((external_id, "date out of range"))
                continue
            if item.get("has_start_time") is False:
                start_time = None
            if item.get("has_end_time") is False or start_time is None:
                end_time = None
            if end_date is not None and (
                end_date < start_date or (end_date == start_date and end_time and start_time and end_time <= start_time)
            ):
                end_date, end_time = None, None
            if end_date == start_date and end_time is None:
                end_date = None
            event = existing or Event(source=SOURCE, external_id=external_id)
            event.association_id = association_id
            event.title = _text(item.get("name"), 200) or external_id
            event.description = _html_to_text(_text(item.get("description")) or _text(item.get("short_description")))
            event.start_date, event.start_time = start_date, start_time
            event.end_date, event.end_time = end_date, end_time
            event.place = _place(item.get("location"))
            link = _text(item.get("info_url"), 200)
            event.link = link if link.startswith(("http://", "https://")) else ""
            event.external_modified_at = modified
            if item.get("event_status") == "EventCancelled":
                event.moderation_state = Event.ModerationState.REJECTED
                event.moderation_reason = str(CANCELLED_REASON)
            else:
                event.moderation_state = Event.ModerationState.APPROVED
                event.moderation_reason = ""
            event.moderated_at = timezone.now()
            event.save()
            if existing:
                report.updated += 1
            else:
                report.created += 1
    return report
