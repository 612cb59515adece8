"""The programme's indicators computed from meetings (seed 000, Mittarit)."""

import datetime as dt

import pytest

from annualclock.models import MeetingResponse
from portal.models import Forum
from portal.registries import get_indicator
from tests.annualclock.factories import MeetingFactory, MeetingResponseFactory
from tests.dates import this_year
from tests.factories import AssociationFactory, ForumFactory

pytestmark = pytest.mark.django_db


def last_year():
    """A whole year that is over."""
    return this_year() - 1


def held(forum, month, year=None, **fields):
    year = year or last_year()
    starts_at = dt.datetime(year, month, 10, 14, tzinfo=dt.UTC)
    return MeetingFactory(forum=forum, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), **fields)


def value(key, year=None):
    year = year or last_year()
    return get_indicator(key).value_for(year)


@pytest.fixture
def forums(working_group):
    return {
        "group": working_group,
        "parliament": ForumFactory(name="Seuraparlamentti", kind=Forum.Kind.SPORTS_PARLIAMENT),
        "evenings": ForumFactory(name="Yhdistysillat", kind=Forum.Kind.ASSOCIATION_EVENING),
    }


def test_meetings_held_per_year_by_forum(forums):
    held(forums["group"], 2, matters_handled=4)
    held(forums["group"], 5, matters_handled=3)
    held(forums["parliament"], 4)
    held(forums["evenings"], 3)
    held(forums["evenings"], 10)
    MeetingFactory(forum=forums["group"], matters_handled=9)  # not held yet: not counted
    held(forums["group"], 6, year=last_year() - 1, matters_handled=2)

    assert value("annualclock.working_group_meetings") == 2
    assert value("annualclock.matters_handled") == 7
    assert value("annualclock.sports_parliament_meetings") == 1
    assert value("annualclock.association_evenings") == 2
    assert value("annualclock.working_group_meetings", last_year() - 1) == 1


def test_share_of_meetings_invited_at_least_7_days_ahead(forums):
    for late in (False, False, False, True):
        meeting = held(forums["group"], 3)
        meeting.invited_at = meeting.starts_at - dt.timedelta(days=3 if late else 10)
        meeting.invitation_lead_time = meeting.starts_at - meeting.invited_at
        meeting.invited_late = late
        meeting.save()
    held(forums["group"], 4)  # never invited: not part of the share

    assert value("annualclock.invited_on_time_share") == 75.0
    assert value("annualclock.invited_on_time_share", last_year() - 5) is None


def test_associations_that_took_part_count_each_once(forums):
    first, second, declined = AssociationFactory(), AssociationFactory(), AssociationFactory()
    spring, autumn = held(forums["evenings"], 3), held(forums["evenings"], 10)
    MeetingResponseFactory(meeting=spring, association=first)
    MeetingResponseFactory(meeting=autumn, association=first)
    MeetingResponseFactory(meeting=autumn, association=second, attendees=3)
    MeetingResponseFactory(
        meeting=autumn, association=declined, answer=MeetingResponse.Answer.NOT_ATTENDING, attendees=0
    )

    assert value("annualclock.participating_associations") == 2
