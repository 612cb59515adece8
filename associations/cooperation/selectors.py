"""Reads of the forms of cooperation: query shapes that do not grow with the rows."""

from django.db.models import Prefetch
from django.utils import timezone

from associations.cooperation.models import (
    CityEvent,
    CityRequest,
    InitiativeCriterion,
    JointProject,
    LocalInitiative,
)
from associations.models import Association


def _public_partners():
    return Prefetch("partners", queryset=Association.objects.public().order_by("name"), to_attr="public_partners")


def joint_projects_public(*, year=None):
    """The public joint projects, newest first, with their public partners (a constant query count)."""
    projects = JointProject.objects.public().select_related("department", "contact_person")
    if year:
        projects = projects.running_during_year(year)
    return projects.prefetch_related(_public_partners()).order_by("-starts_on", "title")


def joint_project_years():
    return sorted({d.year for d in JointProject.objects.public().dates("starts_on", "year")}, reverse=True)


def requests_of_user(user):
    """Requests of the associations the user represents, newest first."""
    represented = Association.objects.represented_by(user).values("pk")
    return (
        CityRequest.objects.filter(association__in=represented)
        .select_related("association", "handler", "city_event", "joint_project")
        .order_by("-created_at")
    )


def city_events_open():
    """Published city events that still take sign-ups, soonest first."""
    return (
        CityEvent.objects.filter(is_published=True, signup_until__gte=timezone.localdate())
        .select_related("department")
        .order_by("starts_on", "title")
    )


def city_events_published():
    today = timezone.localdate()
    return (
        CityEvent.objects.filter(is_published=True, starts_on__gte=today.replace(year=today.year - 1))
        .select_related("department")
        .order_by("-starts_on", "title")
    )


def event_participants(city_event):
    """Associations taking part (granted sign-ups), public ones only."""
    return (
        Association.objects.public()
        .filter(city_requests__city_event=city_event, city_requests__state=CityRequest.State.GRANTED)
        .order_by("name")
        .distinct()
    )


def initiatives_public():
    return LocalInitiative.objects.decided().select_related("service_area").order_by("-decided_at")


def initiatives_of_user(user):
    return LocalInitiative.objects.filter(created_by=user).order_by("-created_at")


def initiative_criteria():
    return InitiativeCriterion.objects.filter(is_active=True)
