"""Accounts (django-allauth): the portal's layout, sign-up with a verified e-mail, password reset
through the outbox, login rate limits, the optional OpenID Connect provider, "My account"."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from portal.accounts import allauth_outbox_key
from portal.models import Notification
from tests.factories import UserFactory

PASSWORD = "correct horse battery"
NEW_PASSWORD = "Satakunta-kesä-2026"
LINK_RE = re.compile(r"https?://testserver(/\S+)")

OIDC_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "suomifi",
                "name": "Suomi.fi",
                "client_id": "portal",
                "secret": "not-a-real-secret",
                "settings": {"server_url": "https://login.example/realms/city"},
            }
        ]
    }
}


def translated(msgid, language="fi", **params):
    """``msgid`` as the user reads it in ``language``: whatever catalogue (ours or allauth's or
    Django's) wins. Failing when there is no translation keeps the language checks honest."""
    with translation.override(language):
        text = translation.gettext(msgid)
    if language != "en":
        assert text != msgid, f"no {language} translation for {msgid!r}"
    return text % params if params else text


def in_page(msgid, language="fi"):
    """The translation as it appears in HTML (Django escapes quotes and ampersands)."""
    return html.escape(translated(msgid, language))


def link_in(notification):
    """The one link of an allauth e-mail, as a path the test client can open."""
    links = LINK_RE.findall(notification.body_text)
    assert len(links) == 1, notification.body_text
    return links[0]


def sign_up(client, email, *, language="fi", password=NEW_PASSWORD):
    return client.post(f"/{language}/accounts/signup/", {"email": email, "password1": password, "password2": password})


# --- The portal's layout, accessible and translated -------------------------------------------


@pytest.mark.django_db
def test_login_page_is_in_the_portals_layout_with_labelled_fields(client):
    html = client.get("/fi/accounts/login/").content.decode()

    assert '<html lang="fi">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert re.search(rf"<h1>\s*{in_page('Sign In')}\s*</h1>", html)
    assert '<label for="id_login">' in html and 'id="id_login"' in html
    assert '<label for="id_password">' in html
    # The "forgot your password?" link comes after the password field, in reading order.
    assert html.index('id="id_password"') < html.index("/fi/accounts/password/reset/")
    assert "Valikko:" not in html, "allauth's bare menu must not show"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "pl"])
def test_account_pages_speak_the_language_of_the_url(client, language):
    heading, signup_heading = in_page("Sign In", language), in_page("Sign Up", language)
    login = client.get(f"/{language}/accounts/login/").content.decode()
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", login)
    assert f"<title>{heading}" in login.replace("\n", "").replace("  ", "")
    signup = client.get(f"/{language}/accounts/signup/").content.decode()
    assert f'<html lang="{language}">' in signup
    assert re.search(rf"<h1>\s*{signup_heading}\s*</h1>", signup)
    reset = client.get(f"/{language}/accounts/password/reset/").content.decode()
    assert re.search(rf"<h1>\s*{in_page('Password Reset', language)}\s*</h1>", reset)


@pytest.mark.django_db
def test_a_wrong_password_is_announced_and_nobody_is_signed_in(client, outsider):
    response = client.post("/fi/accounts/login/", {"login": outsider.email, "password": "wrong password"})

    assert response.status_code == 200
    html = response.content.decode()
    alert = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    assert in_page("The email address and/or password you specified are not correct.") in alert.group(1)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signup_errors_are_tied_to_their_fields(client):
    response = client.post(
        "/en/accounts/signup/", {"email": "not-an-address", "password1": "short", "password2": "other"}
    )

    html = response.content.decode()
    email_input = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_email_error"' in email_input
    assert re.search(r'<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>', html)
    password_input = re.search(r"<input[^>]*name=\"password1\"[^>]*>", html).group(0)
    assert "id_password1_error" in password_input and "id_password1_helptext" in password_input
    assert get_user_model().objects.count() == 0


def test_a_hand_laid_allauth_field_ties_its_errors_and_help_to_the_input(rf):
    """allauth lays some fields out by hand (the e-mail change form passes ``errors=``)."""
    from django import forms
    from django.template import Context, Origin, Template

    class EmailForm(forms.Form):
        email = forms.EmailField()

    form = EmailForm(data={"email": "not-an-address"})
    form.is_valid()
    template = Template(
        "{% load allauth %}"
        '{% element field id=form.email.auto_id name="email" value=form.email.value errors=form.email.errors '
        'type="email" %}{% slot label %}Email{% endslot %}{% slot help_text %}Your address{% endslot %}'
        "{% endelement %}",
        origin=Origin("account/email_change.html", template_name="account/email_change.html"),
    )

    with translation.override("en"):
        html = template.render(Context({"form": form, "request": rf.get("/")}))

    email_input = re.search(r"<input[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="id_email_errors id_email_helptext"' in email_input
    errors = re.search(r'<div class="field-errors" id="id_email_errors">(.*?)</div>', html, re.S).group(1)
    assert "Enter a valid email address." in errors
    assert 'id="id_email_helptext"' in html


@pytest.mark.django_db
def test_a_short_password_is_refused_with_a_translated_reason(client):
    response = client.post(
        "/sv/accounts/signup/", {"email": "ny@example.org", "password1": "kort-ord", "password2": "kort-ord"}
    )

    with translation.override("sv"):
        reason = translation.ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            10,
        )
    assert "This password" not in reason
    assert html.escape(reason % 10) in response.content.decode()
    assert get_user_model().objects.count() == 0


# --- Sign-up with mandatory e-mail verification, through the outbox ---------------------------


@pytest.mark.django_db
def test_signup_queues_a_finnish_confirmation_whose_link_verifies_and_signs_in(client):
    response = sign_up(client, "sihteeri@karhut.example")

    assert response.status_code == 302
    assert response["Location"] == "/fi/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session, "nobody is signed in before the e-mail is verified"
    mail = Notification.objects.get(to="sihteeri@karhut.example")
    assert mail.key.startswith("allauth:email_confirmation_signup:")
    assert mail.language == "fi"
    assert mail.subject == translated("Please Confirm Your Email Address")
    assert "Porin yhdistysportaali" in mail.body_text
    assert translated(
        "You're receiving this email because user %(user_display)s has given your email address to register an "
        "account on %(site_domain)s.",
        user_display="sihteeri@karhut.example",
        site_domain="testserver",
    ) in " ".join(mail.body_text.split()), "the user is named by their address"
    assert "example.com" not in mail.body_text
    link = link_in(mail)
    assert link.startswith("/fi/accounts/confirm-email/")

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "sihteeri@karhut.example" in confirm_page.content.decode()
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="sihteeri@karhut.example").verified
    user = get_user_model().objects.get(email="sihteeri@karhut.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get(confirmed["Location"]).content.decode()
    assert re.search(r'<span class="signed-in-as">[^<]*sihteeri@karhut.example</span>', home)


@pytest.mark.django_db
def test_an_unverified_user_cannot_sign_in_and_gets_the_link_again(client, rate_limit_cache):
    sign_up(client, "kassa@karhut.example")
    client.post("/fi/accounts/logout/")
    cache.clear()  # allauth's resend cooldown lives in the cache

    response = client.post("/fi/accounts/login/", {"login": "kassa@karhut.example", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/fi/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    confirmations = Notification.objects.filter(to="kassa@karhut.example", key__startswith="allauth:email_confirmation")
    assert confirmations.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en", "pl"])
def test_the_confirmation_is_written_in_the_language_of_the_signup_page(client, language):
    sign_up(client, f"{language}@example.org", language=language)

    mail = Notification.objects.get(to=f"{language}@example.org")
    assert mail.language == language
    assert mail.subject == translated("Please Confirm Your Email Address", language)
    assert link_in(mail).startswith(f"/{language}/accounts/confirm-email/")


@pytest.mark.django_db
def test_signing_up_with_a_taken_address_reveals_nothing_but_mails_the_owner(client, outsider):
    response = sign_up(client, outsider.email)

    assert response.status_code == 302
    assert response["Location"] == "/fi/accounts/confirm-email/"
    mail = Notification.objects.get(to=outsider.email)
    assert mail.key.startswith("allauth:account_already_exists:")
    assert get_user_model().objects.filter(email=outsider.email).count() == 1


@pytest.mark.django_db
def test_password_reset_is_mailed_through_the_outbox_and_its_link_sets_a_new_password(client, outsider):
    response = client.post("/fi/accounts/password/reset/", {"email": outsider.email})

    assert response.status_code == 302
    mail = Notification.objects.get(to=outsider.email)
    assert mail.key.startswith("allauth:password_reset_key:")
    assert mail.language == "fi"
    assert mail.subject == translated("Password Reset Email")
    link = link_in(mail)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    outsider.refresh_from_db()
    assert outsider.check_password(NEW_PASSWORD)
    changed = Notification.objects.filter(to=outsider.email, key__startswith="allauth:password_reset:")
    assert changed.count() == 1, "the owner is told their password was changed"


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_the_same_and_mails_only_that_address(client):
    response = client.post("/fi/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    mail = Notification.objects.get(to="nobody@example.org")
    assert mail.key.startswith("allauth:unknown_account:")
    assert "/password/reset/key/" not in mail.body_text


def test_each_allauth_message_gets_its_own_short_outbox_key():
    first = allauth_outbox_key("account/email/email_confirmation_signup")
    second = allauth_outbox_key("account/email/email_confirmation_signup")

    assert first != second
    assert re.fullmatch(r"allauth:email_confirmation_signup:[0-9a-f]{32}", first)
    assert len(first) < 255


@pytest.mark.django_db
def test_asking_for_the_confirmation_twice_queues_two_messages(client, outsider, rate_limit_cache):
    EmailAddress.objects.create(user=outsider, email="second@example.org", verified=False, primary=False)
    client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")

    for _ in range(2):
        cache.clear()  # past allauth's resend cooldown
        client.post("/fi/accounts/email/", {"action_send": "", "email": "second@example.org"})

    assert Notification.objects.filter(to="second@example.org").count() == 2


# --- Rate limits ------------------------------------------------------------------------------


@pytest.fixture
def rate_limit_cache():
    """The rate limits count in a private cache, so no other test's requests are counted.

    Clearing it clears only it: ``cache.clear()`` on the shared Redis would flush the counters of
    a test running at the same time in another xdist worker."""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-limits"}}
    ):
        cache.clear()
        yield
        cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("rate_limit_cache")
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,3/5m/key"})
def test_repeated_failed_logins_lock_the_address_even_against_the_right_password(client, outsider):
    too_many = in_page("Too many failed login attempts. Try again later.")
    for _ in range(3):
        response = client.post("/fi/accounts/login/", {"login": outsider.email, "password": "guess"})
        assert too_many not in response.content.decode()

    response = client.post("/fi/accounts/login/", {"login": outsider.email, "password": PASSWORD})

    assert response.status_code == 200
    assert too_many in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address from the same place is not locked out.
    other = UserFactory(email="other@example.org")
    ok = client.post("/fi/accounts/login/", {"login": other.email, "password": PASSWORD})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("rate_limit_cache")
@override_settings(ACCOUNT_RATE_LIMITS={"login": "5/m/ip"})
def test_a_flood_of_login_attempts_from_one_address_gets_429(client, outsider):
    for _ in range(5):
        assert client.post("/fi/accounts/login/", {"login": outsider.email, "password": "guess"}).status_code == 200

    response = client.post("/fi/accounts/login/", {"login": outsider.email, "password": PASSWORD})

    assert response.status_code == 429
    assert in_page("Be patient, you are sending too many requests.") in response.content.decode()
    assert 'class="skip-link"' in response.content.decode(), "the refusal is a portal page, not a bare one"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_rate_limits_are_off_in_tests_unless_asked_for(settings):
    assert settings.ACCOUNT_RATE_LIMITS is False


# --- OpenID Connect, only when configured ------------------------------------------------------


@pytest.mark.django_db
def test_login_page_has_no_third_party_button_without_oidc_configuration(client):
    html = client.get("/fi/accounts/login/").content.decode()

    assert "data-provider" not in html
    assert "/accounts/oidc/" not in html


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=OIDC_PROVIDERS)
def test_login_and_signup_pages_offer_the_configured_oidc_provider(client):
    for page in ("login", "signup"):
        html = client.get(f"/fi/accounts/{page}/").content.decode()
        button = re.search(r'<a class="[^"]*" href="([^"]+)" data-provider="openid_connect">Suomi.fi</a>', html)
        assert button, html
        assert button.group(1).startswith("/fi/accounts/oidc/suomifi/login/")

    # Following the button asks to continue (a POST), it does not leave the site on a GET.
    confirm = client.get("/fi/accounts/oidc/suomifi/login/?process=login")
    assert confirm.status_code == 200
    assert '<form method="post"' in confirm.content.decode()


def providers_configured_by(environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update(environment, DJANGO_SETTINGS_MODULE="portal.settings_test")
    code = "import json, django; django.setup(); from django.conf import settings; "
    code += "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_oidc_provider_comes_only_from_the_environment():
    assert providers_configured_by({}) == {}

    providers = providers_configured_by(
        {
            "OIDC_CLIENT_ID": "portal",
            "OIDC_CLIENT_SECRET": "s3cret",
            "OIDC_SERVER_URL": "https://tunnistus.example/realms/pori",
            "OIDC_PROVIDER_ID": "suomifi",
            "OIDC_PROVIDER_NAME": "Suomi.fi",
        }
    )

    (app,) = providers["openid_connect"]["APPS"]
    assert app == {
        "provider_id": "suomifi",
        "name": "Suomi.fi",
        "client_id": "portal",
        "secret": "s3cret",
        "settings": {"server_url": "https://tunnistus.example/realms/pori"},
    }


# --- My account -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signed_in_header_links_to_my_account_and_its_pages_share_a_navigation(client_for, outsider):
    client = client_for(outsider)

    home = client.get("/fi/").content.decode()
    header_links = re.search(r'<div class="account-links">(.*?)</div>', home, re.S).group(1)
    assert 'href="/fi/accounts/email/"' in header_links
    account = client.get("/fi/accounts/email/")
    assert account.status_code == 200
    html = account.content.decode()
    nav = re.search(r'<nav class="account-nav container" aria-label="[^"]+">(.*?)</nav>', html, re.S).group(1)
    assert 'href="/fi/accounts/email/" aria-current="page"' in nav
    assert 'href="/fi/accounts/password/change/"' in nav
    assert 'href="/fi/accounts/2fa/"' in nav
    assert "/fi/accounts/social/connections/" not in nav, "no connections page without a provider"


@pytest.mark.django_db
def test_anonymous_header_offers_sign_in_and_sign_up_but_no_account_link(client):
    html = client.get("/fi/").content.decode()

    assert 'href="/fi/accounts/login/"' in html
    assert 'href="/fi/accounts/signup/"' in html
    assert 'href="/fi/accounts/email/"' not in html


@pytest.mark.django_db
def test_the_remove_address_prompt_reaches_the_script_as_the_words_of_its_translation(
    client_for, outsider, monkeypatch
):
    """A translation with quotes, "&" or "</script>" is neither shown as HTML entities nor able
    to end the JSON string or the script around it."""
    msgid = "Do you really want to remove the selected email address?"
    tricky = "Poistetaanko \"valittu\" osoite & sen 'vahvistus'? </script><b>"
    real_gettext = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda m: tricky if m == msgid else real_gettext(m))

    html = client_for(outsider).get("/fi/accounts/email/").content.decode()

    payload = re.search(
        r'<script data-allauth-onload="allauth.account.forms.manageEmailForm" type="application/json">(.*?)</script>',
        html,
        re.S,
    ).group(1)
    assert json.loads(payload) == {"i18n": {"confirmDelete": tricky}}
