"""Capacity under concurrency: associations answering at the same moment never overfill a meeting."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from annualclock.models import MeetingResponse
from annualclock.services import meeting_answer_submit
from tests.annualclock.factories import MeetingFactory
from tests.factories import AssociationFactory


@pytest.mark.django_db(transaction=True)
def test_simultaneous_answers_never_exceed_the_capacity():
    meeting = MeetingFactory(capacity=5)
    associations = [AssociationFactory() for _ in range(6)]
    barrier = threading.Barrier(len(associations))
    outcomes = []

    def answer(association):
        try:
            barrier.wait(timeout=10)
            meeting_answer_submit(
                meeting=meeting,
                association=association,
                answer=MeetingResponse.Answer.ATTENDING,
                attendees=2,
                channel=MeetingResponse.Channel.SITE,
            )
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(a,)) for a in associations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused"] * 4 + ["saved"] * 2
    assert MeetingResponse.objects.aggregate(total=Sum("attendees"))["total"] == 4


@pytest.mark.django_db(transaction=True)
def test_one_association_answering_twice_at_once_keeps_one_answer():
    meeting = MeetingFactory(capacity=10)
    association = AssociationFactory()
    barrier = threading.Barrier(4)
    errors = []

    def answer(attendees):
        try:
            barrier.wait(timeout=10)
            meeting_answer_submit(
                meeting=meeting,
                association=association,
                answer=MeetingResponse.Answer.ATTENDING,
                attendees=attendees,
                channel=MeetingResponse.Channel.EMAIL_LINK,
            )
        except Exception as exc:  # noqa: BLE001 - any error here is the failure we look for
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(n,)) for n in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert MeetingResponse.objects.filter(meeting=meeting, association=association).count() == 1
