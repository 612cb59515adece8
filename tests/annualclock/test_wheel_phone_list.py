"""On a phone the wheel's markers are too small to touch: the wheel page lists the year first."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.annualclock.factories import ClockEntryFactory

pytestmark = pytest.mark.django_db


def test_wheel_page_lists_the_year_by_month_before_the_wheel(client):
    year = timezone.localdate().year
    ClockEntryFactory(year=year, month=5, title="Yhdistysilta kevät")
    html = client.get(reverse("annualclock:year", kwargs={"year": year})).content.decode()
    list_at = html.index('class="clock-list-first"')
    assert list_at < html.index('class="clock-figure"')
    assert "Yhdistysilta kevät" in html[list_at : html.index('class="clock-figure"')]
