"""Accounts in a real browser: signing up through the e-mailed link, staff setting up TOTP
before the admin, axe on the account pages, and the login page by keyboard alone."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from portal.models import Notification
from tests.conftest import assert_accessible, enable_totp, make_staff
from tests.portal.test_accounts import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
NEW_PASSWORD = "Kirjurinluoto-2026"


def totp_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, email, *, next_url=""):
    page.goto(f"{page.base}/fi/accounts/login/{'?next=' + next_url if next_url else ''}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()


def test_a_new_user_signs_up_opens_the_mailed_link_and_is_signed_in(page):
    page.goto(f"{page.base}/fi/accounts/signup/")
    page.fill("#id_email", "sihteeri@karhut.example")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/fi/accounts/confirm-email/$"))
    assert page.locator("h1").inner_text().strip() == translated("Verify Your Email Address")
    mail = Notification.objects.get(to="sihteeri@karhut.example")
    link = re.search(r"https?://\S+/fi/accounts/confirm-email/\S+/", mail.body_text).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()

    # Confirming the address signs in and leads to the person's own page, "My associations".
    page.wait_for_url(re.compile(r"/fi/mine/$"))
    assert "sihteeri@karhut.example" in page.locator(".signed-in-as").inner_text()
    assert page.locator(".account-links a[href='/fi/accounts/email/']").is_visible()


def test_login_and_signup_pages_in_finnish_pass_axe_also_with_errors(page):
    page.goto(f"{page.base}/fi/accounts/login/")
    assert_accessible(page)
    page.goto(f"{page.base}/fi/accounts/signup/")
    assert_accessible(page)

    page.fill("#id_email", "not-an-address")
    page.fill("#id_password1", "short")
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_email_error").is_visible()
    assert_accessible(page)


def test_staff_set_up_totp_in_accessible_pages_and_then_reach_the_admin(page, department):
    staff = make_staff(department, "uusi.virkailija@pori.example", mfa=False)
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in(page, staff.email, next_url="/admin/")

    # No admin page for staff without an authenticator: the password is confirmed, then TOTP set up.
    page.wait_for_url(re.compile(r"/fi/accounts/reauthenticate/"))
    assert_accessible(page)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fi/accounts/2fa/totp/activate/$"))
    assert page.locator("h1").inner_text().strip() == translated("Activate Authenticator App")
    assert_accessible(page)
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", totp_code(secret))
    page.locator("main form.account-form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/fi/accounts/2fa/recovery-codes/$"))
    assert_accessible(page)
    assert len(page.input_value("#recovery_codes").split()) == 10
    page.goto(f"{page.base}/admin/")
    assert page.locator("#site-name").is_visible()
    assert blocked == [], "allauth's scripts on these pages run under the Content Security Policy"


def test_staff_with_totp_enter_a_code_on_an_accessible_page_before_the_admin(page, department):
    staff = make_staff(department, "virkailija@pori.example", mfa=False)
    secret = enable_totp(staff)
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)

    sign_in(page, staff.email, next_url="/admin/")

    page.wait_for_url(re.compile(r"/fi/accounts/2fa/authenticate/$"))
    assert page.locator("h1").inner_text().strip() == translated("Two-Factor Authentication")
    assert_accessible(page)
    page.fill("#id_code", totp_code(secret))
    page.locator("main form.account-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.locator("#site-name").is_visible()
    assert blocked == [], "the account pages need nothing the Content Security Policy forbids"


FOCUS_PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    index: el.dataset.focusIndex === undefined ? null : Number(el.dataset.focusIndex),
    text: (el.innerText || el.value || el.name || el.id || el.tagName).trim().slice(0, 40),
    skip: el.classList.contains('skip-link'),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""

MARK_FOCUSABLE = """() => {
  const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), '
    + 'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const all = [...document.querySelectorAll(selector)];
  const reachable = all.filter(el => el.getClientRects().length > 0 || el.classList.contains('skip-link'));
  reachable.forEach((el, i) => { el.dataset.focusIndex = i; });
  return reachable.length;
}"""


def test_the_login_page_works_by_keyboard_with_visible_focus_in_reading_order_and_a_skip_link(page):
    page.goto(f"{page.base}/fi/accounts/login/")
    count = page.evaluate(MARK_FOCUSABLE)
    assert count > 10

    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_PROBE)
    assert first["skip"], f"the skip link comes first, not {first['text']!r}"
    visited = []
    for _ in range(count):
        focus = page.evaluate(FOCUS_PROBE)
        assert focus is not None and focus["index"] is not None, f"focus went astray after {visited[-1:]}"
        assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, f"no visible focus on {focus['text']!r}"
        assert focus["inView"], f"{focus['text']!r} is focused but not on screen"
        visited.append(focus["index"])
        page.keyboard.press("Tab")

    assert visited == list(range(count)), "every link and control is reached, in the order they are read"
    labels = page.evaluate("() => [...document.querySelectorAll('[data-focus-index]')].map(el => el.id)")
    assert {"id_login", "id_password"} <= set(labels)

    # The skip link jumps over the header straight to the sign-in text and form.
    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    page.keyboard.press("Tab")
    first_in_main = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert first_in_main == "/fi/accounts/signup/"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_login"
