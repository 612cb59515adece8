"""The year plan: entries by month, exact dates later, next year's draft in one action, one merged year."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from annualclock.calendar import entry_uid
from annualclock.models import ENTRY_DATE_OUTSIDE_MONTH, ClockEntry, Kind
from annualclock.selectors import clock_items, year_items
from annualclock.services import (
    clock_entries_copy_to_next_year,
    clock_entries_match_sources,
    clock_entries_publish,
)
from tests.annualclock.factories import ClockEntryFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_month_only_entry_covers_its_whole_month():
    entry = ClockEntryFactory(year=2027, month=3, title="Yhdistysilta")

    with translation.override("fi"):  # times in the reader's language and format
        [clock_item] = year_items(2027)

    assert clock_item.item.uid == entry_uid(entry.pk)
    assert clock_item.item.month_only
    assert (clock_item.item.start, clock_item.item.end) == (dt.date(2027, 3, 1), dt.date(2027, 4, 1))
    assert clock_item.when == "maaliskuu 2027"


def test_an_entry_with_exact_dates_is_shown_by_its_dates():
    ClockEntryFactory(
        year=2027,
        month=1,
        kind=Kind.GRANT_APPLICATION_PERIOD,
        start_date=dt.date(2027, 1, 7),
        end_date=dt.date(2027, 2, 5),
    )

    with translation.override("fi"):  # times in the reader's language and format
        [clock_item] = year_items(2027)

    assert not clock_item.item.month_only
    assert (clock_item.item.start, clock_item.item.end) == (dt.date(2027, 1, 7), dt.date(2027, 2, 6))
    assert clock_item.when == "7.1.2027 – 5.2.2027"  # the one Finnish date format (portal/formats/fi)


def test_an_entry_with_a_time_is_a_timed_item():
    ClockEntryFactory(year=2027, month=3, start_date=dt.date(2027, 3, 11), start_time=dt.time(18), end_time=dt.time(20))

    with translation.override("fi"):  # times in the reader's language and format
        [clock_item] = year_items(2027)

    assert clock_item.item.start.hour == 18
    assert clock_item.when == "11.3.2027 klo 18.00–20.00"


def test_an_exact_date_outside_the_entrys_month_is_refused():
    entry = ClockEntryFactory.build(year=2027, month=3, start_date=dt.date(2027, 4, 2))

    with pytest.raises(ValidationError) as excinfo:
        entry.full_clean()
    assert str(ENTRY_DATE_OUTSIDE_MONTH) in excinfo.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def test_drafts_stay_off_the_clock_until_published():
    draft = ClockEntryFactory(year=2027, state=ClockEntry.State.DRAFT)
    assert year_items(2027) == []

    assert clock_entries_publish(entries=ClockEntry.objects.filter(pk=draft.pk)) == 1

    assert [ci.item.title for ci in year_items(2027)] == [draft.title]


def test_an_entry_crossing_the_new_year_is_on_both_years():
    ClockEntryFactory(
        year=2026,
        month=12,
        kind=Kind.GRANT_APPLICATION_PERIOD,
        start_date=dt.date(2026, 12, 15),
        end_date=dt.date(2027, 1, 15),
    )

    assert len(year_items(2026)) == 1
    assert len(year_items(2027)) == 1
    assert year_items(2028) == []


def test_copying_last_years_plan_makes_next_years_draft_at_month_precision(staff):
    ClockEntryFactory(
        year=2026,
        month=1,
        kind=Kind.GRANT_APPLICATION_PERIOD,
        title="Toiminta-avustusten haku 2026",
        start_date=dt.date(2026, 1, 7),
        end_date=dt.date(2026, 2, 6),
        link="https://www.pori.fi/avustukset",
    )
    ClockEntryFactory(year=2026, month=2, kind=Kind.NEWSLETTER, title="Yhdistysuutiskirje 1/2026")

    result = clock_entries_copy_to_next_year(entries=ClockEntry.objects.filter(year=2026), by=staff)

    assert (result.created, result.skipped) == (2, 0)
    copies = ClockEntry.objects.filter(year=2027).order_by("month")
    assert [(c.month, c.title) for c in copies] == [
        (1, "Toiminta-avustusten haku 2027"),
        (2, "Yhdistysuutiskirje 1/2027"),
    ]
    assert all(c.state == ClockEntry.State.DRAFT for c in copies)
    assert all(c.start_date is None and c.end_date is None for c in copies)
    assert copies[0].link == "https://www.pori.fi/avustukset"
    assert copies[0].history.first().history_user == staff


def test_copying_twice_makes_no_second_copy():
    ClockEntryFactory(year=2026, month=5)
    entries = ClockEntry.objects.filter(year=2026)

    clock_entries_copy_to_next_year(entries=entries)
    result = clock_entries_copy_to_next_year(entries=entries)

    assert (result.created, result.skipped) == (0, 1)
    assert ClockEntry.objects.filter(year=2027).count() == 1


def test_the_database_refuses_a_second_copy_of_one_entry():
    original = ClockEntryFactory(year=2026)
    ClockEntryFactory(year=2027, copied_from=original)

    with pytest.raises(IntegrityError), transaction.atomic():
        ClockEntryFactory(year=2027, copied_from=original)


def test_other_apps_items_join_the_year_without_copying_their_dates(other_source):
    ClockEntryFactory(year=2027, month=3, title="Yhdistysilta")

    titles = {ci.item.title for ci in year_items(2027)}

    assert titles == {"Kulttuuriavustusten haku 2027", "Yhdistysilta"}


def test_a_plan_entry_gives_way_to_the_item_that_fixes_its_dates(other_source):
    ClockEntryFactory(
        year=2027,
        month=3,
        kind=Kind.GRANT_APPLICATION_PERIOD,
        title="Kulttuuriavustusten haku (maaliskuu)",
        replaced_by_uid="grant-round-1-opens@test",
    )

    assert [ci.item.title for ci in year_items(2027)] == ["Kulttuuriavustusten haku 2027"]


def test_a_plan_entry_gives_way_to_its_meeting(working_group):
    entry = ClockEntryFactory(year=2027, month=3, kind=Kind.WORKING_GROUP_MEETING, title="Työryhmä (maaliskuu)")
    MeetingFactory(
        forum=working_group,
        clock_entry=entry,
        title="Työryhmän kokous 1/2027",
        starts_at=dt.datetime(2027, 3, 9, 16, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 3, 9, 18, tzinfo=dt.UTC),
    )

    [clock_item] = year_items(2027)

    assert clock_item.item.title == "Työryhmän kokous 1/2027"
    assert clock_item.style.kind == Kind.WORKING_GROUP_MEETING


def test_a_kind_filter_keeps_one_kind_and_unknown_kinds_count_as_other(other_source):
    from portal.registries import CalendarItem

    other_source.append(
        CalendarItem(uid="x@test", title="Lähellä.fi-koulutus", start=dt.date(2027, 5, 3), kind="training")
    )
    ClockEntryFactory(year=2027, month=3)

    assert [ci.item.title for ci in clock_items(dt.date(2027, 1, 1), dt.date(2028, 1, 1), kind="other")] == [
        "Lähellä.fi-koulutus"
    ]


def test_matching_lets_the_one_dated_item_of_the_same_kind_and_month_stand_for_the_entry(other_source, staff):
    planned = ClockEntryFactory(year=2027, month=3, kind=Kind.GRANT_APPLICATION_PERIOD, title="Avustushaku (maaliskuu)")
    evening = ClockEntryFactory(year=2027, month=3, kind=Kind.ASSOCIATION_EVENING, title="Yhdistysilta")

    matched = clock_entries_match_sources(entries=ClockEntry.objects.all(), by=staff)

    assert matched == 1
    planned.refresh_from_db()
    assert planned.replaced_by_uid == "grant-round-1-opens@test"
    assert planned.history.first().history_user == staff
    assert {ci.item.title for ci in year_items(2027)} == {"Kulttuuriavustusten haku 2027", evening.title}
    assert clock_entries_match_sources(entries=ClockEntry.objects.all()) == 0  # nothing left to match


def test_an_entry_with_its_own_date_is_matched_only_with_an_item_on_that_day(other_source):
    operating = ClockEntryFactory(
        year=2027,
        month=3,
        kind=Kind.GRANT_APPLICATION_PERIOD,
        title="Toiminta-avustukset",
        start_date=dt.date(2027, 3, 8),
    )

    assert clock_entries_match_sources(entries=ClockEntry.objects.all()) == 0  # the round of 1.3. is another call
    operating.start_date = dt.date(2027, 3, 1)
    operating.save()
    assert clock_entries_match_sources(entries=ClockEntry.objects.all()) == 1
    operating.refresh_from_db()
    assert operating.replaced_by_uid == "grant-round-1-opens@test"


def test_matching_guesses_nothing_when_two_items_could_stand_for_the_entry(other_source):
    from portal.registries import CalendarItem

    other_source.append(
        CalendarItem(
            uid="grant-round-2@test",
            title="Liikunta-avustukset",
            start=dt.date(2027, 3, 15),
            kind="grant_application_period",
        )
    )
    ClockEntryFactory(year=2027, month=3, kind=Kind.GRANT_APPLICATION_PERIOD)

    assert clock_entries_match_sources(entries=ClockEntry.objects.all()) == 0


def test_association_events_from_the_registry_have_their_own_kind(other_source):
    from portal.registries import CalendarItem

    other_source.append(
        CalendarItem(
            uid="event-7@test", title="Karhujen kevätturnaus", start=dt.date(2027, 5, 8), kind="association_event"
        )
    )

    [event] = clock_items(dt.date(2027, 5, 1), dt.date(2027, 6, 1), kind="association_event")

    assert event.style.label == "Association's event" and event.style.symbol == "★"
