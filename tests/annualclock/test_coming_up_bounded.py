"""The front page's "coming up" asks the sources for the next few items, not the whole window."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from annualclock.home import coming_up_section
from annualclock.selectors import COMING_UP_DAYS, clock_items, coming_up
from portal.registries import CalendarItem
from tests.annualclock.factories import MeetingFactory
from tests.associations.factories import EventFactory
from tests.dates import days_ahead, local, today

pytestmark = pytest.mark.django_db


def unbounded_coming_up(limit=8):
    """What coming up showed before: the whole window, filtered, cut."""
    start = today()
    items = clock_items(start, start + dt.timedelta(days=COMING_UP_DAYS + 1))
    kept = []
    for clock_item in items:
        item = clock_item.item
        if item.month_only and item.start < start:
            continue
        end = item.end or item.start
        end = end.date() if isinstance(end, dt.datetime) else end
        if end >= start:
            kept.append(clock_item)
    return kept[:limit]


def test_coming_up_is_the_same_as_the_whole_window_cut(other_source):
    other_source.clear()
    other_source.append(
        CalendarItem(uid="g@test", title="Haku päättyy", start=days_ahead(3), kind="grant_application_period")
    )
    MeetingFactory(
        title="Työryhmä", starts_at=local(days_ahead(2), dt.time(17)), ends_at=local(days_ahead(2), dt.time(19))
    )
    for n in range(20):
        EventFactory(title=f"Tapahtuma {n}", start_date=days_ahead(1 + n % 5), start_time=dt.time(10 + n % 8))
    EventFactory(title="Koko päivän", start_date=days_ahead(2), start_time=None)

    shown = coming_up()

    assert len(shown) == 8
    assert [ci.item.uid for ci in shown] == [ci.item.uid for ci in unbounded_coming_up()]
    assert "Koko päivän" in [ci.item.title for ci in shown]  # a day's all-day items come first


def test_coming_up_reads_a_bounded_number_of_events(other_source):
    for n in range(5):
        EventFactory(start_date=days_ahead(1 + n))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            coming_up_section(RequestFactory().get("/"))
        return len(captured)

    few = queries()
    for n in range(40):
        EventFactory(start_date=days_ahead(1 + n % 50))
    assert queries() == few

    with CaptureQueriesContext(connection) as captured:
        coming_up()
    [events_query] = [q["sql"] for q in captured if '"associations_event"' in q["sql"].split("FROM", 1)[1][:40]]
    assert "LIMIT 16" in events_query


def test_the_front_page_takes_the_same_queries_for_few_and_many_events(client):
    for n in range(3):
        EventFactory(start_date=days_ahead(1 + n))

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/").status_code == 200
        return len(captured)

    few = measure()
    for n in range(60):
        EventFactory(start_date=days_ahead(1 + n % 59))
    assert measure() == few
