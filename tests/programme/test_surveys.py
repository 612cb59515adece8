"""Association representatives answer the programme's surveys: one answer per association."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.programme import demo
from portal.programme.models import Indicator, IndicatorValue, Programme, Survey, SurveyQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_survey():
    demo.load()
    programme = Programme.objects.get(slug=demo.PORI_SLUG)
    today = timezone.localdate()
    survey = Survey.objects.create(
        programme=programme,
        focus_area=programme.focus_areas.get(order=2),
        year=today.year,
        title="Tilakysely",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
    )
    scale = SurveyQuestion.objects.create(survey=survey, order=1, text="Kuinka sujuvaa varaaminen on?")
    SurveyQuestion.objects.create(survey=survey, order=2, text="Mitä kehittäisitte?", kind="text")
    indicator = Indicator.objects.get(name="Tilavarauksen ja yhteiskäyttötilojen käytön sujuvuus")
    indicator.survey_question = scale
    indicator.save()
    return survey


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def test_a_representative_answers_and_the_indicator_shows_the_mean_with_n(open_survey, association_admin, client_for):
    client = client_for(association_admin)
    assert "Tilakysely" in client.get(url("portal:programme-surveys")).content.decode()
    scale, text = open_survey.questions.order_by("order")
    response = client.post(
        url("portal:programme-survey", open_survey.pk), {f"q{scale.pk}": "4", f"q{text.pk}": "Enemmän iltavuoroja"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Thank you. Your association&#x27;s answers have been saved." in page
    value = IndicatorValue.objects.get(indicator__survey_question=scale)
    assert (value.value, value.answers) == (4, 1)


def test_the_same_association_cannot_answer_twice(open_survey, association_admin, association_member, client_for):
    scale = open_survey.questions.get(order=1)
    client_for(association_admin).post(url("portal:programme-survey", open_survey.pk), {f"q{scale.pk}": "2"})
    page = client_for(association_member).get(url("portal:programme-survey", open_survey.pk)).content.decode()
    assert "Your association has already answered this survey." in page
    client_for(association_member).post(url("portal:programme-survey", open_survey.pk), {f"q{scale.pk}": "5"})
    assert open_survey.responses.count() == 1


def test_a_score_outside_the_scale_is_refused_with_a_message(open_survey, association_admin, client_for):
    scale = open_survey.questions.get(order=1)
    response = client_for(association_admin).post(url("portal:programme-survey", open_survey.pk), {f"q{scale.pk}": "7"})
    assert response.status_code == 400
    assert "Choose a value from 1 to 5." in response.content.decode()
    assert not open_survey.responses.exists()


@pytest.mark.parametrize("persona", ["outsider", None])
def test_who_represents_no_association_gets_not_found(open_survey, persona, client_for, request):
    user = request.getfixturevalue(persona) if persona else None
    assert client_for(user).get(url("portal:programme-survey", open_survey.pk)).status_code == 404
    assert client_for(user).get(url("portal:programme-surveys")).status_code == 404
