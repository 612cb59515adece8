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


# --- The counted bookable hours give what walking every day gave ---------------------------------
def _walked_hours(windows, start, end, closures=()):
    """The day-by-day walk utilisation_report used before it counted (kept as the reference)."""
    from django.utils import timezone

    hour = dt.timedelta(hours=1)

    def covered(begin, finish, periods):
        pieces = sorted((max(s, begin), min(e, finish)) for s, e in periods if s < finish and e > begin)
        total, current = dt.timedelta(), None
        for piece_start, piece_end in pieces:
            if current is None or piece_start > current[1]:
                if current is not None:
                    total += current[1] - current[0]
                current = [piece_start, piece_end]
            else:
                current[1] = max(current[1], piece_end)
        if current is not None:
            total += current[1] - current[0]
        return total / hour

    total, day = 0.0, start
    while day < end:
        for window in windows:
            if window.applies_on(day):
                begin = dt.datetime.combine(day, window.starts)
                finish = dt.datetime.combine(day, window.ends)
                total += (finish - begin) / hour
                if closures:
                    total -= covered(timezone.make_aware(begin), timezone.make_aware(finish), closures)
        day += dt.timedelta(days=1)
    return total


def _windows():
    from facilities.models import BookableHours

    windows = [BookableHours(weekday=d, starts=dt.time(8), ends=dt.time(22)) for d in range(5)]
    windows += [
        # A season across the new year, Wednesday evenings (3.75 h).
        BookableHours(
            weekday=2,
            starts=dt.time(17, 30),
            ends=dt.time(21, 15),
            valid_from=dt.date(2025, 8, 15),
            valid_until=dt.date(2026, 5, 31),
        ),
        BookableHours(weekday=5, starts=dt.time(10), ends=dt.time(16), valid_from=dt.date(2026, 3, 29)),
        BookableHours(weekday=6, starts=dt.time(0), ends=dt.time(23, 59), valid_until=dt.date(2026, 10, 25)),
        BookableHours(weekday=4, starts=dt.time(20), ends=dt.time(23), valid_from=dt.date(2024, 2, 29)),
        # A season wholly outside every period below.
        BookableHours(
            weekday=1,
            starts=dt.time(6),
            ends=dt.time(7),
            valid_from=dt.date(2031, 1, 1),
            valid_until=dt.date(2031, 2, 1),
        ),
    ]
    return windows


def _closures():
    day = dt.date(2026, 1, 1)
    return [
        (at(day - dt.timedelta(days=3), 12), at(day, 10)),  # across the start of 2026
        (at(dt.date(2026, 3, 10), 9), at(dt.date(2026, 3, 14), 12)),  # several days
        (at(dt.date(2026, 3, 12), 7), at(dt.date(2026, 3, 20), 18)),  # overlapping the one before
        (at(dt.date(2026, 3, 28), 22), at(dt.date(2026, 3, 29), 12)),  # the spring-forward night
        (at(dt.date(2026, 10, 25), 1), at(dt.date(2026, 10, 25), 5)),  # the fall-back night
        (at(dt.date(2026, 6, 3), 18), at(dt.date(2026, 6, 3), 19)),  # inside a window
        (at(dt.date(2026, 6, 3), 18, 30), at(dt.date(2026, 6, 3), 19, 30)),  # and again, half over it
        (at(dt.date(2026, 12, 30), 0), at(dt.date(2027, 1, 3), 0)),  # across the end of 2026
        (at(dt.date(2024, 2, 28), 0), at(dt.date(2024, 3, 1), 0)),  # a leap day
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
        (dt.date(2024, 1, 1), dt.date(2025, 1, 1)),  # a leap year
        (dt.date(2025, 12, 29), dt.date(2026, 1, 5)),  # a week across the new year
        (dt.date(2026, 3, 11), dt.date(2026, 3, 12)),  # one day inside a closure
        (dt.date(2026, 5, 31), dt.date(2026, 6, 1)),  # a season's last day
        (dt.date(2026, 6, 1), dt.date(2026, 6, 1)),  # nothing
    ],
)
@pytest.mark.parametrize("with_closures", [False, True])
def test_counted_bookable_hours_equal_the_day_by_day_walk(start, end, with_closures):
    from facilities.selectors import _window_hours_between

    closures = _closures() if with_closures else ()
    counted = _window_hours_between(_windows(), start, end, closures)
    assert counted == pytest.approx(_walked_hours(_windows(), start, end, closures), abs=1e-9)


def test_the_report_of_a_year_equals_the_walk_with_seasons_and_closures(hall, half_a, half_b, outsider):
    from facilities.models import BookableHours, Closure

    BookableHours.objects.filter(space=hall, weekday=6).delete()
    season = {"valid_from": dt.date(2026, 2, 1), "valid_until": dt.date(2026, 4, 30)}
    BookableHours.objects.create(space=hall, weekday=6, starts=dt.time(9), ends=dt.time(13, 30), **season)
    for start, end in _closures():
        Closure.objects.create(space=half_a, starts_at=start, ends_at=end, reason="Huolto")
    Closure.objects.create(
        facility=hall.facility, starts_at=at(dt.date(2026, 7, 1), 0), ends_at=at(dt.date(2026, 8, 1), 0), reason="Kesä"
    )
    report = utilisation_report(start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    windows = list(BookableHours.objects.filter(space=hall))
    summer = [(at(dt.date(2026, 7, 1), 0), at(dt.date(2026, 8, 1), 0))]
    year = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert report.spaces[half_a].bookable_hours == pytest.approx(_walked_hours(windows, *year, _closures() + summer))
    assert report.spaces[half_b].bookable_hours == pytest.approx(_walked_hours(windows, *year, summer))


# --- One report per year for the three indicators, and never a stale one ------------------------
def test_the_three_indicators_share_one_report_within_a_block_and_see_a_new_booking_after_it(
    week, monkeypatch, half_b, outsider
):
    from facilities import indicators
    from portal.registries import shared_results

    made = []
    real = indicators.utilisation_report
    monkeypatch.setattr(indicators, "utilisation_report", lambda **kw: made.append(kw) or real(**kw))
    year = (week + dt.timedelta(days=1)).year
    keys = [
        "facilities.shared_use_utilisation",
        "facilities.association_share",
        "facilities.shared_use_utilisation_by_service_area",
    ]
    with shared_results():
        first = [get_indicator(key).value_for(year) for key in keys]
        [get_indicator(key).value_for(year) for key in keys]
        get_indicator(keys[0]).value_for(year - 1)
    assert len(made) == 2  # this year's report once, last year's once

    book(half_b, outsider, week + dt.timedelta(days=1), 8, 12)  # 4 more hours, nobody's association
    with shared_results():
        after = [get_indicator(key).value_for(year) for key in keys]
    assert len(made) == 3
    if (week + dt.timedelta(days=3)).year == year:
        assert (first[1], after[1]) == (Decimal("57.1"), Decimal("36.4"))  # 4 of 7 hours, then 4 of 11
    # Outside a block nothing is kept.
    get_indicator(keys[0]).value_for(year)
    get_indicator(keys[0]).value_for(year)
    assert len(made) == 5


def test_by_service_area_makes_the_same_queries_however_many_areas(hall, half_a, outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = dt.date.today().year

    def queries():
        with CaptureQueriesContext(connection) as captured, translation.override("fi"):
            values = get_indicator("facilities.shared_use_utilisation_by_service_area").value_for(year)
        return len(captured), values

    hall.facility.service_area = ServiceAreaFactory(name="Länsi")
    hall.facility.save()
    few, values = queries()
    for name in ["Itä", "Pohjoinen", "Etelä", "Keskusta"]:
        every_day(SpaceFactory(facility=FacilityFactory(service_area=ServiceAreaFactory(name=name))))
    many, more_values = queries()
    assert len(more_values) == len(values) + 4
    assert many == few


def test_within_a_block_the_spaces_and_their_hours_are_read_once_for_every_year(week):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.registries import shared_results

    def queries(years):
        with CaptureQueriesContext(connection) as captured:
            for year in years:
                get_indicator("facilities.shared_use_utilisation").value_for(year)
        return len(captured)

    alone = queries([week.year])
    assert queries([week.year, week.year - 1]) == 2 * alone
    with shared_results():
        assert queries([week.year, week.year - 1]) == 2 * alone - 2  # spaces and hours once
