"""The unfiltered events list comes from the cache (portal.datacache) while no event or association
has changed, in a constant number of queries, and shows any change on the next request."""

import pytest

from tests.associations.factories import EventFactory
from tests.dates import days_ahead

pytestmark = pytest.mark.django_db
EVENTS = "/en/associations/events/"


def events_page(client, path=EVENTS):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_warm_events_list_asks_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for n in range(25):
        EventFactory(title=f"Tapahtuma {n}", start_date=days_ahead(1 + n))
    cold = events_page(client)

    with django_assert_max_num_queries(3):  # the data version and the filter form's two lists
        warm = events_page(client)
    assert ">25 events<" in warm and "Tapahtuma 0" in warm and "Page 1 of 2" in warm
    assert warm.count('class="card event-card"') == cold.count('class="card event-card"') == 20


def test_the_events_list_shows_a_change_at_once(client):
    event = EventFactory(title="Kevätkisat", start_date=days_ahead(3))
    assert ">1 event<" in events_page(client)

    EventFactory(title="Syysmarkkinat", start_date=days_ahead(4), association=event.association)
    html = events_page(client)
    assert ">2 events<" in html and "Syysmarkkinat" in html

    event.title = "Kevätkisat ja arpajaiset"
    event.save()
    assert "Kevätkisat ja arpajaiset" in events_page(client)

    event.association.name = "Porin Uusi Nimi ry"
    event.association.save()
    assert "Porin Uusi Nimi ry" in events_page(client)

    event.association.is_public = False
    event.association.save()
    assert "No events match." in events_page(client)


def test_pages_and_filters_of_the_list_are_their_own(client):
    for n in range(20):
        EventFactory(title=f"Tapahtuma {n:02}", start_date=days_ahead(1 + n))
    EventFactory(title="Kevätkisat", start_date=days_ahead(30))
    events_page(client)

    assert "Kevätkisat" in events_page(client, EVENTS + "?page=2")
    assert "Kevätkisat" in events_page(client, EVENTS + "?page=99")  # the last page
    html = events_page(client, EVENTS + "?q=Kev%C3%A4tkisat")
    assert ">1 event<" in html and "Kevätkisat" in html and "Tapahtuma 00" not in html
