"""The events feed is cached by the events' data version: new, edited and deleted events show
at once, and an unchanged feed is not serialised again."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from associations.models import Event
from tests.associations.factories import EventFactory
from tests.dates import days_ago, days_ahead

pytestmark = pytest.mark.django_db
FEED = "/en/associations/events.ics"


def feed(client, path=FEED):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return sorted(str(event["summary"]) for event in Calendar.from_ical(response.content).walk("VEVENT"))


def test_a_new_edited_or_deleted_event_shows_in_the_feed_at_once(client):
    first = EventFactory(title="Kevätkisat")
    assert feed(client) == ["Kevätkisat"]

    second = EventFactory(title="Syysmarkkinat")
    assert feed(client) == ["Kevätkisat", "Syysmarkkinat"]

    second.title = "Syysmarkkinat ja arpajaiset"
    second.save()
    assert feed(client) == ["Kevätkisat", "Syysmarkkinat ja arpajaiset"]

    Event.objects.filter(pk=first.pk).delete()
    assert feed(client) == ["Syysmarkkinat ja arpajaiset"]


def test_an_unchanged_feed_comes_from_the_cache(client):
    for n in range(5):
        EventFactory(title=f"Tapahtuma {n}")
    feed(client)

    with CaptureQueriesContext(connection) as captured:
        assert len(feed(client)) == 5
    assert len(captured) <= 2  # the data version (and the session's language, if any), no events


def test_filters_and_languages_have_their_own_feeds(client):
    EventFactory(title="Kisat")
    EventFactory(title="Konsertti")

    assert feed(client, FEED + "?q=kisat") == ["Kisat"]
    assert feed(client) == ["Kisat", "Konsertti"]
    fi = Calendar.from_ical(client.get("/fi/associations/events.ics").content)
    en = Calendar.from_ical(client.get(FEED).content)
    assert str(fi["x-wr-calname"]).startswith("Yhdistysten tapahtumat")
    assert str(en["x-wr-calname"]).startswith("Association events")


def test_the_feed_window_is_upcoming_and_start_reaches_back(client):
    EventFactory(title="Mennyt", start_date=days_ago(40), start_time=dt.time(18))
    EventFactory(title="Tuleva", start_date=days_ahead(3))

    assert feed(client) == ["Tuleva"]
    assert feed(client, f"{FEED}?start={days_ago(60).isoformat()}") == ["Mennyt", "Tuleva"]


def test_an_association_renamed_or_hidden_shows_in_the_feed_at_once(client):
    event = EventFactory(title="Kevätkisat")
    assert "Porin Uusi Nimi ry" not in client.get(FEED).content.decode()

    event.association.name = "Porin Uusi Nimi ry"
    event.association.save()
    assert "Porin Uusi Nimi ry" in client.get(FEED).content.decode()  # the organizer

    event.association.is_public = False
    event.association.save()
    assert feed(client) == []
