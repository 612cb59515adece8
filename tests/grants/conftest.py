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
