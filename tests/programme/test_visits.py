"""Visitors to the association pages, counted per day and section without cookies or personal data."""

import uuid

import pytest
from django.utils import timezone

from portal import registries
from portal.models import PageVisitDay
from portal.programme import visits

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


@pytest.fixture(autouse=True)
def _own_counters(monkeypatch):
    """Counters of this test only: parallel test workers share the Redis database."""
    monkeypatch.setattr(visits, "KEY", f"test-{uuid.uuid4().hex}:" + visits.KEY)


def test_page_views_are_counted_per_section_without_a_cookie_of_their_own(client):
    for _ in range(3):
        response = client.get("/fi/associations/", HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 200
        assert set(response.cookies) <= {"csrftoken"}  # the page's form, nothing for counting
    client.get("/fi/associations/", HTTP_USER_AGENT="Googlebot/2.1")
    client.get("/fi/no-such-page/", HTTP_USER_AGENT=BROWSER)
    assert visits.flush() == 3
    row = PageVisitDay.objects.get()
    assert (row.day, row.section, row.count) == (timezone.localdate(), "associations", 3)
    assert visits.flush() == 0  # moved once

    year = timezone.localdate().year
    assert registries.get_indicator("portal.association_page_visitors").value_for(year) == 3


def test_sections_are_read_from_the_path():
    assert visits.section_of("/sv/associations/karhut/") == "associations"
    assert visits.section_of("/fi/") == "home"
    assert visits.section_of("/admin/") is None
