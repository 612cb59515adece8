"""Reads of the association registry. select_related/prefetch_related live here, so a page's
number of queries does not grow with its rows."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from associations.countries import POLAND, current_country
from associations.filters import AssociationFilter, EventFilter
from associations.models import Association, Event, FieldOfActivity, Membership, PartnershipAgreement
from associations.permissions import can_see_association
from portal.i18n import localized_name, localized_names


def _directory_prefetches():
    prefetches = [
        Prefetch("fields_of_activity", queryset=FieldOfActivity.objects.select_related("parent")),
        "service_areas",
    ]
    if current_country() == POLAND:
        prefetches.append("public_benefit_spheres")
    return prefetches


def association_directory(*, params, queryset=None) -> AssociationFilter:
    """The public directory filtered by ``params`` (the GET query). ``.qs`` is the result."""
    queryset = queryset if queryset is not None else Association.objects.public()
    return AssociationFilter(params, queryset=queryset.prefetch_related(*_directory_prefetches()))


@dataclass(frozen=True)
class DirectoryCard:
    """What a directory row shows, computed in Python: the template only prints it.

    Resolving a dozen lookups and filters per row in the template was most of the page's time
    on a large registry.
    """

    name: str
    url: str
    logo_url: str
    classification: str
    fields: list
    description: str
    areas: str
    confirmed_on: dt.date | None


def _plain_summary(text, words=30):
    """The first words of a Markdown description as plain text: list items joined with "·"."""
    if not text:
        return ""
    text = re.sub(r"\s*\n\s*(?:[-*+]|\d+\.)\s+", " · ", "\n" + text.strip()).lstrip(" ·")
    text = re.sub(r"[*_`#>]+", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    return Truncator(" ".join(text.split())).words(words)


def directory_cards(associations) -> list[DirectoryCard]:
    if not associations:
        return []
    # One reverse() for the page, not one per row.
    prefix = reverse("associations:detail", kwargs={"slug": "-"})[:-2]
    kind_labels = dict(Association.Kind.choices)
    class_labels = dict(Association.PRHClass.choices)
    legal_forms = dict(Association.LegalForm.choices)
    poland = current_country() == POLAND
    cards = []
    for a in associations:
        if poland:
            # Poland's classification: the legal form, and the spheres of public benefit as the fields.
            classification = str(legal_forms.get(a.legal_form) or kind_labels.get(a.kind, ""))
        else:
            classification = str(class_labels.get(a.prh_class, ""))
            if a.kind != Association.Kind.REGISTERED:
                classification = f"{classification} · {kind_labels.get(a.kind, '')}"
        fields = a.public_benefit_spheres.all() if poland else a.fields_of_activity.all()
        cards.append(
            DirectoryCard(
                name=a.name,
                url=f"{prefix}{a.slug}/",
                logo_url=f"{prefix}{a.slug}/logo/" if a.logo else "",
                classification=classification,
                fields=[localized_name(f) for f in fields],
                description=_plain_summary(a.description),
                areas=localized_names(a.service_areas.all()),
                confirmed_on=a.last_confirmed_on,
            )
        )
    return cards


def association_export_queryset(filterset):
    """The directory's rows with everything the CSV/JSON export shows, public fields only."""
    return filterset.qs.prefetch_related("age_groups", "languages")


def association_profile(*, slug, user) -> Association | None:
    """The profile, if the user may see it (``permissions.can_see_association``)."""
    queryset = Association.objects.prefetch_related(
        Prefetch("fields_of_activity", queryset=FieldOfActivity.objects.select_related("parent")),
        "service_areas",
        "age_groups",
        "languages",
    )
    association = queryset.filter(slug=slug).first()
    if association is None or not can_see_association(user, association):
        return None
    return association


def association_public_events(association, *, today=None, limit=10):
    today = today or timezone.localdate()
    return list(
        Event.objects.filter(association=association, moderation_state=Event.ModerationState.APPROVED)
        .upcoming(today)
        .order_by("start_date", "start_time")[:limit]
    )


def association_public_agreements(association, *, today=None):
    today = today or timezone.localdate()
    return list(
        PartnershipAgreement.objects.public()
        .valid_on(today)
        .filter(association=association)
        .select_related("department", "responsible_person")
    )


def membership_list(association):
    return list(
        Membership.objects.filter(association=association)
        .select_related("user", "approved_by")
        .order_by("state", "-role", "user__email")
    )


def user_memberships(user):
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("association").order_by("association__name"))


def event_list(*, params, today=None) -> EventFilter:
    """Published events, upcoming by default (a ``start`` date in the query shows earlier ones)."""
    today = today or timezone.localdate()
    queryset = Event.objects.published().select_related("association").order_by("start_date", "start_time", "title")
    if not params.get("start") and not params.get("end"):
        queryset = queryset.upcoming(today)
    return EventFilter(params, queryset=queryset)


def events_in_range(start: dt.date, end: dt.date):
    return Event.objects.published().between(start, end).select_related("association")


def agreements_valid_public(*, today=None):
    today = today or timezone.localdate()
    return (
        PartnershipAgreement.objects.public()
        .valid_on(today)
        .filter(association__is_public=True, association__moderation_state=Association.ModerationState.APPROVED)
        .select_related("association", "department", "responsible_person")
        .order_by("association__name", "-valid_from")
    )
