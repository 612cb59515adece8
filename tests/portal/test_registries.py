"""The indicator, calendar-source, front-page and recipient-list registries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal import registries
from portal.registries import CalendarItem
from tests.factories import ForumFactory


@pytest.mark.django_db
def test_the_forums_and_networks_indicator_counts_those_active_in_the_year():
    ForumFactory(joined_year=2020)
    ForumFactory(joined_year=2027)  # not yet a member in 2026
    ForumFactory(joined_year=2015, ended_year=2025)  # left before 2026
    ForumFactory(is_active=False)

    indicator = registries.get_indicator("portal.forums_and_networks")

    assert indicator.value_for(2026) == 1
    assert indicator.value_for(2027) == 2
    assert ("portal.forums_and_networks", indicator.label) in [
        (k, i.label) for k, i in registries.all_indicators().items()
    ]


def test_an_indicator_key_cannot_be_registered_twice_by_different_functions():
    with pytest.raises(ValueError, match="registered twice"):
        registries.indicator("portal.forums_and_networks", label="again")(lambda year: 0)


def test_calendar_items_merge_every_source_sorted_by_time_and_filter_by_kind():
    @registries.calendar_source("tests.first")
    def first(start, end):
        return [
            CalendarItem(uid="b@test", title="Evening", start=dt.date(2026, 3, 12), kind="association_evening"),
            CalendarItem(uid="c@test", title="Out of range", start=dt.date(2027, 1, 1), kind="other"),
        ]

    @registries.calendar_source("tests.second")
    def second(start, end):
        return [
            CalendarItem(
                uid="a@test",
                title="March",
                start=dt.date(2026, 3, 1),
                end=dt.date(2026, 4, 1),
                kind="grant_application_period",
                month_only=True,
            )
        ]

    try:
        items = registries.calendar_items(
            dt.date(2026, 1, 1), dt.date(2027, 1, 1), sources={"tests.first", "tests.second"}
        )
        assert [item.uid for item in items][:2] == ["a@test", "b@test"]
        assert items[0].source == "tests.second"
        evenings = registries.calendar_items(
            dt.date(2026, 1, 1), dt.date(2027, 1, 1), kinds={"association_evening"}, sources={"tests.first"}
        )
        assert [item.title for item in evenings] == ["Evening"]
    finally:
        registries._calendar_sources.pop("tests.first")
        registries._calendar_sources.pop("tests.second")


def test_calendar_items_are_ordered_by_pori_time_whatever_zone_a_source_gives():
    """Database datetimes come back in UTC: a meeting at 01:00 in Pori is 23:00 UTC the day before."""
    helsinki = ZoneInfo("Europe/Helsinki")

    @registries.calendar_source("tests.utc")
    def from_the_database(start, end):
        return [
            CalendarItem(
                uid="night@test", title="Night", start=dt.datetime(2026, 12, 4, 23, 0, tzinfo=dt.UTC), kind="meeting"
            ),
            CalendarItem(
                uid="seven@test",
                title="Seven",
                start=dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC),
                kind="meeting",
            ),
        ]

    @registries.calendar_source("tests.local")
    def in_local_time(start, end):
        return [
            CalendarItem(uid="day@test", title="Independence Day eve", start=dt.date(2026, 12, 5), kind="other"),
            CalendarItem(
                uid="half-six@test",
                title="Half past six",
                start=dt.datetime(2026, 12, 4, 18, 30, tzinfo=helsinki),
                kind="meeting",
            ),
        ]

    try:
        items = registries.calendar_items(
            dt.date(2026, 12, 1), dt.date(2027, 1, 1), sources={"tests.utc", "tests.local"}
        )
    finally:
        registries._calendar_sources.pop("tests.utc")
        registries._calendar_sources.pop("tests.local")

    # 18:30 and 19:00 on 4 December, then 5 December: the all-day item first, then 01:00.
    assert [item.title for item in items] == ["Half past six", "Seven", "Independence Day eve", "Night"]


def test_recipient_lists_give_each_address_once_per_association():
    @registries.recipient_list("tests.audience", label="Test audience")
    def audience():
        return [
            registries.Recipient(email="A@example.org", association_id=1),
            registries.Recipient(email="a@example.org", association_id=1),
            registries.Recipient(email="a@example.org", association_id=2),  # answers for two associations
            registries.Recipient(email="b@example.org"),
            registries.Recipient(email="B@example.org"),
        ]

    try:
        assert [r.association_id for r in registries.recipients("tests.audience")] == [1, 2, None]
        assert ("tests.audience", "Test audience") in registries.recipient_list_choices()
    finally:
        registries._recipient_lists.pop("tests.audience")


@pytest.mark.django_db
def test_home_sections_render_in_order_and_hide_empty_ones(rf):
    registries.home_section("tests.second", order=2)(lambda request: ("b.html", {"x": 2}))
    registries.home_section("tests.first", order=1)(lambda request: ("a.html", {"x": 1}))
    registries.home_section("tests.hidden", order=0)(lambda request: None)
    try:
        keys = [key for key, _t, _c in registries.home_sections(rf.get("/"))]
        assert keys.index("tests.first") < keys.index("tests.second")
        assert "tests.hidden" not in keys
    finally:
        registries._home_sections[:] = [s for s in registries._home_sections if not s[1].startswith("tests.")]


@pytest.mark.parametrize(
    "register",
    [
        lambda func: registries.indicator("tests.twice", label="Twice")(func),
        lambda func: registries.calendar_source("tests.twice")(func),
        lambda func: registries.home_section("tests.twice")(func),
        lambda func: registries.recipient_list("tests.twice", label="Twice")(func),
    ],
    ids=["indicator", "calendar_source", "home_section", "recipient_list"],
)
def test_every_registry_refuses_a_second_function_under_a_taken_key(register):
    def first(*args):
        return []

    def second(*args):
        return []

    try:
        register(first)
        register(first)  # the same function again (a module imported twice) is no change
        with pytest.raises(registries.DuplicateKey, match="registered twice"):
            register(second)
    finally:
        registries._indicators.pop("tests.twice", None)
        registries._calendar_sources.pop("tests.twice", None)
        registries._recipient_lists.pop("tests.twice", None)
        registries._home_sections[:] = [s for s in registries._home_sections if s[1] != "tests.twice"]


def test_recipient_lists_are_autodiscovered_like_the_other_registries():
    assert "recipients" in registries.REGISTRY_MODULES
    choices = dict(registries.recipient_list_choices())
    assert "associations.contacts" in choices and "newsletter.topic.grants" in choices
