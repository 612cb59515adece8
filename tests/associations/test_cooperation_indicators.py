"""The registered indicators of the forms of cooperation against fixtures with known counts, and
the Pori programme's "Yhteiset hankkeet" pointing at them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from associations.cooperation.models import CityRequest, LocalInitiative, RequestKind
from portal.registries import get_indicator
from tests.associations.cooperation_factories import (
    CityEventFactory,
    CityRequestFactory,
    JointProjectFactory,
    LocalInitiativeFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2027
HELSINKI = ZoneInfo("Europe/Helsinki")


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=HELSINKI)


def value(key, year=YEAR):
    return get_indicator(key).value_for(year)


def test_joint_projects_count_those_running_during_the_year():
    JointProjectFactory(starts_on=dt.date(YEAR - 1, 3, 1), ends_on=dt.date(YEAR, 1, 1))  # ends on New Year's Day
    JointProjectFactory(starts_on=dt.date(YEAR, 12, 31))  # starts on New Year's Eve, open-ended
    JointProjectFactory(starts_on=dt.date(YEAR - 2, 1, 1))  # open-ended since two years
    JointProjectFactory(starts_on=dt.date(YEAR - 2, 1, 1), ends_on=dt.date(YEAR - 1, 12, 31))  # ended before
    JointProjectFactory(starts_on=dt.date(YEAR + 1, 1, 1))  # starts after
    JointProjectFactory(starts_on=dt.date(YEAR, 5, 1), is_public=False)  # counted: the city runs it all the same
    assert value("associations.joint_projects") == 4
    assert value("associations.joint_projects", YEAR - 1) == 3
    assert value("associations.joint_projects", YEAR + 1) == 4


def test_letters_and_patronages_count_grants_decided_in_the_year(association):
    def request(kind, state, decided_at=None, **kwargs):
        return CityRequestFactory(
            association=association,
            kind=kind,
            state=state,
            decided_at=decided_at,
            decision_reason="Grounds." if state == "declined" else "",
            **kwargs,
        )

    granted, declined, submitted = CityRequest.State.GRANTED, CityRequest.State.DECLINED, CityRequest.State.SUBMITTED
    request(RequestKind.RECOMMENDATION, granted, at(YEAR, 1, 1, 0))  # just after midnight in Pori
    request(RequestKind.INTENT, granted, at(YEAR, 6, 1))
    request(RequestKind.RECOMMENDATION, granted, at(YEAR - 1, 12, 31, 23))  # the year before, in Pori
    request(RequestKind.RECOMMENDATION, declined, at(YEAR, 6, 1))
    request(RequestKind.RECOMMENDATION, submitted)
    request(RequestKind.PATRONAGE_MAYOR, granted, at(YEAR, 3, 1))
    request(RequestKind.PATRONAGE_CITY, granted, at(YEAR, 4, 1))
    request(RequestKind.MEDIA_PATRONAGE, granted, at(YEAR, 5, 1))
    request(RequestKind.PATRONAGE_CITY, declined, at(YEAR, 5, 1))
    request(RequestKind.EVENT_PARTICIPATION, granted, at(YEAR, 5, 1), city_event=CityEventFactory())
    assert value("associations.recommendation_letters_issued") == 2
    assert value("associations.recommendation_letters_issued", YEAR - 1) == 1
    assert value("associations.patronages_granted") == 3
    assert value("associations.patronages_granted", YEAR + 1) == 0


def test_local_initiatives_count_those_carried_out_in_the_year():
    done = LocalInitiative.State.CARRIED_OUT
    LocalInitiativeFactory(state=done, decision_reason="ok", carried_out_on=dt.date(YEAR, 1, 1))
    LocalInitiativeFactory(state=done, decision_reason="ok", carried_out_on=dt.date(YEAR, 12, 31))
    LocalInitiativeFactory(state=done, decision_reason="ok", carried_out_on=dt.date(YEAR - 1, 12, 31))
    LocalInitiativeFactory(state=LocalInitiative.State.ACCEPTED, decision_reason="ok")
    LocalInitiativeFactory(state=LocalInitiative.State.DECLINED, decision_reason="no")
    assert value("associations.local_initiatives_carried_out") == 2
    assert value("associations.local_initiatives_carried_out", YEAR - 1) == 1


def test_the_pori_programme_counts_joint_projects_from_the_portal():
    from portal.programme import demo
    from portal.programme.models import Indicator

    demo.load_pori()
    indicator = Indicator.objects.get(name="Yhteiset hankkeet kaupungin ja yhdistysten kanssa")
    assert indicator.source == "computed"
    assert indicator.computed_key == "associations.joint_projects"
    JointProjectFactory(starts_on=dt.date(YEAR, 2, 1))
    assert value(indicator.computed_key) == 1


def test_published_city_events_are_on_the_merged_calendar():
    from portal.registries import calendar_items

    shown = CityEventFactory(starts_on=dt.date(YEAR, 9, 20), ends_on=dt.date(YEAR, 9, 21), title="Sadonkorjuujuhla")
    CityEventFactory(starts_on=dt.date(YEAR, 9, 22), is_published=False)
    CityEventFactory(starts_on=dt.date(YEAR - 1, 9, 22))
    items = calendar_items(dt.date(YEAR, 9, 1), dt.date(YEAR, 10, 1), sources=["associations.city_events"])
    assert [(i.title, i.start, i.end) for i in items] == [
        ("Sadonkorjuujuhla", dt.date(YEAR, 9, 20), dt.date(YEAR, 9, 22))
    ]
    assert items[0].url == shown.get_absolute_url()
