"""The newsletter in a real browser: subscribe, confirm from the e-mail, receive an issue,
unsubscribe with one click; bad links; axe on every newsletter page.

English pages, so the assertions read the English text (translations come later).
"""

import re
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone, translation

from newsletter.models import Subscriber
from newsletter.services import delivery, subscriptions
from newsletter.tokens import confirm_token, manage_token
from portal.models import Notification
from tests.conftest import assert_accessible
from tests.newsletter.factories import IssueFactory, SubscriberFactory, sent_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    """The pages are under /en/: compare with the English text of the message constants."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR = 10_000


def main_text(page):
    return page.locator("main").inner_text()


def test_subscribe_confirm_receive_an_issue_and_unsubscribe_with_one_click(page, mailoutbox):
    page.goto(f"{page.base}/en/newsletter/subscribe/")
    assert_accessible(page)
    assert "No tracking" in main_text(page)

    # A wrong address first: the message is tied to the field, and nothing is sent.
    page.fill("#id_email", "liisa.example.org")
    page.locator("main form.newsletter-subscribe-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert str(subscriptions.EMAIL_INVALID) in main_text(page)
    assert_accessible(page)
    assert Notification.objects.count() == 0

    page.fill("#id_email", "liisa@example.org")
    page.uncheck("input[name=topics][value=facilities]")
    page.locator("main form.newsletter-subscribe-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/newsletter/subscribe/thanks/$"))
    assert str(subscriptions.SUBSCRIBE_DONE) in main_text(page)
    assert_accessible(page)

    confirmation = Notification.objects.get(to="liisa@example.org")
    link = re.search(r"http://\S+/en/newsletter/confirm/\S+/", confirmation.body_text).group(0)
    page.goto(link)
    assert_accessible(page)
    assert Subscriber.objects.get().is_pending
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert str(subscriptions.CONFIRMED) in main_text(page)
    assert_accessible(page)
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active and subscriber.language == "en"
    assert "facilities" not in subscriber.topic_codes()

    mailoutbox.clear()
    delivery.issue_send_now(issue=IssueFactory(subject="Association news 4/2026", language="en"))
    [message] = [m for m in mail.outbox if m.to == ["liisa@example.org"]]
    assert message.subject == "Association news 4/2026"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.search(r"<(http[^>]+/unsubscribe/[^>]+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert unsubscribe_url in message.alternatives[0][0]  # the visible link is the same page

    page.goto(unsubscribe_url)
    assert_accessible(page)
    page.locator("main a", has_text="Change your language or topics").click()
    page.wait_for_url(re.compile(r"/en/newsletter/preferences/"))
    assert_accessible(page)
    page.go_back()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert str(subscriptions.UNSUBSCRIBED) in main_text(page)
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_a_mail_programs_one_click_post_unsubscribes_through_the_real_server(page):
    subscriber = SubscriberFactory(email="reader@example.org", language="en")
    url = f"{page.base}/en/newsletter/unsubscribe/{manage_token(subscriber)}/"

    response = page.request.post(url, form={"List-Unsubscribe": "One-Click"})

    assert response.status == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribe_reason == Subscriber.Reason.ONE_CLICK


def test_changing_choices_on_the_preferences_page(page):
    subscriber = SubscriberFactory(email="reader@example.org", language="en", topics=["grants"])
    page.goto(f"{page.base}/en/newsletter/preferences/{manage_token(subscriber)}/")

    page.select_option("#id_language", "sv")
    page.check("input[name=topics][value=training]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert str(subscriptions.PREFERENCES_SAVED) in page.locator(".messages").inner_text()
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.language == "sv" and subscriber.topic_codes() == ["grants", "training"]


def test_an_expired_or_forged_link_gets_a_clear_message_and_changes_nothing(page):
    subscriber = SubscriberFactory(email="late@example.org", language="en", confirmed_at=None)
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() - 8 * 24 * 3600):
        expired = confirm_token(subscriber)

    page.goto(f"{page.base}/en/newsletter/confirm/{expired}/")
    assert str(subscriptions.LINK_EXPIRED) in page.locator("[role=alert]").inner_text()
    assert page.locator("main form").count() == 0  # no button to press
    assert_accessible(page)

    forged = f"{subscriber.pk}.forged-signature"
    for path in (f"confirm/{forged}", f"unsubscribe/{forged}", f"preferences/{forged}"):
        page.goto(f"{page.base}/en/newsletter/{path}/")
        assert str(subscriptions.LINK_INVALID) in page.locator("[role=alert]").inner_text()
    assert_accessible(page)

    subscriber.refresh_from_db()
    assert subscriber.is_pending


def test_the_footer_form_subscribes_from_any_page(page):
    page.goto(f"{page.base}/en/")
    page.fill("#footer-newsletter-email", "footer@example.org")
    page.locator("footer form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/en/newsletter/subscribe/thanks/$"))
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "footer@example.org" and subscriber.consent_source == "/en/"
    assert Notification.objects.filter(to="footer@example.org").exists()


def test_a_signed_in_representative_subscribes_with_one_click(page, association_member):
    page.goto(f"{page.base}/en/accounts/login/")
    page.fill("#id_login", "member@karhut.example")
    page.fill("#id_password", "correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{page.base}/en/newsletter/subscribe/")
    assert_accessible(page)
    page.get_by_role("button", name="Subscribe as member@karhut.example").click()
    page.wait_for_load_state()

    assert "You now receive the newsletter at member@karhut.example." in page.locator(".messages").inner_text()
    assert Subscriber.objects.get().is_active


def test_the_archive_pages_pass_axe(page):
    sent_issue(subject="Association news 3/2026", language="en", year=2026, quarter=3)

    for path in ("en/newsletter/", "en/newsletter/2026/", "en/newsletter/2026-3/", "fi/newsletter/2026-3/"):
        page.goto(f"{page.base}/{path}")
        assert "Association news 3/2026" in main_text(page)
        assert_accessible(page)


@pytest.mark.parametrize("phone", [True, False], ids=["375px", "1280px"])
def test_the_archive_in_another_language_and_an_issue_written_only_in_finnish_pass_axe(page, mobile_page, phone):
    browser_page = mobile_page if phone else page
    finnish = sent_issue(subject="Yhdistysuutiskirje 1/2026", language="fi", year=2026, quarter=1)
    sent_issue(subject="Nyhetsbrev 1/2026", language="sv", year=2026, quarter=1, translation_of=finnish)
    sent_issue(subject="Yhdistysuutiskirje 2/2026", language="fi", year=2026, quarter=2)

    for path in ("sv/newsletter/", "sv/newsletter/2026-2/", "en/newsletter/2026-1/"):
        browser_page.goto(f"{browser_page.base}/{path}")
        assert_accessible(browser_page)
    assert browser_page.locator("article.newsletter-issue").get_attribute("lang") == "fi"
    assert "This issue was published in Finnish only." in main_text(browser_page)
