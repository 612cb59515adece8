"""Dates that count from today, so that the tests hold on any date.

Never compare a hard-coded date with the clock: take it from here (or travel to a fixed moment
with ``time_machine`` inside the test when a test needs a particular calendar situation, such as
a year boundary). ``TEST_NOW`` (tests/conftest.py) moves the clock of a whole run.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone


def today():
    """Today in the portal's time zone."""
    return timezone.localdate()


def days_ahead(days):
    return today() + dt.timedelta(days=days)


def days_ago(days):
    return today() - dt.timedelta(days=days)


def this_year():
    return today().year


def local(day, time=dt.time(0)):
    """An aware datetime at ``time`` on ``day`` in the portal's time zone (Pori's wall clock)."""
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
