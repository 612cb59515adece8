""" "Tell me if this time frees up": a taken time watched, e-mailed once when it frees."""

import pytest
from django.core.exceptions import ValidationError

from facilities import services
from facilities.models import SlotWatch
from portal.models import Notification
from tests.facilities.conftest import at

pytestmark = pytest.mark.django_db


def book(space, user, day, start, end):
    return services.booking_create(
        space=space,
        booker=user,
        association=None,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose="Vuoro",
        attendees=5,
    )


def test_a_watcher_is_mailed_once_when_the_taken_time_is_cancelled(
    client_for, hall, half_a, outsider, association_member, tuesday
):
    booking = book(half_a, outsider, tuesday, 18, 20)
    client = client_for(association_member)
    response = client.post(
        f"/en/facilities/spaces/{hall.slug}/watch/",
        {"starts_at": at(tuesday, 18).isoformat(), "ends_at": at(tuesday, 20).isoformat()},
        follow=True,
    )
    assert "We will e-mail you if this time frees up." in response.content.decode()
    assert SlotWatch.objects.filter(user=association_member, space=hall).count() == 1

    services.booking_cancel(booking=booking, user=outsider)
    mail = Notification.objects.get(to=association_member.email, template="slot-freed")
    assert f"/facilities/spaces/{hall.slug}/book/?date={tuesday.isoformat()}" in mail.body_text
    assert SlotWatch.objects.get().notified_at is not None


def test_a_watch_is_not_told_while_another_booking_still_holds_the_time(
    hall, half_a, half_b, outsider, association_member, tuesday
):
    first = book(half_a, outsider, tuesday, 18, 20)
    book(half_b, outsider, tuesday, 18, 20)
    services.slot_watch_create(user=association_member, space=hall, starts_at=at(tuesday, 18), ends_at=at(tuesday, 20))
    services.booking_cancel(booking=first, user=outsider)
    assert not Notification.objects.filter(template="slot-freed").exists()


def test_watching_a_free_time_says_it_can_be_booked(room, association_member, tuesday):
    with pytest.raises(ValidationError) as excinfo:
        services.slot_watch_create(
            user=association_member, space=room, starts_at=at(tuesday, 18), ends_at=at(tuesday, 20)
        )
    assert excinfo.value.messages == [str(services.WATCH_NOT_TAKEN)]
    assert SlotWatch.objects.count() == 0


def test_a_garbled_time_gets_a_message_not_an_error(client_for, room, association_member):
    response = client_for(association_member).post(
        f"/en/facilities/spaces/{room.slug}/watch/", {"starts_at": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "The time could not be read." in response.content.decode()


def test_the_week_view_offers_to_watch_a_taken_time(client_for, room, outsider, association_member, tuesday):
    book(room, outsider, tuesday, 18, 20)
    html = (
        client_for(association_member)
        .get(f"/en/facilities/spaces/{room.slug}/", {"week": tuesday.isoformat()})
        .content.decode()
    )
    assert "tell me if it frees up" in html
