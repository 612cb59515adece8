"""Behind the TLS proxy every request comes from the proxy's address: the limits must count the
visitor's address, which the proxy appends to X-Forwarded-For, and believe no more of that
header than the configured number of trusted proxies (ALLAUTH_TRUSTED_PROXY_COUNT).

Here the proxy is 10.0.0.2 and appends the address it sees, as nginx's
``proxy_add_x_forwarded_for`` does; whatever the visitor wrote into the header stays on the left.
"""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from newsletter.models import Subscriber
from tests.factories import UserFactory

PROXY = "10.0.0.2"
PASSWORD = "correct horse battery"  # the factories' password
SUBSCRIBE = "/en/newsletter/subscribe/"
TOO_MANY_SUBSCRIPTIONS = "Too many subscription requests from your network. Try again in an hour."
TOO_MANY_LOGINS = "Too many failed login attempts. Try again later."


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    """One trusted proxy; the limits count in a private cache that no other test touches."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "client-address"}}
    ):
        cache.clear()
        yield
        cache.clear()


def visitor(forwarded_for):
    """A browser whose requests reach the portal through the proxy with this X-Forwarded-For."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def client_ip(request):
    from portal.accounts import client_ip

    return client_ip(request)


def subscribe(client, email):
    return client.post(SUBSCRIBE, {"email": email, "language": "en"})


def test_the_client_address_is_the_one_the_trusted_proxy_appended(rf):
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    spoofed = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7")
    assert client_ip(spoofed) == "198.51.100.7"


def test_without_a_trusted_proxy_the_forwarded_header_is_not_believed(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="203.0.113.1")) == "192.0.2.5"


def test_a_header_with_fewer_hops_than_trusted_proxies_falls_back_to_the_peer_not_a_server_error(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="203.0.113.1")) == "192.0.2.5"


@pytest.mark.django_db
def test_two_visitors_behind_the_proxy_do_not_share_the_newsletter_limit(settings):
    settings.NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR = 2
    first, second = visitor("198.51.100.7"), visitor("198.51.100.8")
    subscribe(first, "a1@example.org")
    subscribe(first, "a2@example.org")

    refused = subscribe(first, "a3@example.org")
    welcome = subscribe(second, "b1@example.org")

    assert refused.status_code == 429 and TOO_MANY_SUBSCRIPTIONS in refused.content.decode()
    assert welcome.status_code == 302
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "a1@example.org",
        "a2@example.org",
        "b1@example.org",
    }


@pytest.mark.django_db
def test_a_spoofed_forwarded_header_does_not_escape_the_newsletter_limit(settings):
    settings.NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR = 2
    for n, made_up in enumerate(["203.0.113.1", "203.0.113.2", "203.0.113.3"]):
        response = subscribe(visitor(f"{made_up}, 198.51.100.7"), f"spoof{n}@example.org")

    assert response.status_code == 429 and TOO_MANY_SUBSCRIPTIONS in response.content.decode()
    assert not Subscriber.objects.filter(email="spoof2@example.org").exists()


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key", "login": "30/m/ip"})
def test_failed_logins_of_one_visitor_do_not_lock_out_another_behind_the_proxy():
    attacker, resident = visitor("198.51.100.66"), visitor("198.51.100.7")
    UserFactory(email="resident@example.org")
    for n in range(10):
        attacker.post("/en/accounts/login/", {"login": f"guess{n}@example.org", "password": "guess"})
    locked = attacker.post("/en/accounts/login/", {"login": "guess99@example.org", "password": "guess"})

    response = resident.post("/en/accounts/login/", {"login": "resident@example.org", "password": PASSWORD})

    assert TOO_MANY_LOGINS in locked.content.decode()
    assert response.status_code == 302
    assert "_auth_user_id" in resident.session
