"""The wheel's geometry: months clockwise from the top, a ring per kind, overflow as "+N"."""

import datetime as dt
import math

import pytest

from annualclock.kinds import kind_style
from annualclock.models import Kind
from annualclock.selectors import year_items
from annualclock.wheel import build_wheel, ring_radius
from tests.annualclock.factories import ClockEntryFactory

pytestmark = pytest.mark.django_db


def test_an_entry_sits_in_its_months_sector_on_its_kinds_ring():
    ClockEntryFactory(year=2027, month=4, kind=Kind.WORKSHOP)

    wheel = build_wheel(2027, year_items(2027), list_url="/en/clock/2027/list/", today=dt.date(2026, 11, 21))

    [marker] = wheel.months[3].markers
    angle = math.degrees(math.atan2(marker.x, -marker.y)) % 360  # 0° at twelve o'clock, clockwise
    assert 90 <= angle <= 120  # April is the fourth twelfth of the circle
    assert math.hypot(marker.x, marker.y) == pytest.approx(ring_radius(kind_style(Kind.WORKSHOP).ring), abs=0.1)
    assert marker.symbol == str(kind_style(Kind.WORKSHOP).symbol)
    assert wheel.today_line is None  # not this year


def test_a_crowded_ring_shows_the_rest_as_a_link_to_the_month_in_the_list():
    for n in range(12):
        ClockEntryFactory(year=2027, month=3, kind=Kind.NEWSLETTER, title=f"Uutiskirje {n}")

    wheel = build_wheel(2027, year_items(2027), list_url="/en/clock/2027/list/")

    markers = wheel.months[2].markers
    overflow = [m for m in markers if m.overflow]
    assert len(overflow) == 1 and overflow[0].href == "/en/clock/2027/list/#month-3"
    hidden = 12 - (len(markers) - 1)
    assert overflow[0].symbol == f"+{hidden}"
    assert overflow[0].label == f"{hidden} more Newsletter items in March"
    assert wheel.months[2].group_label == "March: 12 items"


def test_this_year_has_a_today_line():
    wheel = build_wheel(2026, [], list_url="/", today=dt.date(2026, 7, 1))

    _x1, _y1, x2, y2 = wheel.today_line
    assert (x2, y2) == (pytest.approx(0, abs=0.01), pytest.approx(300))  # July 1st: half way round, straight down
