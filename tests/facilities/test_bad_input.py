"""Bad input to a booking: a clear message for each, and nothing saved or mailed (issue 11)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from facilities import services
from facilities.models import Booking, Closure, Occupancy
from portal.models import Notification
from tests.facilities.conftest import at, next_weekday
from tests.factories import AssociationFactory

pytestmark = pytest.mark.django_db


def refused(space, user, starts_at, ends_at, *, association=None, attendees=5, purpose="Harjoitus"):
    with pytest.raises(ValidationError) as excinfo:
        services.booking_create(
            space=space,
            booker=user,
            association=association,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
            attendees=attendees,
        )
    assert Booking.objects.count() == 0
    assert Occupancy.objects.count() == 0
    assert Notification.objects.count() == 0
    return excinfo.value.messages


def test_a_booking_that_ends_before_it_starts_is_refused(room, outsider, tuesday):
    assert refused(room, outsider, at(tuesday, 20), at(tuesday, 18)) == [str(services.END_BEFORE_START)]


def test_a_zero_minute_booking_is_refused(room, outsider, tuesday):
    assert refused(room, outsider, at(tuesday, 18), at(tuesday, 18)) == [str(services.TOO_SHORT)]


def test_a_thirty_day_booking_is_refused(room, outsider, tuesday):
    end = at(tuesday + dt.timedelta(days=30), 18)
    assert refused(room, outsider, at(tuesday, 18), end) == [str(services.TOO_LONG)]


def test_a_booking_outside_the_bookable_hours_is_refused(room, outsider, tuesday):
    assert refused(room, outsider, at(tuesday, 21), at(tuesday, 23)) == [str(services.OUTSIDE_HOURS)]
    assert refused(room, outsider, at(tuesday, 6), at(tuesday, 8)) == [str(services.OUTSIDE_HOURS)]


def test_a_booking_outside_the_season_is_refused(room, outsider, tuesday):
    room.hours.update(valid_until=tuesday - dt.timedelta(days=1))
    assert refused(room, outsider, at(tuesday, 18), at(tuesday, 20)) == [str(services.OUTSIDE_HOURS)]


def test_a_booking_at_an_odd_start_time_is_refused(room, outsider, tuesday):
    assert refused(room, outsider, at(tuesday, 18, 10), at(tuesday, 19, 10)) == [str(services.BAD_START)]


def test_a_booking_in_a_closure_of_the_space_is_refused(room, outsider, tuesday):
    Closure.objects.create(space=room, starts_at=at(tuesday, 0), ends_at=at(tuesday, 23), reason="Remontti")
    assert refused(room, outsider, at(tuesday, 18), at(tuesday, 20)) == [str(services.CLOSED)]


def test_a_closure_of_the_whole_facility_or_of_a_half_closes_the_hall(hall, half_a, outsider, tuesday):
    Closure.objects.create(space=half_a, starts_at=at(tuesday, 17), ends_at=at(tuesday, 19), reason="Lattiatyö")
    assert refused(hall, outsider, at(tuesday, 18), at(tuesday, 20)) == [str(services.CLOSED)]
    wednesday = tuesday + dt.timedelta(days=1)
    Closure.objects.create(
        facility=hall.facility, starts_at=at(wednesday, 0), ends_at=at(wednesday, 23), reason="Joulu"
    )
    assert refused(half_a, outsider, at(wednesday, 18), at(wednesday, 20)) == [str(services.CLOSED)]


def test_a_booking_in_the_past_is_refused(room, outsider):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert refused(room, outsider, at(yesterday, 18), at(yesterday, 20)) == [str(services.IN_THE_PAST)]


def test_a_booking_beyond_the_horizon_is_refused(room, outsider):
    far = next_weekday(1, at_least_days=room.horizon_days + 1)
    assert refused(room, outsider, at(far, 18), at(far, 20)) == [str(services.BEYOND_HORIZON)]


def test_a_booking_for_an_association_one_does_not_represent_is_refused(room, outsider, tuesday):
    other = AssociationFactory(name="Vieras ry")
    messages = refused(room, outsider, at(tuesday, 18), at(tuesday, 20), association=other)
    assert messages == [str(services.NOT_REPRESENTATIVE)]


def test_a_pending_representative_cannot_book_for_the_association_yet(room, association, tuesday):
    from tests.factories import MembershipFactory

    pending = MembershipFactory(association=association, state="pending").user
    messages = refused(room, pending, at(tuesday, 18), at(tuesday, 20), association=association)
    assert messages == [str(services.NOT_REPRESENTATIVE)]


def test_more_attendees_than_the_space_holds_is_refused(room, outsider, tuesday):
    assert refused(room, outsider, at(tuesday, 18), at(tuesday, 20), attendees=13) == [str(services.OVER_CAPACITY)]


def test_a_booking_without_a_purpose_is_refused(room, outsider, tuesday):
    assert refused(room, outsider, at(tuesday, 18), at(tuesday, 20), purpose="  ") == [str(services.PURPOSE_REQUIRED)]
