import pytest

from tests.associations.utils import grant_registry_permissions


@pytest.fixture
def staff(staff, department):
    grant_registry_permissions(department.staff_group)
    return staff


@pytest.fixture
def other_staff(other_staff, other_department):
    grant_registry_permissions(other_department.staff_group)
    return other_staff


@pytest.fixture
def outbox():
    """The outbox rows (e-mails owed), newest last."""
    from portal.models import Notification

    def rows(**filters):
        return list(Notification.objects.filter(**filters).order_by("created_at", "id"))

    return rows
