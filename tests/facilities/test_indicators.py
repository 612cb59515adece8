"""Utilisation and the associations' share, with numbers worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from facilities import services
from facilities.selectors import utilisation_report
from portal.registries import get_indicator
from tests.facilities.conftest import at, next_weekday
from tests.facilities.factories import FacilityFactory, SpaceFactory, every_day
from tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db


def book(space, user, day, start, end, association=None):
    return services.booking_create(
        space=space,
        booker=user,
        association=association,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose="Vuoro",
        attendees=5,
    )


@pytest.fixture
def week(hall, half_a, half_b, room, association, association_member, outsider):
    """Halves bookable 14 h a day: 2 × 98 h in a week. The meeting room is not shared-use."""
    monday = next_weekday(0)
    book(hall, association_member, monday + dt.timedelta(days=1), 18, 20, association=association)  # 2 h × 2 halves
    book(half_a, outsider, monday + dt.timedelta(days=2), 18, 21)  # 3 h
    book(room, outsider, monday + dt.timedelta(days=2), 18, 21)  # not shared-use: not counted
    cancelled = book(half_b, outsider, monday + dt.timedelta(days=3), 18, 20)
    services.booking_cancel(booking=cancelled, user=outsider)
    return monday


def test_utilisation_counts_booked_hours_on_each_half_against_their_bookable_hours(week, hall, half_a, half_b):
    report = utilisation_report(start=week, end=week + dt.timedelta(days=7))
    assert set(report.spaces) == {half_a, half_b}
    assert report.spaces[half_a].booked_hours == 5 and report.spaces[half_a].bookable_hours == 98
    assert report.spaces[half_b].booked_hours == 2
    assert report.total.booked_hours == 7 and report.total.bookable_hours == 196
    assert report.total.utilisation == Decimal("3.6")  # 7 / 196
    assert report.total.association_share == Decimal("57.1")  # 4 of 7 hours
    assert report.facilities[hall.facility].utilisation == Decimal("3.6")


def test_utilisation_by_service_area(week, hall, outsider):
    west = ServiceAreaFactory(name="Länsi")
    hall.facility.service_area = west
    hall.facility.save()
    east_gym = SpaceFactory(facility=FacilityFactory(service_area=ServiceAreaFactory(name="Itä")))
    every_day(east_gym, ends=dt.time(10))  # 2 h a day: 14 h a week
    book(east_gym, outsider, week + dt.timedelta(days=1), 8, 10)
    report = utilisation_report(start=week, end=week + dt.timedelta(days=7))
    assert report.service_areas[west].utilisation == Decimal("3.6")
    assert report.service_areas[east_gym.facility.service_area].utilisation == Decimal("14.3")  # 2 / 14


def test_the_indicators_are_registered_and_compute_the_year(week):
    year = (week + dt.timedelta(days=1)).year
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    utilisation = get_indicator("facilities.shared_use_utilisation").value_for(year)
    share = get_indicator("facilities.association_share").value_for(year)
    if (week + dt.timedelta(days=3)).year == year:  # the whole booked week falls in one year
        # 7 booked hours against two halves × 14 h × every day of the year.
        assert utilisation == (Decimal(7) * 100 / Decimal(days * 28)).quantize(Decimal("0.1"))
        assert share == Decimal("57.1")
    with translation.override("en"):
        by_area = get_indicator("facilities.shared_use_utilisation_by_service_area").value_for(year)
    assert list(by_area) == ["No service area"]


def test_no_bookable_hours_gives_zero_not_an_error():
    report = utilisation_report(start=dt.date(2030, 1, 1), end=dt.date(2030, 1, 8))
    assert report.total.utilisation == Decimal("0.0") and report.total.association_share == Decimal("0.0")


def test_in_kind_support_is_the_list_price_minus_what_the_association_paid(
    room, association, association_member, tuesday
):
    from facilities.selectors import in_kind_support
    from tests.facilities.factories import PriceRuleFactory

    PriceRuleFactory(space=room, customer_group="association", price_per_hour=Decimal("5.00"))
    PriceRuleFactory(space=room, customer_group="commercial", price_per_hour=Decimal("30.00"))
    booking = book(room, association_member, tuesday, 18, 20, association=association)
    assert (booking.price, booking.list_price) == (Decimal("10.00"), Decimal("60.00"))
    figures = in_kind_support(start=tuesday, end=tuesday + dt.timedelta(days=1))
    assert figures == {"Porin Karhut ry": Decimal("50.00")}
    assert get_indicator("facilities.in_kind_support").value_for(tuesday.year) == Decimal("50.00")


def test_closed_hours_are_not_bookable_hours(week, hall, half_a, half_b):
    """Closures at both ends of the week and inside it, worked out by hand (halves 8–22, 98 h a week)."""
    from facilities.models import Closure

    day = [week + dt.timedelta(days=n) for n in range(8)]
    # The whole building, from the Sunday before until Monday noon: Monday 8–12 on each half (4 h).
    Closure.objects.create(
        facility=hall.facility,
        starts_at=at(day[0] - dt.timedelta(days=1), 0),
        ends_at=at(day[0], 12),
        reason="Sähkökatko",
    )
    # The whole hall, from Sunday 20:00 into the next week: Sunday 20–22 on each half (2 h).
    Closure.objects.create(space=hall, starts_at=at(day[6], 20), ends_at=at(day[7], 10), reason="Lattiahuolto")
    # Two overlapping closures of half A on Thursday, 10–14 and 12–16: 6 h, not 8.
    Closure.objects.create(space=half_a, starts_at=at(day[3], 10), ends_at=at(day[3], 14), reason="Maalaus")
    Closure.objects.create(space=half_a, starts_at=at(day[3], 12), ends_at=at(day[3], 16), reason="Maalaus 2")
    # Outside the bookable hours (Tuesday 22–23): nothing to subtract.
    Closure.objects.create(space=hall, starts_at=at(day[1], 22), ends_at=at(day[1], 23), reason="Siivous")

    report = utilisation_report(start=week, end=week + dt.timedelta(days=7))
    assert report.spaces[half_a].bookable_hours == 98 - 4 - 2 - 6  # 86
    assert report.spaces[half_b].bookable_hours == 98 - 4 - 2  # 92
    assert report.total.bookable_hours == 178
    assert report.total.booked_hours == 7
    assert report.total.utilisation == Decimal("3.9")  # 7 / 178


def test_a_closure_of_another_facility_or_another_period_changes_nothing(week, hall, half_a):
    from facilities.models import Closure

    elsewhere = FacilityFactory()
    Closure.objects.create(
        facility=elsewhere, starts_at=at(week, 0), ends_at=at(week + dt.timedelta(days=7), 0), reason="x"
    )
    Closure.objects.create(
        space=hall, starts_at=at(week - dt.timedelta(days=3), 8), ends_at=at(week, 0), reason="Ennen viikkoa"
    )
    report = utilisation_report(start=week, end=week + dt.timedelta(days=7))
    assert report.total.bookable_hours == 196
