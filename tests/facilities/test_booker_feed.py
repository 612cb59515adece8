"""The booker's private calendar feed: made on request, addressed by its token, only their own
bookings, retired when a new link is made (issue 11: iCalendar per booker)."""

import pytest
from icalendar import Calendar

from facilities import services
from facilities.models import BookerFeed
from tests.facilities.conftest import at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def book(space, user, day, start, end, purpose="Kuoroharjoitus"):
    return services.booking_create(
        space=space,
        booker=user,
        association=None,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose=purpose,
        attendees=5,
    )


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def make_link(client):
    response = client.post("/en/facilities/bookings/calendar-link/")
    assert response.status_code == 302
    return response


def test_my_bookings_page_does_not_make_a_link_on_a_mere_visit(client_for, outsider):
    page = client_for(outsider).get("/en/facilities/bookings/")
    assert page.status_code == 200 and "Make a calendar link" in page.content.decode()
    assert not BookerFeed.objects.exists()


def test_the_feed_has_my_bookings_and_only_mine(client_for, outsider, room, tuesday):
    mine = book(room, outsider, tuesday, 10, 12, purpose="Oma kuoro")
    book(room, UserFactory(), tuesday, 14, 16, purpose="Joku muu")
    client = client_for(outsider)
    make_link(client)
    feed = BookerFeed.objects.get(user=outsider)
    page = client.get("/en/facilities/bookings/").content.decode()
    assert feed.token in page
    (event,) = events(client_for(None).get(feed.get_absolute_url()))  # a calendar app: not signed in
    assert str(event["uid"]).startswith(f"booking-{mine.pk}@")
    assert "Oma kuoro" in str(event["summary"]) and str(event["status"]) == "CONFIRMED"


def test_a_cancelled_booking_stays_in_the_feed_as_cancelled(client_for, outsider, room, tuesday):
    booking = book(room, outsider, tuesday, 10, 12)
    services.booking_cancel(booking=booking, user=outsider)
    feed = services.booker_feed_renew(user=outsider)
    (event,) = events(client_for(None).get(feed.get_absolute_url()))
    assert str(event["status"]) == "CANCELLED"


def test_an_unknown_token_is_a_404(client_for):
    assert client_for(None).get("/en/facilities/bookings/feed/not-a-token/bookings.ics").status_code == 404


def test_a_new_link_retires_the_old_one(client_for, outsider, room, tuesday):
    book(room, outsider, tuesday, 10, 12)
    old = services.booker_feed_renew(user=outsider).get_absolute_url()
    client = client_for(outsider)
    make_link(client)
    new = BookerFeed.objects.get(user=outsider).get_absolute_url()
    assert new != old
    assert client_for(None).get(old).status_code == 404
    assert len(events(client_for(None).get(new))) == 1


def test_another_user_sees_neither_my_link_nor_my_bookings(client_for, outsider, association_member, room, tuesday):
    book(room, outsider, tuesday, 10, 12, purpose="Oma kuoro")
    feed = services.booker_feed_renew(user=outsider)
    other = client_for(association_member)
    page = other.get("/en/facilities/bookings/").content.decode()
    assert feed.token not in page and "Oma kuoro" not in page
    make_link(other)
    theirs = BookerFeed.objects.get(user=association_member)
    assert events(client_for(None).get(theirs.get_absolute_url())) == []


def test_making_a_link_needs_a_signed_in_user_and_a_post(client_for, outsider):
    anonymous = client_for(None).post("/en/facilities/bookings/calendar-link/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for(outsider).get("/en/facilities/bookings/calendar-link/").status_code == 405
    assert not BookerFeed.objects.exists()


def test_a_deactivated_users_feed_stops(client_for, outsider):
    feed = services.booker_feed_renew(user=outsider)
    outsider.is_active = False
    outsider.save()
    assert client_for(None).get(feed.get_absolute_url()).status_code == 404
