"""Preferences and unsubscribing from the links in every message, without an account."""

import pytest
from django.core import signing
from django.test import Client

from newsletter.models import Subscriber
from newsletter.services import subscriptions
from newsletter.tokens import confirm_token, manage_token
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    return SubscriberFactory(email="reader@example.org", language="fi", topics=["grants"])


def test_the_preferences_page_changes_language_and_topics(client, subscriber):
    url = f"/fi/newsletter/preferences/{manage_token(subscriber)}/"
    page = client.get(url).content.decode()
    assert "reader@example.org" in page
    assert 'value="grants"' in page and "checked" in page

    response = client.post(url, {"language": "sv", "topics": ["facilities", "training"]}, follow=True)

    assert str(subscriptions.PREFERENCES_SAVED) in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.language == "sv"
    assert subscriber.topic_codes() == ["facilities", "training"]
    assert subscriber.is_active


def test_preferences_with_a_bad_choice_show_a_message_and_change_nothing(client, subscriber):
    url = f"/fi/newsletter/preferences/{manage_token(subscriber)}/"

    response = client.post(url, {"language": "xx", "topics": ["gossip"]})

    assert response.status_code == 200
    assert str(subscriptions.LANGUAGE_UNKNOWN) in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.language == "fi" and subscriber.topic_codes() == ["grants"]


@pytest.mark.parametrize("page", ["preferences", "unsubscribe"])
def test_a_forged_management_link_gets_a_clear_message_and_changes_nothing(client, subscriber, page):
    forged = [
        f"{subscriber.pk}.forged",
        confirm_token(subscriber),  # a confirmation link is not a management link
        signing.Signer(salt="newsletter.manage", key="another-secret-key-of-someone-else-12345", sep=".").sign(
            str(subscriber.pk)
        ),
    ]
    for token in forged:
        for response in (client.get(f"/fi/newsletter/{page}/{token}/"), client.post(f"/fi/newsletter/{page}/{token}/")):
            assert response.status_code == 400
            assert str(subscriptions.LINK_INVALID) in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_active


def test_the_unsubscribe_link_shows_one_button_and_offers_preferences_but_changes_nothing(client, subscriber):
    token = manage_token(subscriber)

    response = client.get(f"/en/newsletter/unsubscribe/{token}/")
    page = response.content.decode()

    assert "no-store" in response["Cache-Control"]  # a personal page: never in a shared cache
    main = page[page.index("<main") : page.index("</main>")]
    assert main.count("<button") == 1
    assert "Unsubscribe</button>" in main
    assert f"/en/newsletter/preferences/{token}/" in page
    subscriber.refresh_from_db()
    assert subscriber.is_active


def test_pressing_the_button_unsubscribes_at_once(subscriber):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/fi/newsletter/unsubscribe/{manage_token(subscriber)}/")

    assert response.status_code == 200
    assert str(subscriptions.UNSUBSCRIBED) in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert subscriber.unsubscribe_reason == Subscriber.Reason.LINK


def test_the_mail_programs_one_click_post_unsubscribes_without_a_csrf_token(subscriber):
    """RFC 8058: POST with the body List-Unsubscribe=One-Click, no cookies."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/fi/newsletter/unsubscribe/{manage_token(subscriber)}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert subscriber.unsubscribe_reason == Subscriber.Reason.ONE_CLICK


def test_unsubscribing_twice_says_so_and_keeps_the_first_time(client, subscriber):
    url = f"/fi/newsletter/unsubscribe/{manage_token(subscriber)}/"
    client.post(url)
    first = Subscriber.objects.get().unsubscribed_at

    response = client.post(url)

    assert str(subscriptions.ALREADY_UNSUBSCRIBED) in response.content.decode()
    assert Subscriber.objects.get().unsubscribed_at == first
    assert str(subscriptions.ALREADY_UNSUBSCRIBED) in client.get(url).content.decode()


def test_an_unsubscribed_reader_cannot_change_preferences(client, subscriber):
    token = manage_token(subscriber)
    client.post(f"/fi/newsletter/unsubscribe/{token}/")

    response = client.post(f"/fi/newsletter/preferences/{token}/", {"language": "en", "topics": []})

    assert str(subscriptions.ALREADY_UNSUBSCRIBED) in response.content.decode()
    assert Subscriber.objects.get().language == "fi"


def test_a_confirmation_link_of_a_cancelled_subscription_says_so(client):
    subscriber = SubscriberFactory(confirmed_at=None)
    subscriptions.subscriber_unsubscribe(subscriber=subscriber, reason=Subscriber.Reason.LINK)

    response = client.post(f"/fi/newsletter/confirm/{confirm_token(subscriber)}/")

    assert response.status_code == 410
    assert str(subscriptions.CONFIRM_ENDED) in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
