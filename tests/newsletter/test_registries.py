"""What the newsletter gives the rest of the portal: indicators, calendar items, recipient lists."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsletter.models import Issue
from newsletter.services import drafting
from portal import registries
from portal.registries import CalendarItem, calendar_items, get_indicator, recipient_list_choices, recipients
from tests.newsletter.factories import IssueFactory, SubscriberFactory, sent_issue

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def test_issues_per_year_counts_each_sent_issue_once_whatever_its_languages():
    spring = sent_issue(sent_at=at(2026, 3, 10))
    sent_issue(sent_at=at(2026, 3, 10), language="sv", translation_of=spring)
    sent_issue(sent_at=at(2026, 6, 10))
    sent_issue(sent_at=at(2025, 12, 10))
    IssueFactory(year=2026)  # a draft does not count

    assert get_indicator("newsletter.issues_per_year").value_for(2026) == 2
    assert get_indicator("newsletter.issues_per_year").value_for(2025) == 1


def test_subscribers_at_year_end_and_the_change_from_the_previous_year():
    def subscription(confirmed, ended=None):
        return SubscriberFactory(
            requested_at=confirmed - dt.timedelta(hours=1), confirmed_at=confirmed, unsubscribed_at=ended
        )

    subscription(at(2024, 5, 1))
    subscription(at(2025, 2, 1))
    subscription(at(2025, 3, 1), ended=at(2026, 4, 1))
    subscription(at(2024, 1, 1), ended=at(2025, 6, 1))
    subscription(at(2026, 9, 1))
    subscription(at(2026, 12, 31) + dt.timedelta(hours=13))  # 1 January 2027 in Helsinki
    SubscriberFactory(confirmed_at=None)  # never confirmed

    at_year_end = get_indicator("newsletter.subscribers_at_year_end")
    change = get_indicator("newsletter.subscriber_change")
    assert [at_year_end.value_for(year) for year in (2024, 2025, 2026)] == [2, 3, 3]
    assert change.value_for(2025) == 1
    assert change.value_for(2026) == 0


def test_planned_issues_are_on_the_calendar_once_per_edition():
    planned = IssueFactory(year=2027, quarter=1, planned_date=dt.date(2027, 2, 12))
    IssueFactory(year=2027, quarter=1, language="sv", translation_of=planned)
    IssueFactory(year=2027, quarter=2, planned_date=None)

    items = calendar_items(dt.date(2027, 1, 1), dt.date(2027, 7, 1), kinds=["newsletter"])

    assert [(item.start, item.month_only) for item in items] == [
        (dt.date(2027, 2, 12), False),
        (dt.date(2027, 5, 1), True),
    ]
    assert items[0].source == "newsletter.issues"
    assert "1/2027" in items[0].title
    assert items[0].uid == f"newsletter-issue-{planned.pk}"


def test_a_sent_issue_is_on_the_calendar_on_its_sending_day_with_its_archive_link():
    issue = sent_issue(year=2026, quarter=4, planned_date=dt.date(2026, 11, 25), sent_at=at(2026, 11, 27))

    [item] = calendar_items(dt.date(2026, 11, 1), dt.date(2026, 12, 1), kinds=["newsletter"])

    assert item.start == dt.date(2026, 11, 27)
    assert item.url == issue.get_absolute_url()


def test_topic_recipient_lists_have_confirmed_subscribers_of_the_topic():
    grants = SubscriberFactory(email="grants@example.org", language="sv", topics=["grants"])
    SubscriberFactory(email="facilities@example.org", topics=["facilities"])
    SubscriberFactory(email="pending@example.org", topics=["grants"], confirmed_at=None)
    SubscriberFactory(email="gone@example.org", topics=["grants"], unsubscribed_at=timezone.now())

    people = recipients("newsletter.topic.grants")

    assert [(r.email, r.language) for r in people] == [(grants.email, "sv")]
    keys = dict(recipient_list_choices())
    assert {"newsletter.topic.grants", "newsletter.topic.training"} <= set(keys)


def test_a_draft_is_assembled_from_the_portals_calendar(monkeypatch):
    def fake_source(start, end):
        items = [
            CalendarItem(
                uid="r1",
                title="Operating grants 2027",
                start=dt.date(2027, 1, 15),
                end=dt.date(2027, 2, 28),
                kind="grant_application_period",
                url="/en/grants/rounds/1/",
            ),
            CalendarItem(
                uid="e1", title="Association evening [spring]", start=at(2027, 2, 3), kind="association_evening"
            ),
            CalendarItem(
                uid="x1", title="Street party", start=dt.date(2027, 1, 5), kind="event", location="Kauppatori"
            ),
            CalendarItem(
                uid="a1",
                title="Agreement with Porin Karhut ry",
                start=dt.date(2026, 12, 1),
                kind="partnership_agreement",
            ),
            CalendarItem(uid="n1", title="The newsletter itself", start=dt.date(2027, 2, 1), kind="newsletter"),
            CalendarItem(uid="late", title="Summer camp", start=dt.date(2027, 6, 1), kind="event"),
            *[
                CalendarItem(
                    uid=f"m{i}", title=f"Club night {i}", start=dt.date(2027, 2, 1 + i), kind="association_event"
                )
                for i in range(20)
            ],
        ]
        return [
            item
            for item in items
            if start <= (item.start.date() if isinstance(item.start, dt.datetime) else item.start) < end
        ]

    monkeypatch.setitem(registries._calendar_sources, "tests.fake", fake_source)

    issue = drafting.issue_assemble_draft(year=2027, quarter=1, language="en", today=dt.date(2026, 11, 21))

    assert issue.state == Issue.State.DRAFT
    assert issue.subject == "Association newsletter 1/2027"
    body = issue.body
    assert "## Grant application periods" in body
    assert "[Operating grants 2027](https://portal.example/en/grants/rounds/1/)" in body
    assert "## Association evenings and workshops" in body and "Association evening (spring)" in body
    assert "## Events of associations" in body and "Street party, Kauppatori" in body
    assert "## Since the previous issue" in body and "Agreement with Porin Karhut ry" in body
    assert "Summer camp" not in body  # after the coming three months
    assert "Club night 13" in body and "Club night 14" not in body  # 15 dates under one heading
    assert "… and 6 more on the portal's calendar." in body
    assert "The newsletter itself" not in body


def test_the_planned_date_must_be_within_the_quarter():
    with pytest.raises(ValidationError) as refused:
        drafting.issue_assemble_draft(year=2027, quarter=1, language="fi", planned_date=dt.date(2027, 5, 1))

    assert refused.value.message_dict["planned_date"] == [str(drafting.PLANNED_DATE_OUTSIDE_QUARTER)]
