"""The decision letter: a PDF in the applicant's language, made once by a task after the commit."""

import pytest

from associations.models import Language
from grants import services, tasks
from grants.letters import decision_letter_make

pytestmark = pytest.mark.django_db


def test_a_decision_gets_its_letter_in_the_applicants_language_once(
    in_review, staff, association_admin, client_for, django_capture_on_commit_callbacks
):
    in_review.association.languages.add(Language.objects.create(code="sv", name="ruotsi", order=1))
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_make(application=in_review, user=staff, amount="700", grounds="Bra plan")
    decision.refresh_from_db()
    assert decision.letter and decision.letter_language == "sv"
    name = decision.letter.name
    assert tasks.make_decision_letter(decision.pk) is True
    decision.refresh_from_db()
    assert decision.letter.name == name  # not made twice
    response = client_for(association_admin).get(f"/en/grants/applications/{in_review.pk}/decision.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_outsiders_get_no_letter(in_review, staff, outsider, client_for):
    decision = services.decision_make(application=in_review, user=staff, amount="700", grounds="ok")
    decision_letter_make(decision_id=decision.pk)
    assert client_for(outsider).get(f"/en/grants/applications/{in_review.pk}/decision.pdf").status_code == 404
