import pytest

from portal.programme import demo
from portal.programme.models import Programme
from tests.conftest import make_staff


@pytest.fixture
def pori(db):
    """Pori's programme 2026–2029 as the demo loads it (seed 000's structure)."""
    demo.load()
    return Programme.objects.get(slug=demo.PORI_SLUG)


@pytest.fixture
def steering(pori, department):
    """A member of the demo's steering group, which holds ``change_report``: the secretary."""
    user = make_staff(department, "steering@city.example")
    user.groups.add(demo._steering_group())
    return user
