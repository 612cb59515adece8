"""A decision asks a fixed, small number of queries, keeping its locks."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from grants import services, workflow
from grants.models import Application

pytestmark = pytest.mark.django_db


def test_a_decision_locks_the_application_and_association_and_the_round_only_at_the_end(in_review, staff):
    with CaptureQueriesContext(connection) as queries:
        services.decision_make(application=in_review, user=staff, amount="600", grounds="ok")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    locked = [sql for sql in statements if " FOR UPDATE" in sql]
    locks = [sql.removeprefix("SELECT ").split(".")[0] for sql in locked]  # each row's first column
    assert locks == ['"grants_application"', '"associations_association"']
    assert len(statements) == 12
    # The round's row is locked by one guarded UPDATE, the transaction's last statement before COMMIT:
    # decisions of one round wait for each other only from there to the commit.
    [committing] = [sql for sql in statements if '"committed" = ' in sql]
    assert committing.startswith('UPDATE "grants_grantround"') and '"appropriation" - ' in committing
    assert statements[-1] == committing  # (the test's own transaction holds the COMMIT back)


def test_a_refusal_over_the_appropriation_writes_nothing_and_takes_no_round_lock(submitted, staff):
    from decimal import Decimal

    from grants.models import GrantRound, Transition

    GrantRound.objects.filter(pk=submitted.round_id).update(appropriation=Decimal("1000"), committed=Decimal("500"))
    moves = Transition.objects.filter(application=submitted).count()
    with translation.override("en"):  # the message is made and read in English
        with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refusal:
            services.decision_make(application=submitted, user=staff, amount="600", grounds="ok")
        messages = " ".join(refusal.value.messages)
    assert "exceed the call's appropriation" in messages
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith(("INSERT", "UPDATE"))]
    locks = [sql.removeprefix("SELECT ").split(".")[0] for sql in statements if " FOR UPDATE" in sql]
    assert locks == ['"grants_application"', '"associations_association"']  # never the round's row
    submitted.refresh_from_db()
    assert submitted.state == Application.State.SUBMITTED  # not moved to review on the way to a refusal
    assert Transition.objects.filter(application=submitted).count() == moves


def test_a_locked_move_needs_the_transaction_that_locked_it(in_review, staff):
    from django.db import transaction

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=in_review.pk)
        workflow.application_transition(
            application=locked, to_state=Application.State.REJECTED, user=staff, as_role=workflow.STAFF, locked=True
        )
    assert Application.objects.get(pk=in_review.pk).state == Application.State.REJECTED
    assert in_review.transitions.filter(to_state=Application.State.REJECTED).count() == 1
