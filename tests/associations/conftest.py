import pytest
from django.contrib.auth.models import Permission

REGISTRY_MODELS = ("association", "membership", "event", "partnershipagreement", "partnershipreview")


def grant_registry_permissions(group):
    """The permissions the city gives its staff groups for the registry in the admin."""
    perms = Permission.objects.filter(content_type__app_label="associations", content_type__model__in=REGISTRY_MODELS)
    group.permissions.add(*perms)


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
