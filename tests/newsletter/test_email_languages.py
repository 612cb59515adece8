"""Every newsletter e-mail is in its reader's language, links included, whatever page caused it."""

import pytest
from django.conf import settings
from django.utils import translation

from newsletter.models import Subscriber
from newsletter.services import drafting, subscriptions
from portal.models import Notification
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def assert_in_language(row, language):
    assert row.language == language, row.template
    for body in (row.body_text, row.body_html):
        for other, _name in settings.LANGUAGES:
            if other != language:
                assert f"{settings.SITE_URL}/{other}/" not in body, (row.template, other)
    assert f"{settings.SITE_URL}/{language}/newsletter/" in row.body_text, row.template


def test_the_confirmation_is_in_the_language_the_reader_chose_not_the_pages():
    with translation.override("en"):
        subscriptions.subscriber_subscribe(email="lasare@example.org", language="sv", topics=[])
    (row,) = Notification.objects.filter(template="newsletter-confirm")
    assert_in_language(row, "sv")


def test_the_already_subscribed_note_is_in_the_subscribers_language():
    SubscriberFactory(email="lukija@example.org", language="sv")
    with translation.override("en"):
        subscriptions.subscriber_subscribe(email="lukija@example.org", language="en", topics=[])
    (row,) = Notification.objects.filter(template="newsletter-already-subscribed")
    assert_in_language(row, "sv")
    assert Subscriber.objects.get(email="lukija@example.org").language == "sv"


def test_a_test_send_is_in_each_subscribers_language_and_the_issues_for_others():
    SubscriberFactory(email="svensk@example.org", language="sv")
    issue = IssueFactory(language="fi")
    with translation.override("en"):
        sent = drafting.issue_send_test(issue=issue, addresses=["svensk@example.org", "staff@city.example"])
    assert sent == ["svensk@example.org", "staff@city.example"]
    swedish = Notification.objects.get(to="svensk@example.org")
    assert swedish.language == "sv"
    assert f"{settings.SITE_URL}/sv/newsletter/unsubscribe/" in swedish.body_text
    issue_page = f"{settings.SITE_URL}/fi/newsletter/{issue.year}-{issue.quarter}/"  # the issue's own page
    assert issue_page in swedish.body_text
    assert f"{settings.SITE_URL}/en/" not in swedish.body_text
    row = Notification.objects.get(to="staff@city.example")
    assert row.language == "fi"
    assert f"{settings.SITE_URL}/en/" not in row.body_text


def test_the_same_version_of_a_test_goes_to_an_address_once_and_an_edited_one_again():
    issue = IssueFactory()
    assert drafting.issue_send_test(issue=issue, addresses="staff@city.example") == ["staff@city.example"]
    assert drafting.issue_send_test(issue=issue, addresses="staff@city.example") == []
    issue.body += "\n\nKorjattu."
    issue.save()
    assert drafting.issue_send_test(issue=issue, addresses="staff@city.example") == ["staff@city.example"]
    assert Notification.objects.filter(template="newsletter-issue").count() == 2
