"""Shared fixtures: personas, a signed-in client, and a real browser with an accessibility check.

Personas (CONVENTIONS: the outsider must get nothing):
- ``association``: an approved, public association.
- ``association_admin``: the association's admin representative.
- ``association_member``: an ordinary approved representative of it.
- ``outsider``: a verified user who represents nothing.
- ``department``, ``other_department``; ``staff``, ``other_staff``: staff of each, with MFA.
"""

import datetime as dt
import os
import time
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.clock import TEST_CLOCK_OFFSET  # a subprocess's way onto the same moved clock
from tests.factories import AssociationFactory, DepartmentFactory, MembershipFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the test makes
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# --- The clock ------------------------------------------------------------------------------
# TEST_NOW moves the clock of the whole run: `TEST_NOW=2029-12-31T23:30 pytest` (a naive time is
# the portal's wall-clock time, TIME_ZONE; a bare date means noon that day; an offset such as
# `2029-12-31T21:30Z` is honoured). The clock then ticks on from there. `make test-future` uses it
# to prove the suite holds on any date. PostgreSQL's now() is not moved, which is why the code
# reads time only from Python (timezone.now()).
TEST_NOW = "TEST_NOW"
_traveller = None


def travel_destination(value, zone):
    """The aware datetime that a ``TEST_NOW`` value names."""
    value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TEST_NOW}={value!r} is not an ISO 8601 date or date and time") from None
    if len(value) == 10:  # a bare date: noon, an ordinary hour of that day
        moment = moment.replace(hour=12)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def pytest_configure(config):
    """Start the time travel before anything else (the test database included) reads the clock."""
    global _traveller
    value = os.environ.get(TEST_NOW, "")
    if not value or _traveller is not None:
        return
    destination = travel_destination(value, zoneinfo.ZoneInfo(settings.TIME_ZONE))
    offset = destination.timestamp() - time.time()
    _traveller = time_machine.travel(destination, tick=True)
    _traveller.start()
    os.environ[TEST_CLOCK_OFFSET] = repr(offset)


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_runtest_setup(item):
    """``@pytest.mark.country("FI")``: a test of one country's registry, skipped under another
    city's profile (``make test`` runs the registry tests again with ``CITY=poznan``)."""
    marker = item.get_closest_marker("country")
    if marker is not None and settings.CITY_PROFILE["country"] not in marker.args:
        pytest.skip(f"a {'/'.join(marker.args)} registry test; the city profile is {settings.CITY}")


def pytest_report_header(config):
    if settings.CITY != "pori":
        return f"city profile: {settings.CITY}" + (f", {TEST_NOW}={os.environ[TEST_NOW]}" if _traveller else "")
    if _traveller is not None:
        from django.utils import timezone

        return f"clock moved by {TEST_NOW}: now {timezone.localtime():%Y-%m-%d %H:%M %Z}"
    return None


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_cached_programme_figures():
    """The dashboard's computed figures live in Redis, which outlives a test's rolled-back data."""
    from portal.programme import figures

    figures.forget()


@pytest.fixture(autouse=True)
def _fresh_language():
    """Every test starts in the default language: a request's language must not leak into the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def association(db):
    return AssociationFactory(name="Porin Karhut ry", slug="porin-karhut")


@pytest.fixture
def association_admin(association):
    return MembershipFactory(association=association, role="admin", user__email="admin@karhut.example").user


@pytest.fixture
def association_member(association):
    return MembershipFactory(association=association, role="member", user__email="member@karhut.example").user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Sivistystoimiala")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="Tekninen toimiala")


def make_staff(department, email, *, superuser=False, mfa=True):
    """A staff user in the department's staff group, with a TOTP authenticator when ``mfa``."""
    user = UserFactory(email=email, is_staff=True, is_superuser=superuser)
    if department is not None and department.staff_group_id:
        user.groups.add(department.staff_group)
    if mfa:
        enable_totp(user)
    return user


def enable_totp(user):
    """Activate TOTP for ``user`` and return the secret (to compute codes in browser tests)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def staff(department):
    return make_staff(department, "staff@city.example")


@pytest.fixture
def other_staff(other_department):
    return make_staff(other_department, "other.staff@city.example")


@pytest.fixture
def superuser(db):
    return make_staff(None, "root@city.example", superuser=True)


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client signed in as ``user`` (or anonymous for None)."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


# --- The browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; ``page.base`` is the live server's URL."""
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    """A phone-sized page, for the small association's volunteer secretary."""
    context = browser.new_context(locale="fi-FI", viewport={"width": 375, "height": 740}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


_AXE_SOURCE = None


def axe_violations(page, *, impacts=("serious", "critical")):
    """Run axe-core in the page and return the violations of the given impacts.

    axe is evaluated through the DevTools protocol, so the page's own CSP stays enforced.
    """
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        import axe_playwright_python

        _AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.evaluate(_AXE_SOURCE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'best-practice']}})"
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page):
    """Fail the test on any serious or critical axe violation, naming the rule and the nodes."""
    violations = axe_violations(page)
    if violations:
        lines = [f"axe found {len(violations)} serious/critical violation(s) on {page.url}:"]
        for v in violations:
            targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} → {targets}")
        pytest.fail("\n".join(lines))
