"""The programme as data: the seed in the demo, values and their uniqueness, computed figures, surveys."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.programme import demo, selectors, services
from portal.programme.models import (
    FocusArea,
    Indicator,
    IndicatorValue,
    Programme,
    Survey,
    SurveyQuestion,
)
from tests.factories import AssociationFactory, ForumFactory, UserFactory

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_000_pori_programme.txt"

pytestmark = pytest.mark.django_db


def seed_lists(heading):
    """The bullet lists under every "## Mittarit" / "## Teot" heading of seed 000."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    items, inside = [], False
    for line in lines:
        if line.startswith("#"):
            inside = re.sub(r"[#*\s]", "", line) == heading
            continue
        if inside and line.startswith("- "):
            items.append(line[2:].strip())
        elif inside and line.strip() and not line.startswith("- "):
            inside = False
    return items


def test_every_indicator_of_seed_000_is_in_the_demo_word_for_word(pori):
    seed_indicators = seed_lists("Mittarit")
    assert len(seed_indicators) == 25
    names = list(Indicator.objects.filter(focus_area__programme=pori).values_list("name", flat=True))
    assert sorted(names) == sorted(seed_indicators)


def test_every_action_and_goal_state_of_seed_000_is_in_the_demo(pori):
    seed_actions = seed_lists("Teot")
    assert len(seed_actions) == 32
    actions = list(pori.focus_areas.values_list("actions__text", flat=True))
    assert sorted(actions) == sorted(seed_actions)
    areas = list(FocusArea.objects.filter(programme=pori).order_by("order"))
    assert [a.title for a in areas] == ["Yhteistyö ja yhteiskehittäminen", "Tilat", "Avustukset", "Viestintä"]
    assert areas[0].goal_state.startswith("Porin kaupunki edistää asukkaiden hyvinvointia yhteistyössä")
    assert "Yhdistykset täydentävät kaupungin osallisuustyötä" in areas[0].goal_state


def test_demo_maps_indicators_to_computed_survey_and_manual_sources(pori):
    by_name = {i.name: i for i in Indicator.objects.filter(focus_area__programme=pori)}
    assert by_name["Yhdistysyhteistyöryhmän kokousten määrä/vuosi"].computed_key == "annualclock.working_group_meetings"
    assert by_name["Yhdistysuutiskirjeen julkaisukerrat/vuosi"].computed_key == "newsletter.issues_per_year"
    assert by_name["Avustuksia hakeneiden ja saaneiden yhdistysten määrä/vuosi"].computed_key.startswith(
        "grants.applicants_per_year"
    )
    assert by_name["Yhdistysten kokemus yhteistyön toimivuudesta ja vaikuttamismahdollisuuksista"].source == "survey"
    assert by_name["Lähellä.fi-palveluun rekisteröityneiden porilaisten yhdistysten määrä/vuosi"].source == "manual"


def test_demo_loads_twice_without_changes(pori):
    before = Indicator.objects.count(), FocusArea.objects.count(), Survey.objects.count()
    demo.load()
    assert (Indicator.objects.count(), FocusArea.objects.count(), Survey.objects.count()) == before
    assert Programme.objects.filter(city="poznan").exists()


def test_a_value_is_unique_per_indicator_period_and_breakdown_even_without_a_quarter(pori):
    indicator = Indicator.objects.filter(focus_area__programme=pori, source="manual").first()
    fields = {"indicator": indicator, "year": 2026, "value": 1, "source": "manual", "as_of": timezone.now()}
    IndicatorValue.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(**fields)
    IndicatorValue.objects.create(**fields | {"breakdown": "Keskusta"})
    IndicatorValue.objects.create(**fields | {"quarter": 1})


def test_computed_indicator_counts_the_portals_data(pori):
    year = timezone.localdate().year
    ForumFactory.create_batch(3, is_active=True, joined_year=None, ended_year=None)
    ForumFactory(is_active=False)
    overview = selectors.programme_overview(pori, 2026 if year < 2026 else min(year, 2029))
    item = next(i for i in selectors.overview_indicators(overview) if i["computed_key"] == "portal.forums_and_networks")
    if overview["year"] <= year:
        assert item["this_year"]["value"] == "3.00"
        assert item["this_year"]["source"] == "portal.forums_and_networks"


def test_an_unregistered_key_shows_source_missing_not_an_error(pori):
    indicator = Indicator.objects.filter(focus_area__programme=pori, source="computed").first()
    indicator.computed_key = "nosuchapp.not_registered"
    indicator.save()
    total, rows, missing, _answers = selectors.compute_indicator(indicator, 2026)
    assert (total, rows, missing) == (None, [], selectors.SOURCE_MISSING)


def test_staff_enter_a_manual_value_with_its_provenance(pori, staff):
    name = "Lähellä.fi-palveluun rekisteröityneiden porilaisten yhdistysten määrä/vuosi"
    indicator = Indicator.objects.get(name=name)
    row = services.indicator_value_enter(indicator=indicator, year=2026, value="41,0", user=staff)
    assert (row.value, row.source, row.entered_by, row.status) == (Decimal("41.00"), "manual", staff, "final")
    services.indicator_value_enter(indicator=indicator, year=2026, value="43", user=staff, note="Recount")
    row.refresh_from_db()
    assert row.value == Decimal("43.00")
    assert row.history.count() == 2


@pytest.mark.parametrize(
    ("value", "year", "message"),
    [("many", 2026, services.VALUE_NOT_A_NUMBER), ("5", 2040, services.VALUE_YEAR_OUTSIDE)],
)
def test_a_bad_manual_value_is_refused_and_changes_nothing(pori, staff, value, year, message):
    indicator = Indicator.objects.filter(focus_area__programme=pori, source="manual").first()
    with pytest.raises(ValidationError) as error:
        services.indicator_value_enter(indicator=indicator, year=year, value=value, user=staff)
    assert error.value.messages == [str(message)]
    assert not IndicatorValue.objects.exists()


def test_a_computed_indicator_cannot_be_typed_in(pori, staff):
    indicator = Indicator.objects.filter(focus_area__programme=pori, source="computed").first()
    with pytest.raises(ValidationError) as error:
        services.indicator_value_enter(indicator=indicator, year=2026, value="5", user=staff)
    assert error.value.messages == [str(services.VALUE_NOT_MANUAL)]


def test_survey_answers_feed_the_indicator_with_the_number_of_answers(pori):
    survey = Survey.objects.filter(programme=pori, focus_area__order=1).get()
    question = survey.questions.get(kind=SurveyQuestion.Kind.SCALE)
    day = survey.opens_on
    for score in (4, 5, 3):
        association = AssociationFactory()
        services.survey_respond(
            survey=survey, association_id=association.pk, user=UserFactory(), answers={question.pk: score}, today=day
        )
    value = IndicatorValue.objects.get(indicator__survey_question=question, year=survey.year)
    assert (value.value, value.answers, value.source) == (Decimal("4.00"), 3, f"survey:{survey.pk}")


def test_an_association_answers_a_survey_once(pori):
    survey = Survey.objects.filter(programme=pori, focus_area__order=1).get()
    question = survey.questions.get(kind=SurveyQuestion.Kind.SCALE)
    association = AssociationFactory()
    kwargs = {"survey": survey, "association_id": association.pk, "today": survey.opens_on}
    services.survey_respond(user=UserFactory(), answers={question.pk: 2}, **kwargs)
    with pytest.raises(ValidationError) as error:
        services.survey_respond(user=UserFactory(), answers={question.pk: 5}, **kwargs)
    assert error.value.messages == [str(services.SURVEY_ALREADY_ANSWERED)]
    assert survey.responses.count() == 1


def test_a_score_outside_one_to_five_is_refused(pori):
    survey = Survey.objects.filter(programme=pori, focus_area__order=1).get()
    question = survey.questions.get(kind=SurveyQuestion.Kind.SCALE)
    with pytest.raises(ValidationError) as error:
        services.survey_respond(
            survey=survey, association_id=1, user=UserFactory(), answers={question.pk: 9}, today=survey.opens_on
        )
    assert error.value.messages == [str(services.SURVEY_SCORE_INVALID)]
    assert not survey.responses.exists()
