"""The admin's evaluation summary of a round: the same totals, averages, spreads and ranks as the
former per-review loop (kept below as the reference), in a fixed number of queries."""

from decimal import Decimal
from statistics import mean

import pytest
from django.core.cache import cache
from django.utils import timezone

from grants import selectors, workflow
from grants.models import Application, Criterion, Review, Score
from tests.factories import UserFactory
from tests.grants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def reference_summary(round_):
    """The former implementation: prefetched reviews and scores, weighted in Python."""
    criteria = {c.pk: c for c in round_.criteria.all()}
    weight_sum = sum((c.weight for c in criteria.values()), Decimal(0)) or Decimal(1)
    applications = (
        Application.objects.filter(round=round_, state__in=workflow.APPLIED_STATES)
        .prefetch_related("reviews__scores")
        .order_by("pk")
    )
    rows = []
    for application in applications:
        totals = []
        for review in application.reviews.all():
            if review.submitted_at is None:
                continue
            total = sum(
                (
                    criteria[s.criterion_id].weight * Decimal(s.score) / criteria[s.criterion_id].max_score
                    for s in review.scores.all()
                    if s.criterion_id in criteria
                ),
                Decimal(0),
            )
            totals.append((total * 100 / weight_sum).quantize(Decimal("0.1")))
        average = Decimal(str(round(mean(totals), 1))) if totals else None
        spread = (max(totals) - min(totals)) if totals else None
        rows.append([application.pk, totals, average, spread])
    ranked = sorted((r for r in rows if r[2] is not None), key=lambda r: -r[2])
    ranks = {id(r): n for n, r in enumerate(ranked, start=1)}
    return [(pk, t, avg, sp, ranks.get(id(r))) for r in rows for pk, t, avg, sp in [r]]


def review(application, scores, *, submitted=True):
    row = Review.objects.create(
        application=application,
        reviewer=UserFactory(),
        conflict="none",
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(Score(review=row, criterion=c, score=s) for c, s in scores)
    return row


@pytest.fixture
def scored_round(grant_round):
    impact, feasibility = grant_round.criteria.order_by("order")
    thirds = Criterion.objects.create(round=grant_round, name="Reach", weight=Decimal("1.5"), max_score=3, order=3)
    S = Application.State
    apps = [ApplicationFactory(round=grant_round, state=state) for state in [S.IN_REVIEW] * 5 + [S.SUBMITTED]]
    review(apps[0], [(impact, 5), (feasibility, 5), (thirds, 3)])
    review(apps[0], [(impact, 2), (feasibility, 2), (thirds, 1)])
    review(apps[0], [(impact, 1)], submitted=False)  # not yet submitted: not counted
    review(apps[1], [(impact, 4), (feasibility, 1), (thirds, 2)])
    review(apps[2], [(impact, 4), (feasibility, 1), (thirds, 2)])  # the same average: ranked by pk
    review(apps[3], [])  # submitted without scores: a total of 0
    review(apps[3], [(thirds, 1)])
    other = ApplicationFactory(state=S.IN_REVIEW)  # another round's criterion is not weighed here
    review(apps[4], [(impact, 3), (other.round.criteria.first(), 5)])
    ApplicationFactory(round=grant_round, state=S.DRAFT)  # not applied: not listed
    return grant_round, apps


def as_tuples(rows):
    return sorted((r.application.pk, r.totals, r.average, r.spread, r.rank) for r in rows)


def test_the_summary_is_the_same_as_the_python_loop(scored_round):
    grant_round, apps = scored_round
    rows = list(selectors.panel_summary(grant_round))
    assert as_tuples(rows) == reference_summary(grant_round)
    by_pk = {r.application.pk: r for r in rows}
    assert by_pk[apps[0].pk].totals == [Decimal("100.0"), Decimal("37.8")]
    assert by_pk[apps[3].pk].totals == [Decimal("0.0"), Decimal("11.1")]
    assert (by_pk[apps[1].pk].rank, by_pk[apps[2].pk].rank) == (2, 3)
    assert by_pk[apps[5].pk].average is None and by_pk[apps[5].pk].rank is None


def test_the_queries_do_not_grow_with_the_reviews(scored_round, django_assert_num_queries):
    grant_round, apps = scored_round
    # The criteria, the data version, the ranked rows (computed: not cached yet), their applications.
    with django_assert_num_queries(4):
        list(selectors.panel_summary(grant_round))
    with django_assert_num_queries(3):  # the same data version: the ranked rows come from the cache
        list(selectors.panel_summary(grant_round))
    impact = grant_round.criteria.order_by("order").first()
    for application in apps:
        for score in (1, 2, 3):
            review(application, [(impact, score)])
    with django_assert_num_queries(4):
        rows = list(selectors.panel_summary(grant_round))
    assert as_tuples(rows) == reference_summary(grant_round)


def test_the_admin_page_asks_the_same_queries_for_a_larger_round(client_for, staff, scored_round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grant_round, apps = scored_round
    from django.conf import settings

    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/admin/grants/grantround/{grant_round.pk}/summary/"
    client.get(url)  # the session and the caches settle
    cache.clear()  # both measured with the summary computed afresh
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    impact = grant_round.criteria.order_by("order").first()
    for _n in range(5):
        review(ApplicationFactory(round=grant_round, state=Application.State.IN_REVIEW), [(impact, 4)])
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(large) == len(small)
    assert page.count("In review") >= 10  # the state's label on every row


def test_ranks_skip_no_one_and_unreviewed_applications_come_last(scored_round):
    grant_round, apps = scored_round
    rows = list(selectors.panel_summary(grant_round))  # by rank
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5, None]
    assert [r.average for r in rows] == sorted((r.average for r in rows[:5]), reverse=True) + [None]
    by_spread = list(selectors.panel_summary(grant_round, order="spread"))
    assert by_spread[0].application.pk == apps[0].pk  # 100.0 and 37.8: the widest disagreement
    assert {r.rank for r in by_spread} == {r.rank for r in rows}  # the rank stays the average's


def test_a_submitted_review_shows_at_once_though_the_summary_is_cached(scored_round):
    grant_round, apps = scored_round
    before = {r.application.pk: r for r in selectors.panel_summary(grant_round)}
    assert before[apps[5].pk].average is None
    impact, feasibility, reach = grant_round.criteria.order_by("order")
    review(apps[5], [(impact, 5), (feasibility, 5), (reach, 3)])
    after = list(selectors.panel_summary(grant_round))
    assert after[0].application.pk == apps[5].pk and after[0].average == Decimal("100.0")
    reach.weight = Decimal("10")  # a criterion's weight changed in the admin: the totals follow
    reach.save()
    reweighted = {r.application.pk: r for r in selectors.panel_summary(grant_round)}
    assert as_tuples(reweighted.values()) == reference_summary(grant_round)
    assert reweighted[apps[1].pk].totals != before[apps[1].pk].totals


def test_conflicts_and_pending_reviews_are_counted(scored_round):
    grant_round, apps = scored_round
    Review.objects.create(application=apps[1], reviewer=UserFactory(), conflict="declared")
    Review.objects.create(application=apps[1], reviewer=UserFactory())  # assigned, not declared yet
    row = {r.application.pk: r for r in selectors.panel_summary(grant_round)}[apps[1].pk]
    assert (row.recused, row.pending, len(row.totals)) == (1, 1, 1)
    row = {r.application.pk: r for r in selectors.panel_summary(grant_round)}[apps[0].pk]
    assert (row.recused, row.pending, len(row.totals)) == (0, 1, 2)  # the unsubmitted review is pending


def test_the_admin_summary_is_paginated_with_the_whole_rounds_totals(client_for, staff, scored_round):
    from django.conf import settings

    from grants.admin import SUMMARY_PAGE_SIZE

    grant_round, apps = scored_round
    impact = grant_round.criteria.order_by("order").first()
    extra = ApplicationFactory.create_batch(
        SUMMARY_PAGE_SIZE, round=grant_round, state=Application.State.IN_REVIEW, amount_requested=Decimal("100")
    )
    review(extra[0], [(impact, 5)])
    Review.objects.create(application=extra[1], reviewer=UserFactory(), conflict="declared")
    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/admin/grants/grantround/{grant_round.pk}/summary/"
    first = client.get(url).content.decode()
    total = len(apps) + SUMMARY_PAGE_SIZE
    assert f"Applications 1–{SUMMARY_PAGE_SIZE} of {total}" in first
    assert first.count('/change/"') == SUMMARY_PAGE_SIZE
    assert 'aria-label="Pages of the evaluation summary"' in first
    assert 'aria-current="page" aria-label="Page 1, the current page"' in first
    assert 'href="?sort=rank&amp;page=2" aria-label="Page 2"' in first
    assert f"?round__id__exact={grant_round.pk}" in first  # on to the decisions
    assert f"<dd>{total}</dd>" in first  # the round's count, not the page's
    second = client.get(url + "?page=2").content.decode()
    assert f"Applications {SUMMARY_PAGE_SIZE + 1}–{total} of {total}" in second
    assert "1 recused" in first + second
    shown = {
        pk
        for page in (first, second)
        for pk in Application.objects.filter(round=grant_round).values_list("pk", flat=True)
        if f'href="/admin/grants/application/{pk}/change/"' in page
    }
    assert shown == {a.pk for a in apps + extra}  # every application once over the two pages
    by_requested = client.get(url + "?sort=requested").content.decode()
    assert 'aria-sort="descending"' in by_requested and '<strong aria-current="true">Requested</strong>' in by_requested


def test_the_admin_page_shows_a_payment_a_decision_and_a_review_at_once(client_for, staff, scored_round):
    """The page's rows and count are cached under the data version and the ledger is read with
    the round: a new decision, a payment and a submitted review each show on the next request."""
    import re

    from django.conf import settings

    from grants.models import Decision, Payment
    from portal.money import money

    grant_round, apps = scored_round
    client = client_for(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/admin/grants/grantround/{grant_round.pk}/summary/"

    def totals():
        page = client.get(url).content.decode()
        return page, dict(
            re.findall(r"<dt>(?:<strong>)?([A-Za-z ]+)(?:</strong>)?</dt><dd>(?:<strong>)?([^<]*)<", page)
        )

    page, before = totals()
    assert client.get(url).status_code == 200  # the page's rows and count now come from the cache
    assert before["Decided"] == before["Paid"] == money(Decimal("0"), grant_round.currency)
    Decision.objects.create(application=apps[5], amount=Decimal("1200.00"), grounds="Hyvä", decided_by=staff)
    _page, after = totals()
    assert after["Decided"] == money(Decimal("1200"), grant_round.currency)
    Payment.objects.create(application=apps[5], amount=Decimal("700.00"), paid_on=timezone.localdate())
    _page, after = totals()
    assert after["Paid"] == money(Decimal("700"), grant_round.currency)
    grant_round.refresh_from_db()
    ledger = selectors.panel_summary(grant_round).ledger()  # read with the data version, in its query
    assert ledger == selectors.round_ledger(grant_round)  # the same sums as rounds_with_ledger's
    assert (ledger.decided, ledger.paid) == (Decimal("1200.00"), Decimal("700.00"))
    assert after["Applications"] == before["Applications"] == str(len(apps))

    # apps[5] had no reviews ("–" for rank and average): a submitted review ranks it at once.
    impact = grant_round.criteria.order_by("order").first()
    row = re.compile(rf'<td>([^<]*)</td>\s*<th scope="row"><a href="[^"]*/{apps[5].pk}/change/">')
    assert row.search(page).group(1) == "–"
    review(apps[5], [(impact, 5)])
    assert row.search(client.get(url).content.decode()).group(1) != "–"
