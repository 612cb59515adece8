"""Decisions made at the same moment never sum past the appropriation (threads, real PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from grants import services
from grants.models import Application, Decision, GrantRound
from tests.conftest import make_staff
from tests.factories import AssociationFactory, DepartmentFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run_together(*functions):
    barrier = threading.Barrier(len(functions))
    refused, crashed = [], []

    def worker(fn):
        try:
            barrier.wait()
            fn()
        except ValidationError as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - any other error fails the test below
            crashed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refused, crashed


def test_fifty_concurrent_decisions_never_sum_past_the_appropriation():
    department = DepartmentFactory()
    staff = make_staff(department, "decider@city.example")
    grant_round = GrantRoundFactory(department=department, appropriation=Decimal("10000.00"))
    applications = [
        ApplicationFactory(
            round=grant_round,
            association=AssociationFactory(),
            state=Application.State.IN_REVIEW,
            amount_requested=Decimal("700.00"),
            results=False,
        )
        for _ in range(50)
    ]
    refused, crashed = run_together(
        *(
            lambda a=a: services.decision_make(application=a, user=staff, amount="700", grounds="Fits the call")
            for a in applications
        )
    )
    assert crashed == []
    grant_round.refresh_from_db()
    decided = Decision.objects.filter(application__round=grant_round)
    total = sum(d.amount for d in decided)
    assert total <= grant_round.appropriation
    assert decided.count() == 14  # 14 × 700 = 9 800; a fifteenth would pass 10 000
    assert grant_round.committed == total == Decimal("9800.00")
    assert len(refused) == 36
    expected = services._over_appropriation(grant_round).messages  # what the staff member reads
    assert "200" in expected[0]
    assert all(e.messages == expected for e in refused)
    assert Application.objects.filter(round=grant_round, state="in_review").count() == 36


def test_a_direct_update_that_bypasses_the_service_is_refused_by_the_database():
    grant_round = GrantRoundFactory(appropriation=Decimal("10000.00"))
    with pytest.raises(IntegrityError, match="committed_within_appropriation"), transaction.atomic():
        GrantRound.objects.filter(pk=grant_round.pk).update(committed=Decimal("10000.01"))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE grants_grantround SET committed = appropriation + 1 WHERE id = %s", [grant_round.pk])
    grant_round.refresh_from_db()
    assert grant_round.committed == Decimal("0.00")
