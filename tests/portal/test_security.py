"""Security: MFA for staff before the admin, the admin's login through allauth, sessions (idle
timeout, a new id at sign-in, no-store), CSP and headers, and the production settings."""

import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone, translation

from portal.middleware import STAFF_MFA_REQUIRED
from tests.conftest import enable_totp, make_staff
from tests.portal.test_accounts import in_page

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
LOGIN = "/fi/accounts/login/"
MFA_AUTHENTICATE = "/fi/accounts/2fa/authenticate/"
TOTP_ACTIVATE = "/fi/accounts/2fa/totp/activate/"
REAUTHENTICATE = "/fi/accounts/reauthenticate/"


def totp_code(secret, *, step=0):
    """The code an authenticator app shows now (``step`` 30 s periods away)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def sign_in(client, email, *, next_url="/admin/"):
    return client.post(f"{LOGIN}?next={next_url}", {"login": email, "password": PASSWORD, "next": next_url})


def confirm_password(client, *, next_url=TOTP_ACTIVATE):
    """allauth asks for the password again before a security setting changes."""
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


def admin_urls():
    return [
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_add"),
        reverse("admin:password_change"),
    ]


# --- MFA for staff --------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_without_totp_is_sent_to_set_it_up_and_sees_no_admin_page(client, department):
    staff = make_staff(department, "new.staff@city.example", mfa=False)

    signed_in = sign_in(client, staff.email)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"

    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == TOTP_ACTIVATE, url
    asked = client.get(TOTP_ACTIVATE, follow=True)
    assert asked.redirect_chain[-1][0].startswith(REAUTHENTICATE), "the password is confirmed first"
    assert str(STAFF_MFA_REQUIRED) in asked.content.decode(), "the user is told why"
    confirm_password(client)
    setup = client.get(TOTP_ACTIVATE)
    assert setup.status_code == 200
    assert in_page("Activate Authenticator App") in setup.content.decode()


@pytest.mark.django_db
def test_staff_who_activate_totp_then_reach_the_admin(client, department):
    staff = make_staff(department, "new.staff@city.example", mfa=False)
    sign_in(client, staff.email)
    confirm_password(client)
    client.get(TOTP_ACTIVATE)
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(TOTP_ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=staff).exists()
    activated = client.post(TOTP_ACTIVATE, {"code": totp_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    recovery = client.get(activated["Location"])
    assert recovery.status_code == 200, "recovery codes are shown right after activation"
    with translation.override("fi"):  # the admin has no language prefix: the default, Finnish
        continue_link = f'href="/admin/">{translation.gettext("Continue to the administration")}</a>'
    assert continue_link in recovery.content.decode()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert 'id="site-name"' in admin.content.decode()


@pytest.mark.django_db
def test_staff_with_totp_reach_the_admin_only_after_entering_a_code_at_sign_in(client, department):
    staff = make_staff(department, "mfa.staff@city.example", mfa=False)
    secret = enable_totp(staff)

    password_ok = sign_in(client, staff.email)
    assert password_ok.status_code == 302
    assert password_ok["Location"] == MFA_AUTHENTICATE
    assert "_auth_user_id" not in client.session, "a password alone signs nobody in"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    wrong = client.post(MFA_AUTHENTICATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    right = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})

    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_code_from_the_neighbouring_period_is_accepted_but_not_one_further_away(client, department):
    staff = make_staff(department, "drift.staff@city.example", mfa=False)
    secret = enable_totp(staff)
    sign_in(client, staff.email)

    assert client.post(MFA_AUTHENTICATE, {"code": totp_code(secret, step=-3)}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(MFA_AUTHENTICATE, {"code": totp_code(secret, step=-1)}).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.django_db
def test_a_recovery_code_stands_in_for_the_app_once(client, department):
    staff = make_staff(department, "lost.phone@city.example")
    code = RecoveryCodes.activate(staff).get_unused_codes()[0]

    sign_in(client, staff.email)
    assert client.post(MFA_AUTHENTICATE, {"code": code})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    client.post("/fi/accounts/logout/")
    sign_in(client, staff.email)
    reused = client.post(MFA_AUTHENTICATE, {"code": code})
    assert reused.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_signed_in_user_who_is_not_staff_gets_403_on_every_admin_page(client_for, outsider):
    client = client_for(outsider)

    for url in [*admin_urls(), reverse("admin:login")]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert 'class="skip-link"' in response.content.decode(), "the refusal is a portal page"


@pytest.mark.django_db
def test_the_admin_login_is_allauths_login(client, staff):
    response = client.get("/admin/login/?next=/admin/auth/user/")

    assert response.status_code == 302
    assert response["Location"] == "/fi/accounts/login/?next=%2Fadmin%2Fauth%2Fuser%2F"
    anonymous_admin = client.get("/admin/", follow=True)
    assert anonymous_admin.redirect_chain[-1][0].startswith("/fi/accounts/login/")
    # Posting the admin's own form straight away signs nobody in, so no rate limit or MFA is skipped.
    posted = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/fi/accounts/login/")
    assert "_auth_user_id" not in client.session


# --- Sessions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_in_replaces_the_session_id(client, outsider):
    client.get(LOGIN)
    session = client.session
    session["seen-before-sign-in"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key

    response = sign_in(client, outsider.email, next_url="/fi/")

    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(outsider.pk)


@pytest.mark.django_db
def test_a_session_ends_after_half_an_hour_without_activity(client, outsider):
    sign_in(client, outsider.email, next_url="/fi/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "", "the cookie dies with the browser"
    expires = Session.objects.get(session_key=key).expire_date
    assert abs((expires - timezone.now()) - timedelta(seconds=settings.SESSION_COOKIE_AGE)) < timedelta(seconds=30)

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/fi/accounts/email/")

    assert response.status_code == 302
    assert response["Location"].startswith("/fi/accounts/login/")


@pytest.mark.django_db
def test_each_request_pushes_the_idle_timeout_forward(client, outsider):
    sign_in(client, outsider.email, next_url="/fi/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))

    assert client.get("/fi/").status_code == 200

    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 30)


@pytest.mark.django_db
def test_signed_in_pages_are_never_stored_but_public_ones_may_be(client, client_for, outsider):
    for url in ["/fi/", "/fi/accounts/email/"]:
        cache_control = client_for(outsider).get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
    assert "no-store" in sign_in(client, outsider.email, next_url="/fi/")["Cache-Control"]

    anonymous = client_for(None).get("/fi/")
    assert "no-store" not in anonymous.get("Cache-Control", "")


# --- Headers --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/fi/", LOGIN])
def test_pages_carry_a_content_security_policy_and_safe_headers(client, url):
    response = client.get(url)

    policy = response["Content-Security-Policy"]
    for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- Production settings --------------------------------------------------------------------


def run_in_production(args, **overrides):
    # Only what a production host would have: not the test run's settings module or its
    # DJANGO_ALLOW_ASYNC_UNSAFE (set for Playwright in conftest).
    unset = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example",
        SITE_URL="https://portal.example",
        EMAIL_URL="smtp+tls://portal:secret@smtp.example.org:587",
        TRUSTED_PROXY_IPS="10.0.0.2",
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_production_passes_djangos_deployment_checks():
    result = run_in_production(["manage.py", "check", "--deploy"])

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "Production needs SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "Production needs SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "Production needs SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "Production needs ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "Production refuses to start with DEBUG on"),
        ({"SITE_URL": ""}, "Production needs SITE_URL"),
        ({"SITE_URL": "http://127.0.0.1:8000"}, "Production needs SITE_URL"),
        ({"EMAIL_URL": ""}, "Production needs EMAIL_URL"),
        ({"TRUSTED_PROXY_IPS": ""}, "Production needs TRUSTED_PROXY_IPS"),
        ({"TRUSTED_PROXY_IPS": "proxy.example"}, "TRUSTED_PROXY_IPS"),
    ],
)
def test_production_refuses_to_start_on_an_unsafe_setting(overrides, message):
    result = run_in_production(["-c", "import django; django.setup()"], **overrides)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.slow
def test_production_starts_with_safe_settings_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
        "s.SESSION_COOKIE_NAME, s.DEBUG)"
    )
    result = run_in_production(["-c", code])

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "__Host-sessionid", "False"]


@pytest.mark.slow
def test_the_trusted_proxy_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    result = run_in_production(
        ["-c", code], ALLAUTH_TRUSTED_PROXY_COUNT="1", ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "X-Real-IP"]
