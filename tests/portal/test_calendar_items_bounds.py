"""calendar_items' bounds: declared kinds skip a source, ``limit`` reaches sources that take it."""

import datetime as dt

import pytest

from portal import registries
from portal.registries import CalendarItem, calendar_items

START, END = dt.date(2030, 1, 1), dt.date(2030, 2, 1)


def item(uid, day, kind):
    return CalendarItem(uid=uid, title=uid, start=dt.date(2030, 1, day), kind=kind)


@pytest.fixture
def sources():
    calls = []

    def big(start, end, limit=None):
        calls.append(("big", limit))
        items = [item(f"big-{day}", day, "tests_big") for day in range(1, 29)]
        return items if limit is None else items[:limit]

    def plain(start, end):
        calls.append(("plain", None))
        return [item("plain-2", 2, "tests_plain"), item("plain-20", 20, "tests_plain")]

    registries.calendar_source("tests.big", kinds=["tests_big"])(big)
    registries.calendar_source("tests.plain")(plain)
    yield calls
    for key in ("tests.big", "tests.plain"):
        registries._calendar_sources.pop(key, None)
        registries._calendar_source_kinds.pop(key, None)
        registries._calendar_source_takes_limit.pop(key, None)


def test_without_bounds_everything_comes_as_before(sources):
    uids = [i.uid for i in calendar_items(START, END, sources={"tests.big", "tests.plain"})]
    assert len(uids) == 30 and uids[:3] == ["big-1", "big-2", "plain-2"]
    assert ("big", None) in sources


def test_a_limit_reaches_the_sources_that_take_it(sources):
    uids = [i.uid for i in calendar_items(START, END, sources={"tests.big", "tests.plain"}, limit=3)]
    assert uids == ["big-1", "big-2", "plain-2", "big-3", "plain-20"]  # the caller cuts the merge
    assert ("big", 3) in sources and ("plain", None) in sources


def test_excluded_kinds_skip_a_source_that_declared_them(sources):
    uids = [
        i.uid for i in calendar_items(START, END, sources={"tests.big", "tests.plain"}, exclude_kinds=["tests_big"])
    ]
    assert uids == ["plain-2", "plain-20"]
    assert [name for name, _limit in sources] == ["plain"]


def test_kinds_skip_a_source_that_declared_none_of_them(sources):
    uids = [i.uid for i in calendar_items(START, END, sources={"tests.big", "tests.plain"}, kinds=["tests_plain"])]
    assert uids == ["plain-2", "plain-20"]
    assert [name for name, _limit in sources] == ["plain"]
