"""The letter of recommendation or intent: a PDF made once, after the commit, in the applicant's
language; and the demo of the forms of cooperation loads twice without change."""

import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from associations.cooperation import services, tasks
from associations.cooperation.letters import request_letter_make
from associations.cooperation.models import CityRequest, JointProject, LocalInitiative, RequestKind
from associations.models import Language
from tests.associations.cooperation_factories import handler, letter_data

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def granted(association, association_member, department, staff, django_capture_on_commit_callbacks, monkeypatch):
    def make(language_code=None):
        if language_code:
            association.languages.add(Language.objects.create(code=language_code, name=language_code, order=1))
        handler(RequestKind.RECOMMENDATION, department=department, name="Antti Virtanen", title="Kehittämispäällikkö")
        city_request = services.city_request_submit(
            association=association, user=association_member, kind=RequestKind.RECOMMENDATION, data=letter_data()
        )
        # The worker is not running in tests: run the task as the broker would, after the commit.
        monkeypatch.setattr(tasks.make_request_letter, "delay", lambda pk: tasks.make_request_letter(pk))
        with django_capture_on_commit_callbacks(execute=True):
            services.city_request_grant(city_request=city_request, user=staff, reason="Hanke on tärkeä.")
        city_request.refresh_from_db()
        return city_request

    return make


def _expected(language, *msgids):
    with translation.override(language):
        return [translation.gettext(m) for m in msgids]


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_the_letter_is_in_the_applicants_language(granted, language):
    city_request = granted(None if language == "fi" else language)
    assert city_request.letter and city_request.letter_language == language
    text = pdf_text(city_request.letter.read())
    for word in _expected(language, "Association", "Goals", "Responsible person", "Amount applied for"):
        assert word in text
    assert "Porin Karhut ry" in text and "Opetus- ja kulttuuriministeriö" in text and "Antti Virtanen" in text
    assert "Hanke on tärkeä." in text
    if language == "sv":
        assert "Förening" in text and "Föreningsportalen i Björneborg" in text
        assert "Yhdistys\n" not in text
    if language == "fi":
        assert "Yhdistys" in text and "Porin yhdistysportaali" in text


def test_the_letter_is_made_once(granted):
    city_request = granted("sv")
    name = city_request.letter.name
    assert tasks.make_request_letter(city_request.pk) is True
    assert request_letter_make(request_id=city_request.pk).letter.name == name


def test_no_letter_for_a_request_that_is_not_a_granted_letter(association, association_member, department, staff):
    handler(RequestKind.RECOMMENDATION, department=department)
    city_request = services.city_request_submit(
        association=association, user=association_member, kind=RequestKind.RECOMMENDATION, data=letter_data()
    )
    assert request_letter_make(request_id=city_request.pk) is None
    assert tasks.make_request_letter(city_request.pk) is False
    assert tasks.make_request_letter(999999) is False


def test_the_demo_loads_twice_without_change():
    out = StringIO()
    call_command("demo_data", stdout=out)
    counts = (JointProject.objects.count(), CityRequest.objects.count(), LocalInitiative.objects.count())
    assert counts == (2, 4, 1)
    call_command("demo_data", stdout=out)
    assert (JointProject.objects.count(), CityRequest.objects.count(), LocalInitiative.objects.count()) == counts
    assert CityRequest.objects.filter(
        kind=RequestKind.RECOMMENDATION, state="granted", joint_project__isnull=False
    ).exists()
