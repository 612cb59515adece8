"""On a phone the wheel's markers are too small to touch: the wheel page lists the year first."""

import datetime as dt

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


def test_only_a_month_not_yet_over_says_its_exact_date_is_to_be_announced(client):
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    next_month = (today.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    past = ClockEntryFactory(year=last_month.year, month=last_month.month, title="Mennyt ilta")
    coming = ClockEntryFactory(year=next_month.year, month=next_month.month, title="Tuleva ilta")
    past_page = client.get(reverse("annualclock:entry-detail", args=[past.pk])).content.decode()
    coming_page = client.get(reverse("annualclock:entry-detail", args=[coming.pk])).content.decode()
    assert "exact date to be announced" not in past_page
    assert "exact date to be announced" in coming_page
