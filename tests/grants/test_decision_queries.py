"""A decision asks a fixed, small number of queries, keeping its locks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants import services, workflow
from grants.models import Application

pytestmark = pytest.mark.django_db


def test_a_decision_locks_the_round_application_and_association_in_twelve_statements(in_review, staff):
    with CaptureQueriesContext(connection) as queries:
        services.decision_make(application=in_review, user=staff, amount="600", grounds="ok")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    locked = [sql for sql in statements if " FOR UPDATE" in sql]
    locks = [sql.removeprefix("SELECT ").split(".")[0] for sql in locked]  # each row's first column
    assert locks == ['"grants_grantround"', '"grants_application"', '"associations_association"']
    assert len(statements) == 12  # 15 before: the staff check twice, a separate look for a decision, a re-lock
    assert sum('"committed" = ' in sql for sql in statements) == 1


def test_a_locked_move_needs_the_transaction_that_locked_it(in_review, staff):
    from django.db import transaction

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=in_review.pk)
        workflow.application_transition(
            application=locked, to_state=Application.State.REJECTED, user=staff, as_role=workflow.STAFF, locked=True
        )
    assert Application.objects.get(pk=in_review.pk).state == Application.State.REJECTED
    assert in_review.transitions.filter(to_state=Application.State.REJECTED).count() == 1
