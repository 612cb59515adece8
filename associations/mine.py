"""The registry's part of "My associations": what I represent, profiles to confirm, my events;
the same rows in "download my data"; memberships ended when the account is deleted."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Event, Membership
from associations.services.registry import CONFIRMATION_INTERVAL_DAYS
from portal.registries import my_data, my_data_eraser, my_section

MY_EVENT_COUNT = 20


def _needs_confirmation(association, today):
    confirmed = association.last_confirmed_on
    return confirmed is None or confirmed <= today - dt.timedelta(days=CONFIRMATION_INTERVAL_DAYS)


@my_section("associations.memberships", order=10)
def my_associations(request):
    """The associations I represent (role, pending claims) and the profiles waiting for my confirmation."""
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("association").order_by("association__name")
    )
    rows = [
        {
            "membership": m,
            "association": m.association,
            "approved": m.state == Membership.State.APPROVED,
            "to_confirm": m.state == Membership.State.APPROVED and _needs_confirmation(m.association, today),
        }
        for m in memberships
    ]
    return "associations/mine_memberships.html", {"rows": rows}


@my_section("associations.events", order=30)
def my_events(request):
    """Events of the associations I represent: mine waiting for moderation or returned first (only
    their author sees those, as on the event's page), then the coming published ones."""
    today = timezone.localdate()
    represented = Association.objects.represented_by(request.user).values("pk")
    events = list(
        Event.objects.filter(association__in=represented)
        .filter(
            Q(Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today), moderation_state="approved")
            | Q(~Q(moderation_state="approved"), created_by=request.user)
        )
        .select_related("association")
        .order_by("start_date", "start_time", "title")[:MY_EVENT_COUNT]
    )
    if not events and not represented.exists():
        return None
    waiting = [e for e in events if e.moderation_state != Event.ModerationState.APPROVED]
    coming = [e for e in events if e.moderation_state == Event.ModerationState.APPROVED]
    return "associations/mine_events.html", {"waiting": waiting, "coming": coming}


def _iso(value):
    return value.isoformat() if value else None


@my_data("associations.memberships")
def memberships_data(user):
    return [
        {
            "association": m.association.name,
            "role": m.role,
            "state": m.state,
            "message": m.message,
            "decision_reason": m.decision_reason,
            "created_at": _iso(m.created_at),
            "approved_at": _iso(m.approved_at),
        }
        for m in Membership.objects.filter(user=user).select_related("association").order_by("association__name")
    ]


@my_data("associations.created")
def created_data(user):
    """Entries and events the person added (the association's public data, with who added it)."""
    return {
        "associations": [
            {"name": a.name, "created_at": _iso(a.created_at), "moderation_state": a.moderation_state}
            for a in Association.objects.filter(created_by=user).only("name", "created_at", "moderation_state")
        ],
        "events": [
            {
                "title": e.title,
                "association": e.association.name,
                "start_date": _iso(e.start_date),
                "moderation_state": e.moderation_state,
                "created_at": _iso(e.created_at),
            }
            for e in Event.objects.filter(created_by=user).select_related("association")
        ],
    }


EVENTS_KEPT = _(
    "Association entries and events you added stay with the association, as its public information; "
    "they no longer show who added them."
)


@my_data_eraser("associations.memberships")
def end_memberships(user):
    """Memberships end (the rows go; their history keeps the anonymised account only)."""
    Membership.objects.filter(user=user).delete()
    added = Association.objects.filter(created_by=user).exists() or Event.objects.filter(created_by=user).exists()
    return [EVENTS_KEPT] if added else []


# The forms of cooperation (issue 14) register from their own sub-packages.
import associations.cooperation.mine  # noqa: E402,F401
import associations.hearings.mine  # noqa: E402,F401
