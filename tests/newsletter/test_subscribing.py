"""Subscribing with double opt-in: the form, the confirmation link, the evidence kept."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from newsletter.consent import CONSENT_VERSION
from newsletter.models import Subscriber, Topic
from newsletter.services import subscriptions
from newsletter.tokens import confirm_token
from portal.models import Notification
from portal.registries import recipients
from tests.factories import UserFactory
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/en/newsletter/subscribe/"  # English pages: the assertions read the English text


def subscribe(client, email, **extra):
    data = {"email": email, "language": "en", "topics": ["grants", "events"], "source": "/en/grants/"}
    data.update(extra)
    return client.post(SUBSCRIBE, data)


def confirm_link(notification):
    return re.search(r"https://portal\.example(/en/newsletter/confirm/[^/\s]+/)", notification.body_text).group(1)


def test_subscribing_sends_a_confirmation_link_and_keeps_the_consent_evidence(client):
    before = timezone.now()
    response = subscribe(client, "  Liisa.Virtanen@Example.org ")

    assert response.status_code == 302
    assert response["Location"] == "/en/newsletter/subscribe/thanks/"
    assert str(subscriptions.SUBSCRIBE_DONE) in client.get(response["Location"]).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "liisa.virtanen@example.org"
    assert subscriber.is_pending
    assert subscriber.requested_at >= before
    assert subscriber.consent_source == "/en/grants/"
    assert subscriber.consent_version == CONSENT_VERSION
    assert subscriber.method == Subscriber.Method.DOUBLE_OPT_IN
    assert subscriber.topic_codes() == ["events", "grants"]
    mail = Notification.objects.get()
    assert mail.to == "liisa.virtanen@example.org"
    assert mail.key.startswith(f"newsletter-confirm:{subscriber.pk}:")
    assert mail.subject == "Confirm your newsletter subscription"
    assert confirm_link(mail) in mail.body_html


def test_nobody_receives_anything_before_confirming(client):
    subscribe(client, "pending@example.org")

    assert recipients("newsletter.topic.grants") == []


def test_confirming_takes_a_button_press_so_link_scanners_do_not_subscribe_anyone(client):
    subscribe(client, "liisa@example.org")
    link = confirm_link(Notification.objects.get())

    page = client.get(link)
    assert page.status_code == 200
    assert "liisa@example.org" in page.content.decode()
    assert Subscriber.objects.get().is_pending

    response = client.post(link)
    assert response.status_code == 200
    assert str(subscriptions.CONFIRMED) in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active
    assert subscriber.confirmed_at >= subscriber.requested_at
    assert [r.email for r in recipients("newsletter.topic.grants")] == ["liisa@example.org"]
    assert recipients("newsletter.topic.facilities") == []


def test_confirming_twice_changes_nothing_the_second_time(client):
    subscriber = SubscriberFactory(confirmed_at=None)
    link = f"/fi/newsletter/confirm/{confirm_token(subscriber)}/"
    client.post(link)
    first = Subscriber.objects.get().confirmed_at

    response = client.post(link)

    assert str(subscriptions.ALREADY_CONFIRMED) in response.content.decode()
    assert Subscriber.objects.get().confirmed_at == first


def test_an_expired_confirmation_link_gets_a_clear_message_and_changes_nothing(client):
    subscriber = SubscriberFactory(confirmed_at=None)
    eight_days_ago = timezone.now().timestamp() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = confirm_token(subscriber)

    for response in (client.get(f"/fi/newsletter/confirm/{token}/"), client.post(f"/fi/newsletter/confirm/{token}/")):
        assert response.status_code == 400
        assert str(subscriptions.LINK_EXPIRED) in response.content.decode()
    assert Subscriber.objects.get().is_pending


@pytest.mark.parametrize(
    "make_token",
    [
        lambda: "1.abcdef.forgedsignature",
        lambda: "not-a-token",
        # The wrong kind of link; signed when the test runs, as a timestamp must not be part of
        # a test's id (parallel workers collect a second apart and would disagree).
        lambda: signing.TimestampSigner(salt="newsletter.manage", sep=".").sign("1"),
    ],
    ids=["forged-signature", "not-a-token", "a-manage-link"],
)
def test_a_forged_confirmation_link_gets_a_clear_message_and_changes_nothing(client, make_token):
    SubscriberFactory(pk=1, confirmed_at=None)
    token = make_token()

    response = client.post(f"/fi/newsletter/confirm/{token}/")

    assert response.status_code == 400
    assert str(subscriptions.LINK_INVALID) in response.content.decode()
    assert Subscriber.objects.get().is_pending


def test_the_answer_is_the_same_whether_the_address_is_known_or_not(client):
    known = SubscriberFactory(email="known@example.org", language="en", topics=["grants"])

    for_known = subscribe(client, "known@example.org", topics=["facilities"], language="sv")
    for_unknown = subscribe(client, "unknown@example.org")

    assert for_known.status_code == for_unknown.status_code == 302
    assert for_known["Location"] == for_unknown["Location"]
    known.refresh_from_db()
    assert known.topic_codes() == ["grants"] and known.language == "en"  # nothing changed for the known one
    mails = {n.to: n for n in Notification.objects.all()}
    assert mails["known@example.org"].subject == "You already receive the newsletter"
    assert "/en/newsletter/preferences/" in mails["known@example.org"].body_text
    assert mails["unknown@example.org"].subject == "Confirm your newsletter subscription"


def test_asking_again_within_15_minutes_sends_no_second_message(client):
    subscribe(client, "hasty@example.org")
    subscribe(client, "hasty@example.org", language="sv")

    assert Notification.objects.count() == 1
    assert Subscriber.objects.get().language == "sv"  # the pending request takes the latest choices


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", subscriptions.EMAIL_INVALID),
        ("", subscriptions.EMAIL_INVALID),
        ("liisa@example", subscriptions.EMAIL_INVALID),
        ("liisa@example.org\r\nBcc: everyone@example.org", subscriptions.EMAIL_SEVERAL),
        ("liisa@example.org\nSubject: spam", subscriptions.EMAIL_INVALID),
        (", ".join(f"person{i}@example.org" for i in range(5000)), subscriptions.EMAIL_SEVERAL),
    ],
    ids=["no-at", "empty", "no-domain", "header-injection-bcc", "header-injection-subject", "paste-5000"],
)
def test_a_bad_address_gets_a_clear_message_and_nothing_is_sent(client, email, message):
    response = subscribe(client, email)

    assert response.status_code == 200
    content = response.content.decode()
    assert str(message) in content
    assert 'aria-invalid="true"' in content
    assert Subscriber.objects.count() == 0
    assert Notification.objects.count() == 0


def test_unknown_topic_or_language_gets_a_clear_message(client):
    response = subscribe(client, "a@example.org", topics=["gossip"], language="xx")

    content = response.content.decode()
    assert str(subscriptions.TOPIC_UNKNOWN) in content
    assert str(subscriptions.LANGUAGE_UNKNOWN) in content
    assert Subscriber.objects.count() == 0


def test_the_footer_form_is_on_every_page_and_subscribes_in_the_page_language(client):
    home = client.get("/sv/").content.decode()
    assert 'action="/sv/newsletter/subscribe/"' in home
    assert '<label for="footer-newsletter-email">' in home

    response = client.post("/sv/newsletter/subscribe/", {"email": "footer@example.org", "source": "/sv/"})

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "sv"
    assert subscriber.consent_source == "/sv/"
    assert subscriber.topic_codes() == sorted(Topic.values)


def test_the_footer_form_with_a_bad_address_shows_the_full_form_with_the_message(client):
    response = client.post("/fi/newsletter/subscribe/", {"email": "bad", "source": "/fi/"})

    assert response.status_code == 200
    assert str(subscriptions.EMAIL_INVALID) in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_a_foreign_source_is_not_kept_as_evidence(client):
    subscribe(client, "a@example.org", source="https://evil.example/")

    assert Subscriber.objects.get().consent_source == SUBSCRIBE


def test_the_subscribe_page_says_there_is_no_tracking(client):
    content = client.get(SUBSCRIBE).content.decode()

    assert "No tracking" in content


def test_too_many_requests_from_one_network_are_refused(settings):
    settings.NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR = 2
    client = Client(REMOTE_ADDR=f"192.0.2.{timezone.now().microsecond % 250}")
    client.post(SUBSCRIBE, {"email": "a1@example.org", "language": "en"})
    client.post(SUBSCRIBE, {"email": "a2@example.org", "language": "en"})

    response = client.post(SUBSCRIBE, {"email": "a3@example.org", "language": "en"})

    assert response.status_code == 429
    assert "Too many subscription requests" in response.content.decode()
    assert not Subscriber.objects.filter(email="a3@example.org").exists()


def test_subscribing_again_after_unsubscribing_keeps_the_old_subscription_as_history(client):
    old = SubscriberFactory(email="back@example.org", unsubscribed_at=timezone.now() - dt.timedelta(days=3))

    subscribe(client, "back@example.org")

    new = Subscriber.objects.exclude(pk=old.pk).get()
    assert new.is_pending
    old.refresh_from_db()
    assert old.unsubscribed_at is not None


def test_a_signed_in_user_with_a_verified_address_subscribes_with_one_click(client_for, outsider):
    client = client_for(outsider)
    page = client.get(SUBSCRIBE).content.decode()
    assert "Subscribe as outsider@example.org" in page

    response = client.post("/en/newsletter/subscribe/account/", {"language": "en", "topics": ["training"]})

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active
    assert subscriber.method == Subscriber.Method.ACCOUNT
    assert subscriber.user == outsider
    assert subscriber.topic_codes() == ["training"]
    assert Notification.objects.count() == 0  # no confirmation needed
    follow = client.get(response["Location"]).content.decode()
    assert "You now receive the newsletter at outsider@example.org." in follow
    assert "/en/newsletter/preferences/" in follow


def test_one_click_confirms_a_pending_request_for_the_same_address(client_for, outsider):
    pending = SubscriberFactory(email="outsider@example.org", confirmed_at=None)

    client_for(outsider).post("/en/newsletter/subscribe/account/", {"language": "en", "topics": ["grants"]})

    pending.refresh_from_db()
    assert pending.is_active
    assert pending.language == "en"


def test_a_user_without_a_verified_address_cannot_subscribe_with_one_click(client_for):
    user = UserFactory(email="unverified@example.org", verified=False)
    client = client_for(user)
    assert "Subscribe as" not in client.get(SUBSCRIBE).content.decode()

    response = client.post("/en/newsletter/subscribe/account/", {"language": "en"}, follow=True)

    assert str(subscriptions.ACCOUNT_EMAIL_UNVERIFIED) in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_unconfirmed_requests_are_forgotten_after_the_link_expires():
    stale = SubscriberFactory(confirmed_at=None, requested_at=timezone.now() - dt.timedelta(days=9))
    fresh = SubscriberFactory(confirmed_at=None, requested_at=timezone.now() - dt.timedelta(days=1))
    active = SubscriberFactory(requested_at=timezone.now() - dt.timedelta(days=90))

    assert subscriptions.subscribers_purge_unconfirmed() >= 1

    assert set(Subscriber.objects.values_list("pk", flat=True)) == {fresh.pk, active.pk}
    assert not Subscriber.objects.filter(pk=stale.pk).exists()
