"""Factories for the annual clock's tests."""

import datetime as dt

import factory
from django.utils import timezone

from annualclock.models import ClockEntry, Kind, Meeting, MeetingResponse
from portal.models import Forum
from tests.factories import AssociationFactory, ForumFactory


class ClockEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClockEntry

    year = 2027
    month = 3
    kind = Kind.ASSOCIATION_EVENING
    title = factory.Sequence(lambda n: f"Yhdistysilta {n}")
    audience = "Kaikki yhdistykset"
    state = ClockEntry.State.PUBLISHED


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    forum = factory.SubFactory(ForumFactory, kind=Forum.Kind.WORKING_GROUP)
    title = factory.Sequence(lambda n: f"Yhdistysyhteistyöryhmän kokous {n}")
    starts_at = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    place = "Porin kaupungintalo, Hallituskatu 12"
    agenda = "1. Avustusperiaatteet\n2. Yhdistysilta"


class MeetingResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingResponse

    meeting = factory.SubFactory(MeetingFactory)
    association = factory.SubFactory(AssociationFactory)
    answer = MeetingResponse.Answer.ATTENDING
    attendees = 1
    channel = MeetingResponse.Channel.SITE
