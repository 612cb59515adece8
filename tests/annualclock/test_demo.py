import datetime as dt
import io

import pytest
import time_machine

from annualclock import demo
from annualclock.models import ClockEntry, Kind, Meeting
from portal.registries import get_indicator
from tests.dates import local


@pytest.mark.django_db
def test_the_demo_plan_loads_twice_without_duplicates():
    demo.load(stdout=io.StringIO())
    counts = (ClockEntry.objects.count(), Meeting.objects.count())
    demo.load(stdout=io.StringIO())

    assert (ClockEntry.objects.count(), Meeting.objects.count()) == counts
    for year in (2026, 2027):
        plan = ClockEntry.objects.filter(year=year, state=ClockEntry.State.PUBLISHED)
        assert plan.filter(kind=Kind.NEWSLETTER).count() == 4
        assert plan.filter(kind=Kind.ASSOCIATION_EVENING).count() == 2
        assert plan.filter(kind=Kind.SPORTS_PARLIAMENT).count() == 2
        assert plan.filter(kind=Kind.WORKING_GROUP_MEETING).count() == 4
        assert plan.filter(kind=Kind.GRANT_APPLICATION_PERIOD).exists()
        assert plan.filter(kind=Kind.GRANT_REPORTING_DEADLINE).exists()
    # The demo is the programme's fixed 2026–2027 plan; by January 2027 its 2026 meetings are held.
    with time_machine.travel(local(dt.date(2027, 1, 15), dt.time(12)), tick=False):
        assert get_indicator("annualclock.matters_handled").value_for(2026) == 6


@pytest.mark.django_db
def test_poznans_demo_year_is_its_programme_cycle_in_polish(settings):
    settings.CITY = "poznan"
    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())

    titles = set(ClockEntry.objects.filter(year=2026).values_list("title", flat=True))
    assert "Sprawozdanie z realizacji programu współpracy za 2025 (do 31 maja)" in titles
    assert "Uchwalenie rocznego programu współpracy na 2027 (do 30 listopada)" in titles
    assert not any("Yhdistys" in title or "Seuraparlamentti" in title for title in titles)
    report = ClockEntry.objects.get(year=2027, title__startswith="Sprawozdanie")
    assert report.start_date == dt.date(2027, 5, 31)
    assert Meeting.objects.count() == 2
    assert all("Poznań" in meeting.place for meeting in Meeting.objects.all())


@pytest.mark.django_db
def test_every_demo_newsletter_plan_entry_stands_for_its_issue_no_second_entry():
    from django.core.management import call_command

    call_command("demo_data", stdout=io.StringIO())
    unmatched = ClockEntry.objects.filter(kind=Kind.NEWSLETTER, year=2026, replaced_by_uid="")
    assert list(unmatched.values_list("title", flat=True)) == []
