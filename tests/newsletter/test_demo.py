"""The demo newsletter's grant dates come from the city's calendar, so they agree with the annual clock."""

import io
import re

import pytest
from django.utils import translation

from annualclock import demo as annualclock_demo
from annualclock.selectors import clock_items
from associations import demo as associations_demo
from grants import demo as grants_demo
from newsletter import demo
from newsletter.models import Issue, Subscriber, SubscriberTopic
from portal import demo as portal_demo
from portal.registries import get_indicator

pytestmark = pytest.mark.django_db

GRANT_KINDS = {"grant_application_period", "grant_round", "grant_reporting_deadline"}


def dated_lines(markdown):
    """List lines that begin with a date in bold (a year in it), as the calendar lines do."""
    return {line for line in markdown.splitlines() if re.match(r"- \*\*[^*]*\d{4}[^*]*\*\*", line)}


def load_demo():
    out = io.StringIO()
    for module in (portal_demo, associations_demo, grants_demo, demo, annualclock_demo):
        module.load(stdout=out)
    demo.finish(stdout=out)


def test_every_grant_date_the_clock_shows_in_an_issue_s_months_is_in_the_demo_issue_and_no_other():
    load_demo()

    with_grants = [data for data in demo.ISSUES if demo.GRANT_DATES in data.get("body", "")]
    assert len(with_grants) == 3
    for data in with_grants:
        issue = Issue.objects.get(year=data["year"], quarter=data["quarter"], language=data["language"])
        start, end = issue.coming_period()
        with translation.override(issue.language):
            on_the_clock = [row.item for row in clock_items(start, end) if row.item.kind in GRANT_KINDS]
            lines = {demo.markdown_line(item) for item in on_the_clock}
        assert demo.GRANT_DATES not in issue.body
        assert lines <= dated_lines(issue.body), issue
        grant_section = issue.body.split("## Avustukset", 1)[1].split("##", 1)[0]
        assert dated_lines(grant_section) == lines, issue  # and no grant date the clock does not have


def test_the_demo_issue_4_2026_names_the_operating_grant_call_2027_as_the_clock_dates_it():
    # The plan's own dates (7.1.–5.2.2027), not another round that happens to close in January.
    load_demo()

    body = Issue.objects.get(year=2026, quarter=4, language="fi").body

    assert "Toiminta- ja kohdeavustusten haku 2027" in body and "7.1.2027–5.2.2027" in body
    # The hand-typed months that contradicted the clock are gone.
    bodies = " ".join(Issue.objects.values_list("body", flat=True))
    assert "helmi–maaliskuussa" not in bodies and "syys–lokakuussa" not in bodies
    assert "lokakuun loppuun" not in bodies


def test_loading_the_demo_twice_changes_no_issue():
    load_demo()
    before = dict(Issue.objects.values_list("pk", "body"))

    load_demo()

    assert dict(Issue.objects.values_list("pk", "body")) == before


def test_the_demo_data_loads_twice_without_changing_and_feeds_the_indicators():
    demo.load(stdout=io.StringIO())
    counts = (Issue.objects.count(), Subscriber.objects.count(), SubscriberTopic.objects.count())

    demo.load(stdout=io.StringIO())

    assert (Issue.objects.count(), Subscriber.objects.count(), SubscriberTopic.objects.count()) == counts
    assert get_indicator("newsletter.issues_per_year").value_for(2026) == 3
    assert get_indicator("newsletter.subscriber_change").value_for(2026) > 0
    assert Issue.objects.filter(state=Issue.State.SCHEDULED).count() == 1
