"""At national scale the wheel counts association events by month instead of drawing each one.

The wheel shows the city's plan item by item; a month's association events are one marker
with their number, linking to that month in the events list. The list view still lists them.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annualclock.models import Kind
from annualclock.selectors import year_plan
from tests.annualclock.factories import ClockEntryFactory
from tests.associations.factories import EventFactory
from tests.dates import this_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return this_year() + 1


def events_in(year, month, count, **kwargs):
    return [
        EventFactory(title=f"Tapahtuma {month}-{n}", start_date=dt.date(year, month, 10), **kwargs)
        for n in range(count)
    ]


def test_the_wheel_counts_events_by_month_and_links_each_month_to_the_events_list(client, year):
    events_in(year, 3, 3)
    events_in(year, 5, 1)
    # Began the December before: listed under January, as the clock lists items.
    EventFactory(title="Talvileiri", start_date=dt.date(year - 1, 12, 30), end_date=dt.date(year, 1, 2))
    ClockEntryFactory(year=year, month=3, kind=Kind.WORKSHOP, title="Työpaja yhdistyksille")

    html = client.get(f"/en/clock/{year}/").content.decode()

    march = f"/en/associations/events/?start={year}-03-01&amp;end={year}-03-31"
    assert f'href="{march}"' in html
    assert "3 association events this month" in html and "1 association event this month" in html
    assert 'aria-label="3 association events in March: open the events list"' in html
    assert 'aria-label="1 association event in January: open the events list"' in html
    assert "Työpaja yhdistyksille" in html  # the plan is still item by item
    assert "Tapahtuma 3-0" not in html and "Talvileiri" not in html  # events are counted, not drawn
    assert "Association events (5) are counted by month" in html


def test_the_month_link_lists_that_months_events(client, year):
    events_in(year, 3, 2)
    events_in(year, 4, 1)
    plan = year_plan(year)

    html = client.get(plan.event_counts[3].url).content.decode()  # /en/… under the tests' English

    assert "Tapahtuma 3-0" in html and "Tapahtuma 3-1" in html and "Tapahtuma 4-0" not in html
    assert {month: count.count for month, count in plan.event_counts.items()} == {3: 2, 4: 1}


def test_the_list_view_still_lists_every_event(client, year):
    events_in(year, 3, 2)

    html = client.get(f"/en/clock/{year}/list/").content.decode()

    assert "Tapahtuma 3-0" in html and "Tapahtuma 3-1" in html


def test_the_wheel_filtered_to_association_events_shows_their_counts_only(client, year):
    events_in(year, 6, 4)
    ClockEntryFactory(year=year, month=6, kind=Kind.WORKSHOP, title="Työpaja yhdistyksille")

    html = client.get(f"/en/clock/{year}/?kind=association_event").content.decode()
    assert "4 association events this month" in html and "Työpaja yhdistyksille" not in html

    html = client.get(f"/en/clock/{year}/?kind=workshop").content.decode()
    assert "association events this month" not in html and "Työpaja yhdistyksille" in html


def test_unpublished_events_are_not_counted(year):
    events_in(year, 3, 1)
    events_in(year, 3, 2, moderation_state="pending")

    assert year_plan(year).event_counts[3].count == 1


@pytest.mark.parametrize("path", ["/en/clock/{year}/", "/en/clock/{year}/print/"])
def test_the_wheel_takes_the_same_queries_for_few_and_many_events(client, year, path):
    url = path.format(year=year)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.content)

    for month in (2, 7):
        events_in(year, month, 2)
    few_queries, few_bytes = measure()
    for month in range(1, 13):
        events_in(year, month, 6)
    many_queries, many_bytes = measure()

    assert many_queries == few_queries
    assert many_bytes - few_bytes < 20_000  # twelve count markers, not 72 events drawn


def test_the_marker_shows_the_number(year):
    from annualclock.wheel import build_wheel

    events_in(year, 9, 12)
    plan = year_plan(year)

    wheel = build_wheel(year, plan.items, list_url="/en/clock/list/", event_counts=plan.event_counts)

    [marker] = wheel.months[8].markers
    assert marker.symbol == "12" and re.search(r"start=\d{4}-09-01", marker.href)
    assert wheel.months[8].count == 12
