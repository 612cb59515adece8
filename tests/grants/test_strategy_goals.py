"""An application's strategy goals are the city programme's focus areas, and the money follows them."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from grants import indicators, services
from grants.models import Application
from portal.models import FocusArea, Programme
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db


def programme(city, titles):
    owner = Programme.objects.create(
        city=city, slug=f"{city}-ohjelma", name=f"{city} programme", start_year=2026, end_year=2029
    )
    return [FocusArea.objects.create(programme=owner, order=n, title=t, goal_state=t) for n, t in enumerate(titles)]


@pytest.fixture
def goals():
    return programme("pori", ["Yhteistyö", "Tilat", "Avustukset"])


def test_a_draft_keeps_only_goals_of_the_citys_own_programme(grant_round, association, association_admin, goals):
    elsewhere = programme("poznan", ["Cel 1"])[0]
    application = services.application_create(
        round=grant_round,
        association=association,
        user=association_admin,
        data={"title": "Leiri", "strategy_goals": [goals[0].pk, goals[2].pk, elsewhere.pk, "x"]},
    )
    assert set(application.strategy_goals.all()) == {goals[0], goals[2]}
    services.application_update(application=application, user=association_admin, data={"strategy_goals": [goals[1].pk]})
    assert list(application.strategy_goals.all()) == [goals[1]]


def test_the_form_offers_the_programmes_goals_and_saves_the_ticked_ones(client_for, draft, association_admin, goals):
    client = client_for(association_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/en/grants/applications/{draft.pk}/edit/").content.decode()
    assert "Strategy goals" in page and all(goal.title in page for goal in goals)
    response = client.post(
        f"/en/grants/applications/{draft.pk}/edit/",
        {
            "form_version": draft.form_version_id,
            "title": draft.title,
            "answer_activity": "Leiri",
            "amount_requested": "500",
            "result_description": "Lapsia",
            "result_target": "10",
            "result_measure": "Lista",
            "strategy_goals": [goals[1].pk],
        },
    )
    assert response.status_code == 302
    assert list(Application.objects.get(pk=draft.pk).strategy_goals.all()) == [goals[1]]
    detail = client.get(f"/en/grants/applications/{draft.pk}/").content.decode()
    assert "Tilat" in detail


def test_copying_last_years_application_keeps_its_goals(grant_round, association, association_admin, goals):
    source = ApplicationFactory(
        round=GrantRoundFactory(department=grant_round.department),
        association=association,
        state=Application.State.REPORT_APPROVED,
    )
    source.strategy_goals.set(goals[:2])
    copy = services.application_copy(source=source, round=grant_round, user=association_admin)
    assert set(copy.strategy_goals.all()) == set(goals[:2])


def test_money_by_strategy_goal_splits_each_grant_over_its_goals(grant_round, association, staff, goals):
    both = ApplicationFactory(
        round=grant_round, association=association, state=Application.State.IN_REVIEW, amount_requested=Decimal("1000")
    )
    both.strategy_goals.set(goals[:2])
    none = ApplicationFactory(round=grant_round, state=Application.State.IN_REVIEW, amount_requested=Decimal("300"))
    services.decision_make(application=both, user=staff, amount="1000", grounds="Hyvä")
    services.decision_make(application=none, user=staff, amount="300", grounds="Hyvä")
    with translation.override("en"):
        result = indicators.amount_by_strategy_goal(grant_round.year)
    assert result == {
        "Yhteistyö": Decimal("500.00"),
        "Tilat": Decimal("500.00"),
        "Avustukset": Decimal("0.00"),
        "Not given": Decimal("300.00"),
    }
    assert sum(result.values()) == Decimal("1300.00")


def test_the_indicator_is_registered():
    from portal.registries import all_indicators

    assert "grants.amount_by_strategy_goal" in all_indicators()
