"""Rules that must hold when two people act at the same moment (threads, real PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from associations.models import Association, Membership
from associations.services import memberships, registry
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def worker(fn):
        try:
            barrier.wait()
            fn()
        except (ValidationError, PermissionDenied) as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    association = AssociationFactory()
    first = MembershipFactory(association=association, role="admin")
    second = MembershipFactory(association=association, role="admin")
    errors = run_together(
        lambda: memberships.membership_change_role(membership=first, user=second.user, role="member"),
        lambda: memberships.membership_change_role(membership=second, user=first.user, role="member"),
    )
    admins = Membership.objects.filter(association=association, role="admin", state="approved").count()
    assert admins == 1
    # The second to act is refused: either they are no longer an admin or they would be the last.
    assert len(errors) == 1


def test_two_entries_claiming_the_same_register_number_at_once_get_one_message():
    users = [UserFactory(), UserFactory()]
    data = {"name": "Tupla ry", "kind": "registered", "register_number": "765.432"}
    errors = run_together(*(lambda u=u: registry.association_create(user=u, data=dict(data)) for u in users))
    assert Association.objects.filter(register_number="765.432").count() == 1
    assert len(errors) == 1
    assert "register_number" in errors[0].message_dict


def test_claiming_the_same_entry_twice_at_once_makes_one_request():
    association = AssociationFactory()
    user = UserFactory()
    errors = run_together(
        lambda: memberships.membership_claim(user=user, association=association),
        lambda: memberships.membership_claim(user=user, association=association),
    )
    assert Membership.objects.filter(user=user, association=association).count() == 1
    assert len(errors) == 1 and errors[0].messages == [str(memberships.ALREADY_REPRESENTS)]
