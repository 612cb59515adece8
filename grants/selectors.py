"""Reads of the grants app: the ledger of a round, the panel's summary, the public lists.

Each returns in a fixed number of queries, however many rows there are.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import mean

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from grants import workflow
from grants.models import ZERO, Application, Clawback, Decision, GrantRound, Payment, Review

S = Application.State
_MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Ledger:
    """A round's money (seed 000: decisions only within the appropriation)."""

    appropriation: Decimal
    requested: Decimal  # applied for in submitted applications (not drafts, not withdrawn)
    proposed: Decimal  # the preparers' proposals not yet decided
    decided: Decimal  # the sum of the decisions
    paid: Decimal
    returned: Decimal  # clawed back: flows back into what remains
    committed: Decimal  # on the round row: decided − returned
    remaining: Decimal  # appropriation − committed


def _sum(queryset, group, field):
    totals = queryset.order_by().values(group).annotate(t=Sum(field)).values("t")[:1]
    return Coalesce(Subquery(totals), Value(ZERO), output_field=_MONEY)


def rounds_with_ledger(queryset=None):
    """Annotate each round with its ledger sums: one query for any number of rounds."""
    queryset = queryset if queryset is not None else GrantRound.objects.all()
    apps = Application.objects.filter(round=OuterRef("pk"))
    by_round = "application__round"
    return queryset.annotate(
        ledger_requested=_sum(apps.filter(state__in=workflow.APPLIED_STATES), "round", "amount_requested"),
        ledger_proposed=_sum(
            apps.filter(state__in=[S.SUBMITTED, S.IN_REVIEW], proposed_amount__isnull=False), "round", "proposed_amount"
        ),
        ledger_decided=_sum(Decision.objects.filter(application__round=OuterRef("pk")), by_round, "amount"),
        ledger_paid=_sum(Payment.objects.filter(application__round=OuterRef("pk")), by_round, "amount"),
        ledger_returned=_sum(Clawback.objects.filter(application__round=OuterRef("pk")), by_round, "amount"),
    )


def round_ledger(round_) -> Ledger:
    row = rounds_with_ledger(GrantRound.objects.filter(pk=round_.pk)).get()
    return ledger_of(row)


def ledger_of(row) -> Ledger:
    return Ledger(
        appropriation=row.appropriation,
        requested=row.ledger_requested,
        proposed=row.ledger_proposed,
        decided=row.ledger_decided,
        paid=row.ledger_paid,
        returned=row.ledger_returned,
        committed=row.committed,
        remaining=row.appropriation - row.committed,
    )


@dataclass(frozen=True)
class ReviewSummary:
    application: Application
    totals: list  # each submitted review's weighted total (0–100)
    average: Decimal | None
    spread: Decimal | None  # highest − lowest total: where reviewers disagree
    rank: int | None

    @property
    def state_label(self):
        """The application's state for people (``get_state_display`` rebuilds its choices per call)."""
        return S(self.application.state).label


def panel_summary(round_) -> list[ReviewSummary]:
    """Weighted totals per application (each review scaled to 0–100 by the criteria's weights and
    highest scores), the spread between reviewers and the ranking by the average.

    Three queries however large the round: the criteria, the applications, and each submitted
    review as one row with its scores aggregated into arrays (no object per review or score); the
    weighting itself stays in ``Decimal`` so the totals are the same to the last digit as before."""
    criteria = {c.pk: c for c in round_.criteria.all()}
    weight_sum = sum((c.weight for c in criteria.values()), Decimal(0)) or Decimal(1)
    applications = (
        Application.objects.filter(round=round_, state__in=workflow.APPLIED_STATES)
        .select_related("association")
        .order_by("pk")
    )
    by_score_order = ("scores__criterion__order", "scores__criterion_id", "scores__pk")
    reviews = (
        Review.objects.filter(
            application__round=round_, application__state__in=workflow.APPLIED_STATES, submitted_at__isnull=False
        )
        .order_by("application", "reviewer", "pk")
        .values_list("application_id")
        .annotate(
            criterion_ids=ArrayAgg("scores__criterion_id", order_by=by_score_order, default=[]),
            scores=ArrayAgg("scores__score", order_by=by_score_order, default=[]),
        )
        .values_list("application_id", "criterion_ids", "scores")
    )
    totals_of = defaultdict(list)
    for application_id, criterion_ids, scores in reviews:
        total = sum(
            (
                criteria[c].weight * Decimal(score) / criteria[c].max_score
                for c, score in zip(criterion_ids, scores, strict=True)
                if c in criteria
            ),
            Decimal(0),
        )
        totals_of[application_id].append((total * 100 / weight_sum).quantize(Decimal("0.1")))
    rows = []
    for application in applications:
        totals = totals_of.get(application.pk, [])
        average = Decimal(str(round(mean(totals), 1))) if totals else None
        spread = (max(totals) - min(totals)) if totals else None
        rows.append([application, totals, average, spread])
    ranked = sorted((r for r in rows if r[2] is not None), key=lambda r: -r[2])
    ranks = {id(r): n for n, r in enumerate(ranked, start=1)}
    return [ReviewSummary(a, t, avg, sp, ranks.get(id(r))) for r in rows for a, t, avg, sp in [r]]


def reviews_of(user):
    """The reviews assigned to ``user`` (their work list)."""
    return Review.objects.filter(reviewer=user).select_related("application__round", "application__association")


def open_rounds(now=None):
    now = now or timezone.now()
    return GrantRound.objects.open_at(now).select_related("grant_type", "department").order_by("closes_at", "pk")


def upcoming_rounds(now=None):
    now = now or timezone.now()
    return GrantRound.objects.published().filter(opens_at__gt=now).select_related("grant_type").order_by("opens_at")


PUBLIC_DECISION_FIELDS = (
    "amount",
    "decided_at",
    "is_public",
    "application__title",
    "application__summary",
    "application__association__name",
    "application__association__slug",
    "application__association__business_id",
    "application__round__title",
    "application__round__slug",
    "application__round__year",
    "application__round__currency",
    "application__round__is_published",
    "application__round__department__name",
    # The department's name per language (modeltranslation): ``name`` reads the active language's column.
    *(f"application__round__department__name_{code}" for code, _name in settings.LANGUAGES),
)


def public_decisions(*, year=None, round_slug=None):
    """Published positive decisions: applicant, purpose, amount, round (seed 000: decisions public)."""
    queryset = (
        Decision.objects.filter(is_public=True, amount__gt=0, application__round__is_published=True)
        .select_related("application__association", "application__round__department")
        .only(*PUBLIC_DECISION_FIELDS)
        .order_by("-decided_at", "pk")
    )
    if year:
        queryset = queryset.filter(application__round__year=year)
    if round_slug:
        queryset = queryset.filter(application__round__slug=round_slug)
    return queryset


def decision_years():
    """The years of published rounds with at least one published grant (a few rows, not 50,000)."""
    published = Decision.objects.filter(application__round=OuterRef("pk"), is_public=True, amount__gt=0)
    return list(
        GrantRound.objects.published()
        .filter(Exists(published))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def representative_applications(user):
    return (
        Application.objects.of_representative(user)
        .select_related("round", "association", "decision")
        .filter(~Q(state=S.WITHDRAWN))
        .order_by("-created_at")
    )


def operated_rounds(user):
    """The regranting rounds run by associations ``user`` administers (their work list)."""
    from associations.models import Association

    if not user.is_authenticated:
        return GrantRound.objects.none()
    return (
        GrantRound.objects.filter(operator__in=Association.objects.administered_by(user))
        .select_related("operator")
        .order_by("-year", "-opens_at")
    )


def managed_applications(round_):
    """The applications of a round its manager handles: submitted and later, with their decision
    and reviews (a fixed number of queries)."""
    return (
        Application.objects.filter(round=round_, state__in=workflow.APPLIED_STATES)
        .select_related("association", "decision")
        .prefetch_related("reviews")
        .order_by("submitted_at", "pk")
    )
