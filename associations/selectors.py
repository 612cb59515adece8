"""Reads of the association registry. select_related/prefetch_related live here, so a page's
number of queries does not grow with its rows."""

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from associations.filters import AssociationFilter, EventFilter
from associations.models import Association, Event, FieldOfActivity, Membership, PartnershipAgreement


def _directory_prefetches():
    return [
        Prefetch("fields_of_activity", queryset=FieldOfActivity.objects.select_related("parent")),
        "service_areas",
    ]


def association_directory(*, params, queryset=None) -> AssociationFilter:
    """The public directory filtered by ``params`` (the GET query). ``.qs`` is the result."""
    queryset = queryset if queryset is not None else Association.objects.public()
    return AssociationFilter(params, queryset=queryset.prefetch_related(*_directory_prefetches()))


def association_export_queryset(filterset):
    """The directory's rows with everything the CSV/JSON export shows, public fields only."""
    return filterset.qs.prefetch_related("age_groups", "languages")


def association_profile(*, slug, user) -> Association | None:
    """A profile anyone may see (public, approved), or one the user represents or moderates."""
    queryset = Association.objects.prefetch_related(
        Prefetch("fields_of_activity", queryset=FieldOfActivity.objects.select_related("parent")),
        "service_areas",
        "age_groups",
        "languages",
    )
    association = queryset.filter(slug=slug).first()
    if association is None:
        return None
    if association.is_publicly_visible:
        return association
    if user.is_authenticated and (
        (user.is_staff and user.has_perm("associations.view_association"))
        or Membership.objects.filter(association=association, user=user).exclude(state="rejected").exists()
    ):
        return association
    return None


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
