"""Grants' part of "My associations": my associations' applications with the next step; the
applications, messages and comments in "download my data"; what the law keeps on deletion."""

from django.utils.translation import gettext_lazy as _

from grants import selectors, workflow
from grants.models import Application, Message, OfferComment
from portal.registries import my_data, my_data_eraser, my_section

MY_APPLICATION_COUNT = 10


@my_section("grants.applications", order=40)
def my_applications(request):
    applications = list(selectors.representative_applications(request.user)[: MY_APPLICATION_COUNT + 1])
    if not applications:
        return None
    rows = [(application, workflow.next_step(application)) for application in applications[:MY_APPLICATION_COUNT]]
    return "grants/mine_applications.html", {"rows": rows, "more": len(applications) > MY_APPLICATION_COUNT}


MY_REVIEW_COUNT = 20


@my_section("grants.reviews", order=41)
def my_reviews(request):
    """A reviewer's own list of the applications assigned to them (staff or a panel's association
    representative), and the regranting rounds their association runs."""
    reviews = list(selectors.reviews_of(request.user).order_by("submitted_at", "-pk")[:MY_REVIEW_COUNT])
    operated = list(selectors.operated_rounds(request.user))
    if not reviews and not operated:
        return None
    return "grants/mine_reviews.html", {"reviews": reviews, "operated": operated}


def _iso(value):
    return value.isoformat() if value else None


@my_data("grants")
def grants_data(user):
    return {
        "applications_created": [
            {
                "title": a.title,
                "association": a.association.name,
                "round": a.round.title,
                "state": a.state,
                "created_at": _iso(a.created_at),
                "submitted_at": _iso(a.submitted_at),
            }
            for a in Application.objects.filter(created_by=user).select_related("association", "round")
        ],
        "messages": [
            {"application": m.application.title, "body": m.body, "created_at": _iso(m.created_at)}
            for m in Message.objects.filter(created_by=user).select_related("application")
        ],
        "offer_comments": [
            {"created_at": _iso(c.created_at), "body": c.body} for c in OfferComment.objects.filter(created_by=user)
        ],
    }


GRANTS_KEPT = _(
    "Grant applications, decisions, payments and reports stay with the association: the city must "
    "keep them under the accounting act and the archives act. Your name and address are no longer linked to them."
)


@my_data_eraser("grants")
def grants_kept(user):
    if Application.objects.filter(created_by=user).exists() or Message.objects.filter(created_by=user).exists():
        return [GRANTS_KEPT]
    return []
