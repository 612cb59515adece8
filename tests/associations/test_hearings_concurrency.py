"""Hearings when two people act at the same moment (threads, real PostgreSQL)."""

import pytest
from django.utils import timezone

from associations.hearings import services
from associations.hearings.models import Hearing, HearingAnswer
from tests.associations.hearing_factories import HearingFactory
from tests.associations.test_concurrency import run_together
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_representatives_answering_at_once_leave_one_answer_of_their_association():
    hearing = HearingFactory()
    association = AssociationFactory()
    people = [MembershipFactory(association=association).user for _ in range(2)]
    errors = run_together(
        *(
            lambda u=u, n=n: services.answer_save(
                hearing=hearing, association=association, user=u, data={"text": f"Vastaus {n}", "may_publish": True}
            )
            for n, u in enumerate(people)
        )
    )
    assert errors == []
    answer = HearingAnswer.objects.get(hearing=hearing, association=association)
    assert answer.text in {"Vastaus 0", "Vastaus 1"}
    assert answer.history.count() == 2  # the second edited the first, nothing was lost silently


def test_an_answer_racing_the_close_is_either_saved_whole_before_it_or_refused():
    hearing = HearingFactory()
    association = AssociationFactory()
    person = MembershipFactory(association=association).user
    errors = run_together(
        lambda: services.answer_save(
            hearing=hearing, association=association, user=person, data={"text": "Viime hetkellä."}
        ),
        lambda: services.hearing_close(hearing=hearing, closes_at=timezone.now()),
    )
    hearing.refresh_from_db()
    assert hearing.state == Hearing.State.CLOSED
    saved = HearingAnswer.objects.filter(hearing=hearing).first()
    if errors:
        assert saved is None and errors[0].code == "deadline"
    else:
        assert saved.text == "Viime hetkellä." and saved.updated_at <= hearing.updated_at
