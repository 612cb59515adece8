"""The wheel and the front page's "coming up" come from the cache (portal.datacache) while nothing
they show has changed, in a constant number of queries, and show any change on the next request."""

import datetime as dt

import pytest

from annualclock.models import Kind
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory
from tests.associations.factories import EventFactory
from tests.dates import days_ahead, local, this_year

pytestmark = pytest.mark.django_db
WHEEL = "/en/clock/"


def wheel(client):
    response = client.get(WHEEL)
    assert response.status_code == 200
    return response.content.decode()


def wheel_body(html):
    """The list by month and the wheel: the part of the page that is cached."""
    return html[html.index('<section class="clock-list-first"') : html.index("</figure>")]


def test_a_warm_wheel_is_one_query_whatever_the_year_holds(client, django_assert_max_num_queries):
    year = this_year()
    for month in range(1, 13):
        ClockEntryFactory(year=year, month=month, kind=Kind.WORKSHOP, title=f"Työpaja {month}")
        EventFactory(start_date=dt.date(year, month, 10))
        MeetingFactory(
            starts_at=local(dt.date(year, month, 5), dt.time(17)), ends_at=local(dt.date(year, month, 5), dt.time(19))
        )
    cold = wheel(client)

    with django_assert_max_num_queries(1):  # the data version only
        warm = wheel(client)
    assert wheel_body(warm) == wheel_body(cold) and "Työpaja 12" in wheel_body(warm)


def test_the_wheel_shows_a_change_at_once(client, working_group):
    year = this_year()
    entry = ClockEntryFactory(year=year, month=6, kind=Kind.WORKSHOP, title="Työpaja yhdistyksille")
    meeting_day = dt.date(year, 6, 10)
    MeetingFactory(
        forum=working_group, starts_at=local(meeting_day, dt.time(17)), ends_at=local(meeting_day, dt.time(19))
    )
    event = EventFactory(start_date=dt.date(year, 6, 12))
    assert "Työpaja yhdistyksille" in wheel(client) and "1 association event this month" in wheel(client)

    entry.title = "Avustustyöpaja"
    entry.save()
    assert "Avustustyöpaja" in wheel(client)

    working_group.name = "Yhdistysfoorumi"  # a forum has no edit time: its rows are the version
    working_group.save()
    assert "Yhdistysfoorumi" in wheel(client)  # the meeting's audience

    EventFactory(start_date=dt.date(year, 6, 20), association=event.association)
    assert "2 association events this month" in wheel(client)

    event.association.is_public = False  # a hidden association's events leave the counts
    event.association.save()
    assert "association events this month" not in wheel(client)


def test_coming_up_shows_a_new_meeting_and_an_association_rename_at_once(client, working_group):
    event = EventFactory(title="Kevätkisat", start_date=days_ahead(3))
    home = client.get("/en/").content.decode()
    assert "Kevätkisat" in home and "Uusi kokous" not in home

    MeetingFactory(
        title="Uusi kokous",
        forum=working_group,
        starts_at=local(days_ahead(2), dt.time(17)),
        ends_at=local(days_ahead(2), dt.time(19)),
    )
    event.association.name = "Porin Uusi Nimi ry"
    event.association.save()

    home = client.get("/en/").content.decode()
    assert "Uusi kokous" in home
    assert "For: Porin Uusi Nimi ry" in home  # coming up
    assert "· Porin Uusi Nimi ry" in home  # the front page's events block


def test_a_warm_front_page_asks_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for n in range(10):
        EventFactory(start_date=days_ahead(1 + n))
        MeetingFactory(starts_at=local(days_ahead(1 + n), dt.time(17)), ends_at=local(days_ahead(1 + n), dt.time(19)))
    client.get("/en/")

    with django_assert_max_num_queries(2):  # coming up's data version, the events block's
        assert client.get("/en/").status_code == 200
