"""Deleting the account unlinks the person from their bookings; what the law keeps stays, nameless."""

import datetime as dt

import pytest
from django.utils import timezone

from facilities import mine, services
from facilities.models import Booking, BookingFeedback, SlotWatch
from portal.services.account_deletion import account_delete
from tests.facilities.conftest import at

pytestmark = pytest.mark.django_db


def test_deleting_the_account_erases_the_booker_and_keeps_the_times(room, association, association_admin, tuesday):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    week_ago = timezone.now() - dt.timedelta(days=7)
    past = services.booking_create(
        space=room,
        booker=association_admin,
        association=None,
        starts_at=at(yesterday, 18),
        ends_at=at(yesterday, 20),
        purpose="Syntymäpäivät, Maija Meikäläinen",
        attendees=5,
        now=week_ago,
    )
    services.feedback_give(booking=past, user=association_admin, rating=4, text="Maija kiittää")
    own_coming = services.booking_create(
        space=room,
        booker=association_admin,
        association=None,
        starts_at=at(tuesday, 10),
        ends_at=at(tuesday, 12),
        purpose="Oma juhla",
        attendees=5,
    )
    for_association = services.booking_create(
        space=room,
        booker=association_admin,
        association=association,
        starts_at=at(tuesday, 18),
        ends_at=at(tuesday, 20),
        purpose="Harjoitukset",
        attendees=10,
    )
    SlotWatch.objects.create(user=association_admin, space=room, starts_at=at(tuesday, 14), ends_at=at(tuesday, 15))

    kept = account_delete(user=association_admin, confirmed=True)

    assert str(mine.BOOKINGS_KEPT) in kept
    assert not Booking.objects.filter(booker=association_admin).exists()
    assert not Booking.history.filter(booker=association_admin).exists()
    assert not Booking.history.filter(history_user=association_admin).exists()
    assert not SlotWatch.objects.exists()
    past.refresh_from_db()
    own_coming.refresh_from_db()
    for_association.refresh_from_db()
    # The private booking's words and the feedback's text go; times, price and rating stay.
    assert (past.booker, past.purpose, past.starts_at) == (None, "", at(yesterday, 18))
    assert not Booking.history.filter(id=past.pk).exclude(purpose="").exists()
    assert BookingFeedback.objects.get(booking=past).text == ""
    assert BookingFeedback.objects.get(booking=past).rating == 4
    # One's own coming booking is cancelled (the time frees up); the association keeps its booking.
    assert own_coming.state == Booking.State.CANCELLED
    assert not own_coming.occupancies.filter(active=True).exists()
    assert (for_association.state, for_association.purpose, for_association.booker) == (
        Booking.State.CONFIRMED,
        "Harjoitukset",
        None,
    )


def test_an_account_without_bookings_keeps_nothing_here(outsider):
    assert mine.erase_bookings(outsider) == []


def test_my_data_lists_my_bookings(room, outsider, tuesday):
    services.booking_create(
        space=room,
        booker=outsider,
        association=None,
        starts_at=at(tuesday, 10),
        ends_at=at(tuesday, 12),
        purpose="Kerho",
        attendees=5,
    )
    data = mine.booking_data(outsider)
    assert [(b["purpose"], b["association"]) for b in data["bookings"]] == [("Kerho", None)]
