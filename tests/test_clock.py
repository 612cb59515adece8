"""TEST_NOW and tests/clock.py: how a run, and a subprocess it starts, live on a moved clock."""

import datetime as dt
import os
import subprocess
import time
import zoneinfo
from pathlib import Path

import time_machine

from tests.clock import TEST_CLOCK_OFFSET, command
from tests.conftest import travel_destination

PORI = zoneinfo.ZoneInfo("Europe/Helsinki")
BASE_DIR = Path(__file__).resolve().parents[1]


def test_a_naive_test_now_is_pori_wall_clock_time():
    assert travel_destination("2029-12-31T23:30", PORI) == dt.datetime(2029, 12, 31, 21, 30, tzinfo=dt.UTC)
    assert travel_destination("2027-07-01 01:30", PORI) == dt.datetime(2027, 6, 30, 22, 30, tzinfo=dt.UTC)


def test_a_bare_date_means_noon_that_day():
    assert travel_destination("2028-02-29", PORI) == dt.datetime(2028, 2, 29, 12, 0, tzinfo=PORI)


def test_an_explicit_offset_is_kept():
    assert travel_destination("2030-01-01T00:30Z", PORI) == dt.datetime(2030, 1, 1, 0, 30, tzinfo=dt.UTC)


def test_a_subprocess_started_through_tests_clock_runs_on_the_moved_clock():
    ten_years = 10 * 365 * 24 * 3600  # from the real clock, as the offset is (this run may be moved too)
    hatch = time_machine.escape_hatch
    real_now = hatch.time.time() if hatch.is_travelling() else time.time()
    year = time.gmtime(real_now + ten_years).tm_year
    env = {**os.environ, TEST_CLOCK_OFFSET: str(ten_years)}

    # `python -m calendar` prints this year's calendar, headed by the year.
    result = subprocess.run(
        command("calendar"), cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )

    assert result.stdout.split()[0] == str(year)
