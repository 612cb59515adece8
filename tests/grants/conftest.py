import pytest

from tests.grants.factories import ApplicationFactory, GrantRoundFactory


@pytest.fixture
def grant_round(department):
    return GrantRoundFactory(department=department, title="Projektiavustukset", slug="projektiavustukset")


@pytest.fixture
def draft(grant_round, association, association_admin):
    return ApplicationFactory(round=grant_round, association=association)


@pytest.fixture
def submitted(draft, association_admin):
    from grants import services

    return services.application_submit(application=draft, user=association_admin)


@pytest.fixture
def in_review(submitted, staff):
    from grants import services

    return services.application_start_review(application=submitted, user=staff)


def grant_grants_permissions(group):
    """The permissions the city gives its departments' staff groups for grants in the admin."""
    from django.contrib.auth.models import Permission

    group.permissions.add(*Permission.objects.filter(content_type__app_label="grants"))


@pytest.fixture
def staff(staff, department):
    grant_grants_permissions(department.staff_group)
    return staff


@pytest.fixture
def other_staff(other_staff, other_department):
    grant_grants_permissions(other_department.staff_group)
    return other_staff
