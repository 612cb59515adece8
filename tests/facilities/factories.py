"""Factories for the facilities app's tests."""

import datetime as dt

import factory

from facilities.models import BookableHours, Facility, PriceRule, Space
from tests.factories import DepartmentFactory


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Koulu {n}")
    slug = factory.Sequence(lambda n: f"koulu-{n}")
    department = factory.SubFactory(DepartmentFactory)
    address = factory.Sequence(lambda n: f"Koulukatu {n}")
    city = "Pori"


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Sali {n}")
    slug = factory.Sequence(lambda n: f"sali-{n}")
    capacity = 30
    is_shared_use = True
    min_minutes = 60
    max_minutes = 240
    start_interval_minutes = 30
    horizon_days = 90


class BookableHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookableHours

    space = factory.SubFactory(SpaceFactory)
    weekday = 1
    starts = dt.time(16)
    ends = dt.time(22)


class PriceRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceRule

    space = factory.SubFactory(SpaceFactory)
    customer_group = "association"
    price_per_hour = 10


def every_day(space, starts=dt.time(8), ends=dt.time(22)):
    for weekday in range(7):
        BookableHoursFactory(space=space, weekday=weekday, starts=starts, ends=ends)
