"""Reads of the grants app: the ledger of a round, the panel's summary, the public lists.

Each returns in a fixed number of queries, however many rows there are.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from grants import workflow
from grants.models import ZERO, Application, Clawback, Criterion, Decision, GrantRound, Payment, Review, Score
from portal import datacache

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
    recused: int = 0  # reviewers who declared a conflict of interest (and so gave no scores)
    pending: int = 0  # reviewers who have not yet declared or submitted

    @property
    def state_label(self):
        """The application's state for people (``get_state_display`` rebuilds its choices per call)."""
        return S(self.application.state).label


# The orders the summary offers, as sort keys of the cached rows (``id`` last, so pages are stable).
def _by_rank(row):
    return (row.average is None, -(row.average or 0), row.id)


SUMMARY_ORDERS = {
    "rank": _by_rank,
    "spread": lambda row: (row.spread is None, -(row.spread or 0), *_by_rank(row)),
    "requested": lambda row: (-row.amount_requested, row.id),
    "pk": lambda row: row.id,
}
# A computed summary is kept this long at most (it is keyed by the data version, so never stale).
SUMMARY_CACHE_SECONDS = 60 * 60


# What a row of the summary shows of its application (not the answers and budget it carries).
_SUMMARY_APPLICATION_FIELDS = ("id", "title", "state", "amount_requested", "round_id", "association__name")


class _Ranked(NamedTuple):
    """One application's figures (cached as a plain tuple): tenths as integers."""

    id: int
    amount_requested: Decimal
    totals: tuple
    average: int | None
    spread: int | None
    recused: int
    pending: int
    rank: int | None


# n / d rounded half to even, for integers n >= 0 and d > 0 (columns of a materialized row, so that
# each is computed once): the rounding of ``Decimal.quantize`` and of ``round(Decimal, 1)``.
_HALF_EVEN = (
    "({n} / {d} + CASE WHEN 2 * mod({n}, {d}) > {d} OR (2 * mod({n}, {d}) = {d} AND mod({n} / {d}, 2) = 1)"
    " THEN 1 ELSE 0 END)"
)

_SUMMARY_SQL = """
WITH applied AS MATERIALIZED (
    SELECT a.id, a.amount_requested FROM {application} a WHERE a.round_id = %(round)s AND a.state = ANY(%(states)s)
), per_review AS MATERIALIZED (
    -- The round's reviews through the index on their application (a merge join would read every review).
    SELECT r.id, r.application_id, r.reviewer_id, r.conflict, r.submitted_at IS NOT NULL AS submitted,
           1000 * COALESCE((
               SELECT SUM((c.weight * 100)::bigint * s.score * (%(lcm)s / c.max_score))
               FROM {score} s JOIN {criterion} c ON c.id = s.criterion_id AND c.round_id = %(round)s
               WHERE s.review_id = r.id
           ), 0)::bigint AS n
    FROM {review} r WHERE r.application_id = ANY(ARRAY(SELECT id FROM applied))
), review_totals AS MATERIALIZED (
    SELECT application_id, reviewer_id, id, conflict, submitted,
           CASE WHEN submitted THEN {review_tenths} END AS tenths
    FROM per_review
), per_application AS MATERIALIZED (
    SELECT application_id,
           COUNT(tenths) AS reviews, SUM(tenths)::bigint AS sum_tenths, MAX(tenths) - MIN(tenths) AS spread_tenths,
           COALESCE(ARRAY_AGG(tenths ORDER BY reviewer_id, id) FILTER (WHERE submitted), '{{}}') AS totals,
           COUNT(*) FILTER (WHERE conflict = 'declared') AS recused,
           COUNT(*) FILTER (WHERE NOT submitted AND conflict <> 'declared') AS pending
    FROM review_totals GROUP BY application_id
), ranked AS MATERIALIZED (
    SELECT applied.id, applied.amount_requested, p.totals, p.spread_tenths, p.recused, p.pending,
           CASE WHEN p.reviews > 0 THEN {average_tenths} END AS average_tenths
    FROM applied LEFT JOIN per_application p ON p.application_id = applied.id
)
SELECT id, amount_requested, totals, average_tenths, spread_tenths, recused, pending,
       CASE WHEN average_tenths IS NOT NULL
            THEN ROW_NUMBER() OVER (ORDER BY average_tenths DESC NULLS LAST, id) END AS rank
FROM ranked ORDER BY average_tenths IS NULL, average_tenths DESC, id
"""

# What the summary depends on, besides the criteria: every write of an application or a review
# (scores are replaced only with their review's save, by ``review_submit``) moves ``updated_at``
# or the counts, and a new row has a higher id.
#
# The same query reads the round's ledger sums, as ``rounds_with_ledger`` does (not cached: a
# version of a round's decisions, payments and clawbacks would read the very rows their sums
# read), without the ORM building five subqueries on every page. Each sum is a correlated
# ``GROUP BY ... LIMIT 1`` like the ORM's: PostgreSQL then probes the round's applications'
# decisions and payments through their indexes (2 ms each at full scale), where a plain join
# over a constant round hashes every decision and payment of the city (8 ms).
_VERSION_SQL = """
WITH applied AS MATERIALIZED (
    SELECT id, updated_at FROM {application} WHERE round_id = %(round)s AND state = ANY(%(states)s)
)
SELECT (SELECT COUNT(*) FROM applied), (SELECT MAX(updated_at) FROM applied), (SELECT MAX(id) FROM applied),
       r.n, r.changed, r.last, ledger.*
FROM (
    SELECT COUNT(*) AS n, MAX(updated_at) AS changed, MAX(id) AS last
    FROM {review} WHERE application_id = ANY(ARRAY(SELECT id FROM applied))
) r, (
    SELECT (SELECT SUM(a.amount_requested) FROM {application} a WHERE a.round_id = g.id AND a.state = ANY(%(states)s)
            GROUP BY a.round_id LIMIT 1),
           (SELECT SUM(a.proposed_amount) FROM {application} a
            WHERE a.round_id = g.id AND a.state = ANY(%(proposing)s) AND a.proposed_amount IS NOT NULL
            GROUP BY a.round_id LIMIT 1),
           {sums}
    FROM {round} g WHERE g.id = %(round)s
) ledger
"""
_LEDGER_SUM_SQL = (
    "(SELECT SUM(x.amount) FROM {table} x JOIN {application} a ON a.id = x.application_id"
    " WHERE a.round_id = g.id GROUP BY a.round_id LIMIT 1)"
)
# The states whose proposals the ledger counts as "proposed" (not yet decided): as ``rounds_with_ledger``.
_PROPOSING_STATES = [S.SUBMITTED, S.IN_REVIEW]


def _version_sql():
    application = Application._meta.db_table
    sums = ", ".join(
        _LEDGER_SUM_SQL.format(table=model._meta.db_table, application=application)
        for model in (Decision, Payment, Clawback)  # decided, paid, returned
    )
    return _VERSION_SQL.format(
        application=application, review=Review._meta.db_table, round=GrantRound._meta.db_table, sums=sums
    )


def _tenths(value):
    return None if value is None else Decimal(value).scaleb(-1)


class PanelSummary:
    """The panel's summary of a round as a lazy sequence for Django's ``Paginator``: ``count()``
    is one query, a slice is one query for its rows (totals, average, spread, rank and the conflict
    declarations, computed in SQL over the whole round) and one for their applications.

    Each review's total is its scores weighted by the criteria (scaled to 0–100) and rounded to
    0.1 half to even, and the average of those totals likewise, exactly as ``Decimal`` did it when
    the totals were summed in Python: the arithmetic is exact in integers (scores × weight × the
    criteria's common multiple of highest scores ÷ that highest score), so the ranking over a
    whole round needs no rows in Python."""

    def __init__(self, round_, *, order="rank", criteria=None):
        self.round = round_
        self.order = order if order in SUMMARY_ORDERS else "rank"
        self.criteria = list(round_.criteria.all()) if criteria is None else list(criteria)
        self._ranked = None
        self._key = None  # the data version's cache key parts, read once
        self._count = None
        self._ledger_sums = None  # read with the data version

    def count(self):
        if self._count is None:
            self._count = datacache.cached(
                "grants:panel-summary-count", self._parts(), lambda: len(self._load()), timeout=SUMMARY_CACHE_SECONDS
            )
        return self._count

    def __iter__(self):
        return iter(self._summaries(self._load()))

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self._summaries([self._load()[index]])[0]
        if index.step is not None or any(i is not None and i < 0 for i in (index.start, index.stop)):
            return self._summaries(self._load()[index])

        # A page (what the admin asks for): its rows kept on their own under the same version, so a
        # warm page reads 50 rows from the cache, not the whole round's thousands.
        def compute():
            return [tuple(row) for row in self._load()[index]]

        parts = (*self._parts(), self.order, index.start, index.stop)
        rows = datacache.cached("grants:panel-summary-page", parts, compute, timeout=SUMMARY_CACHE_SECONDS)
        return self._summaries(list(map(_Ranked._make, rows)))

    def _summaries(self, rows):
        applications = (
            Application.objects.select_related("association")
            .only(*_SUMMARY_APPLICATION_FIELDS)
            .in_bulk([row.id for row in rows])
        )
        return [
            ReviewSummary(
                application=applications[row.id],
                totals=[_tenths(t) for t in row.totals],
                average=_tenths(row.average),
                spread=_tenths(row.spread),
                rank=row.rank,
                recused=row.recused,
                pending=row.pending,
            )
            for row in rows
        ]

    def ledger(self) -> Ledger:
        """The round's money: the sums read with the data version (no query of their own),
        ``appropriation`` and ``committed`` from the round's row."""
        self._parts()
        requested, proposed, decided, paid, returned = self._ledger_sums
        round_ = self.round
        return Ledger(
            appropriation=round_.appropriation,
            requested=requested,
            proposed=proposed,
            decided=decided,
            paid=paid,
            returned=returned,
            committed=round_.committed,
            remaining=round_.appropriation - round_.committed,
        )

    def _parts(self):
        """The cache key's parts: the database, the round, the data version (one query, read once)
        and the criteria."""
        if self._key is None:
            params = {
                "round": self.round.pk,
                "states": list(workflow.APPLIED_STATES),
                "proposing": [str(state) for state in _PROPOSING_STATES],
            }
            with connection.cursor() as cursor:
                cursor.execute(_version_sql(), params)
                row = cursor.fetchone()
            version, self._ledger_sums = row[:6], [ZERO if value is None else value for value in row[6:]]
            criteria = [(c.pk, c.weight, c.max_score) for c in self.criteria]
            self._key = (connection.settings_dict["NAME"], self.round.pk, version, criteria)
        return self._key

    def _load(self):
        """The whole round's figures, from the cache when the data version is the same (one query)
        or computed (one more)."""
        if self._ranked is None:
            cached = datacache.cached(
                "grants:panel-summary", self._parts(), self._compute, timeout=SUMMARY_CACHE_SECONDS
            )
            ranked = list(map(_Ranked._make, cached))
            self._ranked = ranked if self.order == "rank" else sorted(ranked, key=SUMMARY_ORDERS[self.order])
        return self._ranked

    def _compute(self):
        weight_sum = sum((c.weight for c in self.criteria), Decimal(0)) or Decimal(1)
        lcm = math.lcm(*(c.max_score for c in self.criteria)) if self.criteria else 1
        # A review's total in tenths = Σ weight × score / highest × 100 / Σ weight × 10 = n / divisor with
        # n = 1000 × Σ (100 × weight) × score × (lcm / highest) and divisor = lcm × 100 × Σ weight: integers.
        sql = _SUMMARY_SQL.format(
            application=Application._meta.db_table,
            review=Review._meta.db_table,
            score=Score._meta.db_table,
            criterion=Criterion._meta.db_table,
            review_tenths=_HALF_EVEN.format(n="n", d="%(divisor)s::bigint"),
            average_tenths=_HALF_EVEN.format(n="p.sum_tenths", d="p.reviews"),
        )
        params = {
            "round": self.round.pk,
            "states": list(workflow.APPLIED_STATES),
            "lcm": lcm,
            "divisor": int(lcm * weight_sum * 100),
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                (pk, amount, tuple(totals or ()), average, spread, recused or 0, pending or 0, rank)
                for pk, amount, totals, average, spread, recused, pending, rank in cursor.fetchall()
            ]


def panel_summary(round_, *, order="rank", criteria=None) -> PanelSummary:
    """Weighted totals per application (each review scaled to 0–100 by the criteria's weights and
    highest scores), the spread between reviewers and the ranking by the average — as a lazy,
    sliceable sequence (see ``PanelSummary``): a page of it costs two queries however large the
    round (the data version and the page's applications) and a third when the data changed."""
    return PanelSummary(round_, order=order, criteria=criteria)


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
    """The years of published rounds with at least one published grant (a few rows, not 50,000).

    A scalar subquery with LIMIT 1 per round, not EXISTS: PostgreSQL turns EXISTS into a semi-join
    that may hash every decision (30–40 ms at full scale); this stops at each round's first grant."""
    first_grant = (
        Application.objects.filter(round=OuterRef("pk"), decision__is_public=True, decision__amount__gt=0)
        .order_by()
        .values("pk")
    )  # the round's applications through their index, each probing its one decision
    return list(
        GrantRound.objects.published()
        .annotate(first_grant=Subquery(first_grant[:1]))
        .filter(first_grant__isnull=False)
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
