"""The money-by-target indicators are summed in the database: the same cents as the former
per-application loop in Python (kept below as the reference), in a fixed number of queries."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from grants import indicators, services
from grants.models import Decision
from portal.models import AgeGroup, FocusArea, Programme, ServiceArea
from tests.factories import AgeGroupFactory, ServiceAreaFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db


def reference_split(year, relation, names, label="name"):
    """The former implementation, verbatim: each decision split in Python, rounded half to even."""
    decisions = Decision.objects.filter(application__round__year=year, amount__gt=0).prefetch_related(
        f"application__{relation}"
    )
    totals = defaultdict(Decimal)
    for decision in decisions:
        targets = list(getattr(decision.application, relation).all())
        if not targets:
            totals["Not given"] += decision.amount
            continue
        share = (decision.amount / len(targets)).quantize(Decimal("0.01"))
        for target in targets:
            totals[getattr(target, label)] += share
    result = {name: totals.get(name, Decimal("0.00")) for name in names}
    if "Not given" in totals:
        result["Not given"] = totals["Not given"]
    return result


# (amount, indexes of the targets named): halves of a cent round to even, as Decimal.quantize does.
GRANTS = [
    ("0.01", [0, 1]),  # 0.005 → 0.00 each
    ("0.03", [0, 1]),  # 0.015 → 0.02 each
    ("1.01", [0, 1]),  # 0.505 → 0.50 each (not 0.51)
    ("0.06", [0, 1, 2, 3]),  # 0.015 → 0.02 each
    ("0.07", [0, 1, 2, 3]),  # 0.0175 → 0.02 each
    ("100.00", [0, 1, 2]),  # 33.33 each
    ("200.00", [1, 2, 3]),  # 66.67 each
    ("300.00", []),  # not given
    ("0.00", [0]),  # a refusal counts nowhere
]
EXPECTED = ["33.89", "100.56", "100.04", "66.71", "0.00"]


def decide(grant_round, staff, amount, targets, relation):
    application = ApplicationFactory(round=grant_round, amount_requested=Decimal("1000.00"))
    getattr(application, relation).set(targets)
    Decision.objects.create(application=application, amount=Decimal(amount), grounds="ok", decided_by=staff)


@pytest.fixture
def year_of_grants(grant_round, staff):
    areas = [ServiceAreaFactory(name=f"Alue {n}") for n in range(5)]
    groups = [AgeGroupFactory(name=f"Ryhmä {n}") for n in range(5)]
    for amount, picked in GRANTS:
        application = ApplicationFactory(round=grant_round)
        application.service_areas.set([areas[i] for i in picked])
        application.age_groups.set([groups[i] for i in reversed(picked)])
        Decision.objects.create(application=application, amount=Decimal(amount), grounds="ok", decided_by=staff)
    last_year = GrantRoundFactory(department=grant_round.department, year=grant_round.year - 1)
    decide(last_year, staff, "500.00", areas[:1], "service_areas")
    return areas, groups


@pytest.mark.parametrize(
    ("indicator", "relation", "model", "prefix"),
    [
        (indicators.amount_by_service_area, "service_areas", ServiceArea, "Alue"),
        (indicators.amount_by_age_group, "age_groups", AgeGroup, "Ryhmä"),
    ],
)
def test_the_split_is_the_same_to_the_cent_as_the_python_loop(
    year_of_grants, grant_round, indicator, relation, model, prefix
):
    with translation.override("en"):
        result = indicator(grant_round.year)
        reference = reference_split(grant_round.year, relation, model.objects.values_list("name", flat=True))
    assert result == reference
    assert list(result) == list(reference)  # the same order: the targets', then "Not given"
    assert [str(result[f"{prefix} {n}"]) for n in range(5)] == EXPECTED
    assert str(result["Not given"]) == "300.00"
    assert all(str(value) == str(reference[key]) for key, value in result.items())  # two decimals each
    assert sum(indicator(grant_round.year - 1).values()) == Decimal("500.00")  # last year's stays there


def test_strategy_goals_split_the_same_way(grant_round, staff):
    city = settings.CITY_PROFILE["key"]
    programme = Programme.objects.create(city=city, slug="oma", name="Own", start_year=2026, end_year=2029)
    goals = [FocusArea.objects.create(programme=programme, order=n, title=f"Tavoite {n}") for n in range(5)]
    other_city = "poznan" if city == "pori" else "pori"
    elsewhere = Programme.objects.create(city=other_city, slug="muu", name="Other", start_year=2026, end_year=2029)
    foreign = FocusArea.objects.create(programme=elsewhere, order=0, title="Cel")
    for amount, picked in GRANTS:
        decide(grant_round, staff, amount, [goals[i] for i in picked], "strategy_goals")
    decide(grant_round, staff, "10.00", [foreign, goals[4]], "strategy_goals")  # a foreign goal takes its half
    with translation.override("en"):
        result = indicators.amount_by_strategy_goal(grant_round.year)
        titles = services.strategy_goal_choices().values_list("title", flat=True)
        assert result == reference_split(grant_round.year, "strategy_goals", titles, label="title")
    assert [str(result[f"Tavoite {n}"]) for n in range(5)] == [*EXPECTED[:4], "5.00"]
    assert "Cel" not in result


def test_the_queries_do_not_grow_with_the_applications(year_of_grants, grant_round, staff, django_assert_num_queries):
    """The targets' names, the shares summed per target, their labels, the money naming none."""
    areas, _groups = year_of_grants
    with django_assert_num_queries(4):
        indicators.amount_by_service_area(grant_round.year)
    for _n in range(10):
        decide(grant_round, staff, "10.00", areas[:3], "service_areas")
    with django_assert_num_queries(4):
        result = indicators.amount_by_service_area(grant_round.year)
    assert result["Alue 0"] == Decimal("33.89") + 10 * Decimal("3.33")
