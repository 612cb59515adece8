"""Booking a space: occupancy of atomic spaces, prices and terms frozen, approval, cancellation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from facilities import services
from facilities.models import OCCUPANCY_CONSTRAINT, Booking, Occupancy
from portal.models import Notification
from tests.facilities.conftest import at
from tests.facilities.factories import PriceRuleFactory
from tests.factories import AssociationFactory

pytestmark = pytest.mark.django_db


def book(space, user, day, start, end, association=None, **kwargs):
    return services.booking_create(
        space=space,
        booker=user,
        association=association,
        starts_at=at(day, *start) if isinstance(start, tuple) else at(day, start),
        ends_at=at(day, *end) if isinstance(end, tuple) else at(day, end),
        purpose=kwargs.pop("purpose", "Salibandyharjoitus"),
        attendees=kwargs.pop("attendees", 10),
        **kwargs,
    )


def messages_of(excinfo):
    return excinfo.value.messages


def test_booking_a_room_for_the_association_is_confirmed_and_occupies_the_room(
    room, association, association_member, tuesday
):
    booking = book(room, association_member, tuesday, 18, 20, association=association, attendees=10)
    assert booking.state == Booking.State.CONFIRMED
    assert booking.customer_group == "association"
    assert list(booking.occupancies.values_list("space_id", flat=True)) == [room.pk]
    mail = Notification.objects.get(to=association_member.email)
    assert mail.template == "booking-confirmed"
    assert f"/facilities/bookings/{booking.pk}/booking.ics" in mail.body_text
    assert booking.history.count() == 1


def test_booking_the_whole_hall_occupies_both_halves(hall, half_a, half_b, outsider, tuesday):
    booking = book(hall, outsider, tuesday, 18, 20)
    assert sorted(booking.occupancies.values_list("space_id", flat=True)) == sorted([half_a.pk, half_b.pk])
    assert booking.customer_group == "resident"


def test_a_booked_half_makes_the_whole_hall_taken_but_not_the_other_half(hall, half_a, half_b, outsider, tuesday):
    book(half_a, outsider, tuesday, 18, 20)
    with pytest.raises(ValidationError) as excinfo:
        book(hall, outsider, tuesday, 19, 21)
    assert messages_of(excinfo) == [str(services.TAKEN)]
    other = book(half_b, outsider, tuesday, 18, 20)
    assert other.state == Booking.State.CONFIRMED


def test_a_booked_hall_makes_each_half_taken(hall, half_a, half_b, outsider, tuesday):
    book(hall, outsider, tuesday, 18, 20)
    for half in (half_a, half_b):
        with pytest.raises(ValidationError) as excinfo:
            book(half, outsider, tuesday, 19, 20)
        assert messages_of(excinfo) == [str(services.TAKEN)]
    assert Booking.objects.count() == 1


def test_back_to_back_bookings_fit_and_the_buffer_keeps_time_free_after_a_booking(room, outsider, tuesday):
    book(room, outsider, tuesday, 16, 18)
    book(room, outsider, tuesday, 18, 19)  # back to back: ranges are half-open
    room.buffer_minutes = 30
    room.save()
    book(room, outsider, tuesday, 19, 20)  # 18–19 was booked without a buffer
    with pytest.raises(ValidationError) as excinfo:
        book(room, outsider, tuesday, 20, 21)  # 19–20 holds the room until 20:30
    assert messages_of(excinfo) == [str(services.TAKEN)]
    assert book(room, outsider, tuesday, (20, 30), (21, 30)).state == Booking.State.CONFIRMED


def test_the_price_is_computed_by_band_and_frozen_on_the_booking(room, association, association_member):
    PriceRuleFactory(space=room, customer_group="association", price_per_hour=Decimal("8.00"))
    PriceRuleFactory(
        space=room,
        customer_group="association",
        days="weekdays",
        from_time=dt.time(16),
        price_per_hour=Decimal("12.00"),
    )
    PriceRuleFactory(space=room, customer_group="resident", price_per_hour=Decimal("20.00"))
    day = timezone.localdate() + dt.timedelta(days=3)
    day += dt.timedelta(days=(0 - day.weekday()) % 7)  # a Monday
    booking = book(room, association_member, day, 15, 17, association=association, attendees=5)
    assert booking.price == Decimal("20.00")  # 15–16 at 8 €, 16–17 at 12 €
    assert {line["per_hour"] for line in booking.terms["price_lines"]} == {"8.00", "12.00"}
    room.prices.update(price_per_hour=Decimal("99.00"))
    booking.refresh_from_db()
    assert booking.price == Decimal("20.00")


def test_free_use_decided_by_the_city_costs_nothing(room, association, association_member, tuesday):
    PriceRuleFactory(space=room, customer_group="association", price_per_hour=Decimal("15.00"), is_free=True)
    booking = book(room, association_member, tuesday, 18, 20, association=association, attendees=5)
    assert booking.price == Decimal("0.00")
    assert booking.terms["price_lines"][0]["free"] is True


def test_an_informal_group_books_at_the_informal_group_price(room, tuesday):
    from tests.factories import MembershipFactory

    group = AssociationFactory(kind="informal")
    member = MembershipFactory(association=group, role="admin").user
    booking = book(room, member, tuesday, 18, 19, association=group, attendees=5)
    assert booking.customer_group == "informal_group"


def test_a_booking_waiting_for_approval_holds_the_time_until_staff_decide(room, outsider, staff, tuesday):
    room.requires_approval = True
    room.save()
    booking = book(room, outsider, tuesday, 18, 20, attendees=5)
    assert booking.state == Booking.State.REQUESTED
    assert Notification.objects.get(to=outsider.email).template == "booking-received"
    with pytest.raises(ValidationError):
        book(room, outsider, tuesday, 19, 20, attendees=5)
    services.booking_approve(booking=booking, user=staff)
    booking.refresh_from_db()
    assert booking.state == Booking.State.CONFIRMED and booking.decided_by == staff
    confirmed = Notification.objects.get(to=outsider.email, template="booking-confirmed")
    assert "booking.ics" in confirmed.body_text


def test_declining_needs_a_reason_and_frees_the_time(room, outsider, staff, tuesday):
    room.requires_approval = True
    room.save()
    booking = book(room, outsider, tuesday, 18, 20, attendees=5)
    with pytest.raises(ValidationError) as excinfo:
        services.booking_decline(booking=booking, user=staff, reason="  ")
    assert messages_of(excinfo) == [str(services.REASON_REQUIRED)]
    services.booking_decline(booking=booking, user=staff, reason="Sali on remontissa.")
    booking.refresh_from_db()
    assert booking.state == Booking.State.DECLINED
    assert not booking.occupancies.filter(active=True).exists()
    mail = Notification.objects.get(to=outsider.email, template="booking-declined")
    assert "Sali on remontissa." in mail.body_text
    assert book(room, outsider, tuesday, 18, 20, attendees=5).state == Booking.State.REQUESTED
    with pytest.raises(ValidationError) as excinfo:
        services.booking_approve(booking=booking, user=staff)
    assert messages_of(excinfo) == [str(services.NOT_WAITING)]


def test_cancelling_before_the_frozen_deadline_frees_the_time(room, outsider, tuesday):
    booking = book(room, outsider, tuesday, 18, 20, attendees=5)
    services.booking_cancel(booking=booking, user=outsider)
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED
    assert not Occupancy.objects.filter(booking=booking, active=True).exists()
    assert Notification.objects.filter(to=outsider.email, template="booking-cancelled").exists()
    assert book(room, outsider, tuesday, 18, 20, attendees=5).is_active


def test_cancelling_after_the_deadline_frozen_on_the_booking_is_refused(room, outsider, tuesday):
    booking = book(room, outsider, tuesday, 18, 20, attendees=5)
    room.cancellation_hours = 0  # a later change of the rules does not apply to this booking
    room.save()
    late = booking.starts_at - dt.timedelta(hours=47)
    with pytest.raises(ValidationError) as excinfo:
        services.booking_cancel(booking=booking, user=outsider, now=late)
    assert messages_of(excinfo) == [str(services.CANCEL_TOO_LATE)]
    booking.refresh_from_db()
    assert booking.state == Booking.State.CONFIRMED


def test_only_the_booker_may_cancel(room, outsider, association_member, tuesday):
    booking = book(room, outsider, tuesday, 18, 20, attendees=5)
    with pytest.raises(ValidationError) as excinfo:
        services.booking_cancel(booking=booking, user=association_member)
    assert messages_of(excinfo) == [str(services.NOT_YOURS)]


def test_when_the_check_misses_an_overlap_the_constraint_still_gives_the_clear_message(
    room, outsider, tuesday, monkeypatch
):
    book(room, outsider, tuesday, 18, 20, attendees=5)
    monkeypatch.setattr(services, "overlaps", lambda atoms, during: False)
    with pytest.raises(ValidationError) as excinfo:
        book(room, outsider, tuesday, 19, 21, attendees=5)
    assert messages_of(excinfo) == [str(services.TAKEN)]
    assert Booking.objects.count() == 1


def test_the_database_refuses_overlapping_active_occupancy_of_one_atom(room, outsider, tuesday):
    book(room, outsider, tuesday, 18, 20, attendees=5)
    other = Booking.objects.create(
        space=room, booker=outsider, starts_at=at(tuesday, 19), ends_at=at(tuesday, 21), purpose="Ohi", attendees=1
    )
    during = services.occupied_range(starts_at=other.starts_at, ends_at=other.ends_at, buffer_minutes=0)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        Occupancy.objects.create(booking=other, space=room, during=during, active=True)
    assert excinfo.value.__cause__.diag.constraint_name == OCCUPANCY_CONSTRAINT
    # An inactive row (a cancelled booking's) does not count.
    Occupancy.objects.create(booking=other, space=room, during=during, active=False)


# --- The cheap refusal (contention) -------------------------------------------------------------
def test_a_refused_attempt_on_a_taken_time_costs_one_query_and_no_transaction(
    hall, half_a, half_b, outsider, tuesday, django_assert_num_queries
):
    book(half_a, outsider, tuesday, 18, 20)
    with django_assert_num_queries(1), pytest.raises(ValidationError) as excinfo:
        book(hall, outsider, tuesday, 19, 21)
    assert messages_of(excinfo) == [str(services.TAKEN)]


def test_the_rules_are_read_from_the_database_not_from_the_callers_copy(room, outsider, tuesday):
    stale = type(room).objects.get(pk=room.pk)  # loaded before staff set a 30-minute buffer
    room.buffer_minutes = 30
    room.save()
    book(room, outsider, tuesday, 18, 20)
    with pytest.raises(ValidationError) as excinfo:
        book(stale, outsider, tuesday, 20, 22)  # 20:00 is inside the first booking's buffer
    assert messages_of(excinfo) == [str(services.TAKEN)]
    booking = book(stale, outsider, tuesday, 21, 22)
    (occupancy,) = booking.occupancies.all()
    assert occupancy.during.upper == at(tuesday, 22, 30)


def test_a_space_made_unbookable_since_the_caller_loaded_it_is_refused(room, outsider, tuesday):
    stale = type(room).objects.get(pk=room.pk)
    room.is_bookable = False
    room.save()
    with pytest.raises(ValidationError) as excinfo:
        book(stale, outsider, tuesday, 18, 20)
    assert messages_of(excinfo) == [str(services.NOT_BOOKABLE)]


def test_a_closure_of_the_whole_facility_refuses_every_space(hall, half_a, room, outsider, tuesday):
    from facilities.models import Closure

    Closure.objects.create(facility=hall.facility, starts_at=at(tuesday, 17), ends_at=at(tuesday, 19), reason="Katko")
    for space in (half_a, room):
        with pytest.raises(ValidationError) as excinfo:
            book(space, outsider, tuesday, 18, 20)
        assert messages_of(excinfo) == [str(services.CLOSED)]
    assert book(room, outsider, tuesday, 19, 21).state == Booking.State.CONFIRMED


def test_seasonal_bookable_hours_apply_only_within_their_season(outsider, tuesday, facility):
    """The snapshot reads each window's season (dates) and times from the database."""
    import datetime as dt

    from tests.facilities.factories import BookableHoursFactory, SpaceFactory

    gym = SpaceFactory(facility=facility, name="Kesäsali", slug="kesasali")
    BookableHoursFactory(
        space=gym,
        weekday=tuesday.weekday(),
        starts=dt.time(16, 30),
        ends=dt.time(21),
        valid_from=tuesday,
        valid_until=tuesday + dt.timedelta(days=7),
    )
    assert book(gym, outsider, tuesday, (16, 30), (18, 30)).state == Booking.State.CONFIRMED
    with pytest.raises(ValidationError) as excinfo:
        book(gym, outsider, tuesday + dt.timedelta(days=14), 17, 19)  # after the season
    assert messages_of(excinfo) == [str(services.OUTSIDE_HOURS)]
    with pytest.raises(ValidationError) as excinfo:
        book(gym, outsider, tuesday, 20, 22)  # past the window's end
    assert messages_of(excinfo) == [str(services.OUTSIDE_HOURS)]
