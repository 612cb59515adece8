"""An event's own .ics, and the events page's subscribable feed address."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.associations.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_an_event_has_its_own_ics(client, association):
    event = EventFactory(
        association=association, title="Kevätkisat", start_date=timezone.localdate() + dt.timedelta(days=3)
    )
    response = client.get(reverse("associations:event-ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "Kevätkisat" in body
    assert reverse("associations:event-ics", args=[event.pk]) in client.get(event.get_absolute_url()).content.decode()


def test_an_unpublished_event_has_no_ics_for_strangers(client, association):
    event = EventFactory(association=association, moderation_state="pending")
    assert client.get(reverse("associations:event-ics", args=[event.pk])).status_code == 404


def test_events_page_offers_the_feed_address_on_the_host_served(client, association):
    page = client.get(reverse("associations:event-list"), {"q": "kisat", "page": "1"}, HTTP_HOST="127.0.0.1:8101")
    html = page.content.decode()
    assert 'value="http://127.0.0.1:8101/fi/associations/events.ics?q=kisat"' in html
    assert 'href="webcal://127.0.0.1:8101/fi/associations/events.ics?q=kisat"' in html


def test_event_shows_address_price_and_accessibility_and_its_ics_carries_them(client, association):
    event = EventFactory(
        association=association,
        title="Kevätkisat",
        start_date=timezone.localdate() + dt.timedelta(days=3),
        place="Porin urheilutalo",
        address="Pohjoisranta 11, 28100 Pori",
        price="5 €, lapset ilmaiseksi",
        accessibility="Esteetön sisäänkäynti, induktiosilmukka.",
    )
    page = client.get(event.get_absolute_url()).content.decode()
    for text in ("Pohjoisranta 11, 28100 Pori", "5 €, lapset ilmaiseksi", "induktiosilmukka"):
        assert text in page
    body = client.get(reverse("associations:event-ics", args=[event.pk])).content.decode().replace("\r\n ", "")
    assert "Pohjoisranta 11" in body and "induktiosilmukka" in body


def test_approval_email_promises_only_what_exists_and_links_my_page(association, staff):
    from associations.models import Membership
    from associations.services import memberships
    from portal.models import Notification
    from tests.factories import MembershipFactory

    membership = MembershipFactory(association=association, state=Membership.State.PENDING, approved_at=None)
    memberships.membership_approve(membership=membership, user=staff)
    body = Notification.objects.get(template="membership-approved").body_text
    assert "bookings" not in body
    assert "/mine/" in body
