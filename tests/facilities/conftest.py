import datetime as dt

import pytest
from django.utils import timezone

from tests.facilities.factories import FacilityFactory, SpaceFactory, every_day


def next_weekday(weekday, *, at_least_days=2):
    """The first date on ``weekday`` (0 = Monday) at least ``at_least_days`` from today."""
    day = timezone.localdate() + dt.timedelta(days=at_least_days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def tuesday():
    return next_weekday(1)


@pytest.fixture
def facility(department):
    return FacilityFactory(name="Länsi-Porin koulu", slug="lansi-porin-koulu", department=department)


@pytest.fixture
def hall(facility):
    """A school gym (whole hall) bookable 8–22 every day, with two halves that inherit its hours."""
    hall = SpaceFactory(facility=facility, name="Liikuntasali", slug="liikuntasali", capacity=60)
    every_day(hall)
    return hall


@pytest.fixture
def half_a(hall):
    return SpaceFactory(facility=hall.facility, parent=hall, name="Salin A-puoli", slug="sali-a", capacity=30)


@pytest.fixture
def half_b(hall):
    return SpaceFactory(facility=hall.facility, parent=hall, name="Salin B-puoli", slug="sali-b", capacity=30)


@pytest.fixture
def room(facility):
    room = SpaceFactory(facility=facility, name="Kokoushuone", slug="kokoushuone", capacity=12, is_shared_use=False)
    every_day(room)
    return room
