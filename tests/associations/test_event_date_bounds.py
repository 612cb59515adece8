"""Event dates are bounded on input, and no stored date, however odd, breaks a page or a feed.

An event on 9999-12-31 (or in year 1) was accepted, and then the events feed and the event's
page answered 500 to everyone: the day after 9999-12-31 does not exist, and year 1 in Pori's
time zone is year 0 in UTC.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone, translation

from associations.importers.linked_events import import_events
from associations.models import Event
from associations.validators import EVENT_DATE_OUT_OF_RANGE, EVENT_YEARS_AHEAD, EVENT_YEARS_BACK
from tests.associations.factories import EventFactory

BLANK_FORM = {
    "kind": "event",
    "description": "",
    "start_time": "",
    "end_date": "",
    "end_time": "",
    "place": "Porin kaupungintalo",
    "online_url": "",
    "link": "",
    "poster_alt": "",
    "report": "",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def odd_events(association):
    """Rows as an old form, the admin or an import could have stored them."""
    return [
        EventFactory(association=association, title="Maailmanloppu", start_date=dt.date.max, start_time=None),
        EventFactory(
            association=association,
            title="Viimeinen ilta",
            start_date=dt.date.max,
            start_time=dt.time(23, 30),
            end_time=dt.time(23, 59),
        ),
        EventFactory(
            association=association, title="Ajanlaskun alku", start_date=dt.date.min, start_time=dt.time(0, 30)
        ),
        EventFactory(
            association=association,
            title="Ikuinen näyttely",
            start_date=dt.date.min,
            start_time=None,
            end_date=dt.date.max,
        ),
    ]


def test_no_page_or_feed_fails_on_a_stored_event_at_the_ends_of_the_calendar(client, association, odd_events):
    this_year = timezone.localdate().year
    urls = [
        "/en/",
        "/en/associations/events/",
        "/en/associations/events.ics",
        f"/en/associations/{association.slug}/",
        "/en/clock/",
        f"/en/clock/{this_year}/list/",
        "/en/clock/calendar.ics",
        *[event.get_absolute_url() for event in odd_events],
    ]

    statuses = {url: client.get(url).status_code for url in urls}

    assert statuses == dict.fromkeys(urls, 200)


def test_the_event_page_shows_the_far_date_and_valid_json_ld(client, odd_events):
    response = client.get(odd_events[0].get_absolute_url())

    html = response.content.decode()
    assert "Maailmanloppu" in html and "31 December 9999" in html
    data = json.loads(html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert data["startDate"] == "9999-12-31"


@pytest.mark.parametrize(
    ("field", "far"),
    [("start_date", dt.date(9999, 12, 31)), ("start_date", dt.date(1, 1, 1)), ("end_date", dt.date(9999, 12, 31))],
)
def test_an_event_date_far_from_today_is_refused_with_a_clear_message(client_for, association_member, field, far):
    start = timezone.localdate() + dt.timedelta(days=7)
    data = {
        **BLANK_FORM,
        "title": "Kaukainen juhla",
        "start_date": start.isoformat(),
        "start_time": "18:00",
        field: far.isoformat(),
    }

    response = client_for(association_member).post("/en/associations/events/new/", data)

    assert response.status_code == 200
    message = str(EVENT_DATE_OUT_OF_RANGE) % {"back": EVENT_YEARS_BACK, "ahead": EVENT_YEARS_AHEAD}
    assert message in response.content.decode()
    assert not Event.objects.filter(title="Kaukainen juhla").exists()


def test_an_event_within_the_bounds_is_accepted(client_for, association_member):
    start = timezone.localdate() + dt.timedelta(days=365 * (EVENT_YEARS_AHEAD - 1))
    data = {
        **BLANK_FORM,
        "title": "Pitkän tähtäimen juhla",
        "start_date": start.isoformat(),
        "start_time": "18:00",
    }

    response = client_for(association_member).post("/en/associations/events/new/", data)

    assert response.status_code == 302
    assert Event.objects.filter(title="Pitkän tähtäimen juhla").exists()


def test_the_linked_events_import_skips_an_event_with_a_date_out_of_bounds(association):
    association.linked_events_publisher = "ahjo:00001"
    association.save()
    item = {
        "id": "linkedevents:far",
        "publisher": "ahjo:00001",
        "name": {"fi": "Kaukainen tapahtuma"},
        "start_time": "9999-12-31T10:00:00Z",
        "last_modified_time": timezone.now().isoformat(),
    }

    report = import_events([item])

    assert not Event.objects.filter(external_id="linkedevents:far").exists()
    assert [external_id for external_id, _reason in report.skipped] == ["linkedevents:far"]


@pytest.mark.parametrize("year", [1, 9999])
def test_the_annual_clock_of_a_year_at_the_ends_of_the_calendar_does_not_fail(client, odd_events, year):
    statuses = [client.get(f"/en/clock/{year}/{suffix}").status_code for suffix in ("", "list/", "print/")]

    assert all(status in (200, 404) for status in statuses), statuses
