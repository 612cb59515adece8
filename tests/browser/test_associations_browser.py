"""The association registry in a real browser: the whole path from signing up to being found,
and axe on the registry's public pages and the profile form."""

import datetime as dt
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from associations.models import Association, Membership
from portal.models import Notification
from tests.associations.factories import EventFactory, PartnershipAgreementFactory
from tests.associations.utils import grant_registry_permissions
from tests.conftest import assert_accessible, enable_totp, make_staff
from tests.dates import days_ahead
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
NEW_PASSWORD = "Karhunpesä-2026"


def new_page(browser, base):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = base
    return page


def totp_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def karhut(db):
    association = AssociationFactory(
        name="Porin Karhut ry",
        slug="porin-karhut",
        description="Jääkiekkoa ja luistelua lapsille.",
        prh_class="sports",
        last_confirmed_on=dt.date(2026, 3, 1),
    )
    AssociationFactory(name="Porin Palloseura ry", prh_class="sports")
    return association


def test_sign_up_claim_get_approved_edit_and_be_found_with_a_typo(page, browser, karhut, department):
    staff = make_staff(department, "moderaattori@pori.example", mfa=False)
    grant_registry_permissions(department.staff_group)
    secret = enable_totp(staff)

    # 1. A volunteer signs up and verifies the address from the e-mail in the outbox.
    page.goto(f"{page.base}/en/accounts/signup/")
    page.fill("#id_email", "sihteeri@karhut.example")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/accounts/confirm-email/$"))
    mail = Notification.objects.get(to="sihteeri@karhut.example")
    page.goto(re.search(r"https?://\S+/en/accounts/confirm-email/\S+/", mail.body_text).group(0))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/mine/$"))

    # 2. They find their association and claim it.
    page.goto(f"{page.base}/en/associations/represent/")
    page.fill("#represent-q", "Porin Karhut")
    page.locator("main form[role=search] button[type=submit]").click()
    page.get_by_role("link", name="I represent Porin Karhut ry").click()
    page.fill("#id_message", "Sihteeri")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/en/associations/represent/$"))
    assert "was sent" in page.locator(".messages").inner_text()
    membership = Membership.objects.get(user__email="sihteeri@karhut.example")
    assert membership.state == "pending"

    # 3. Staff sign in with a TOTP code and approve the request in the admin.
    admin = new_page(browser, page.base)
    admin.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base}])
    admin.goto(f"{page.base}/en/accounts/login/?next=/admin/associations/membership/")
    admin.fill("#id_login", staff.email)
    admin.fill("#id_password", PASSWORD)
    admin.locator("main form.account-form button[type=submit]").click()
    admin.wait_for_url(re.compile(r"/en/accounts/2fa/authenticate/$"))
    admin.fill("#id_code", totp_code(secret))
    admin.locator("main form.account-form button[type=submit]").first.click()
    admin.wait_for_url(re.compile(r"/admin/associations/membership/$"))
    admin.check(f"input[name=_selected_action][value='{membership.pk}']")
    admin.select_option("select[name=action]", "approve")
    admin.locator("button[name=index]").click()
    assert "1 approved" in admin.locator(".messagelist").inner_text()
    admin.context.close()
    membership.refresh_from_db()
    assert membership.state == "approved"
    assert Notification.objects.filter(to="sihteeri@karhut.example", template="membership-approved").exists()

    # 4. The representative edits the profile: public at once.
    page.goto(f"{page.base}/en/associations/porin-karhut/")
    page.get_by_role("link", name="Edit the profile").click()
    page.fill("#id_description", "Luistelukoulu alkaa tammikuussa Isomäen jäähallissa.")
    page.get_by_role("button", name="Save the profile").click()
    page.wait_for_url(re.compile(r"/en/associations/porin-karhut/$"))
    assert "I act for Porin Karhut ry" in page.locator(".site-header").inner_text()

    # 5. Anyone finds it with a misspelt search and sees the change.
    visitor = new_page(browser, page.base)
    visitor.goto(f"{page.base}/en/associations/")
    visitor.fill("#id_q", "Porn Karhtu")
    visitor.locator("#id_q").press("Enter")
    visitor.wait_for_url(re.compile(r"q=Porn\+Karhtu"))
    visitor.get_by_role("link", name="Porin Karhut ry").click()
    visitor.wait_for_url(re.compile(r"/en/associations/porin-karhut/$"))
    assert "Luistelukoulu alkaa tammikuussa" in visitor.locator("main").inner_text()
    visitor.context.close()
    assert Association.objects.get(pk=karhut.pk).history.first().history_user.email == "sihteeri@karhut.example"


def test_the_registrys_public_pages_pass_axe(page, karhut):
    EventFactory(association=karhut, title="Joulunäytös", start_date=days_ahead(14), place="Isomäki")
    PartnershipAgreementFactory(association=karhut, title="Liikuntakumppanuus")
    for path in [
        "/fi/associations/",
        "/fi/associations/?q=Porn+Karhtu&prh_class=sports",
        "/fi/associations/porin-karhut/",
        "/fi/associations/events/",
        "/fi/associations/agreements/",
        "/en/associations/events/?kind=event",
    ]:
        page.goto(f"{page.base}{path}")
        assert_accessible(page)


def test_the_profile_form_passes_axe_also_with_errors(page, karhut):
    user = MembershipFactory(association=karhut, user__email="jasen@karhut.example").user
    page.goto(f"{page.base}/fi/accounts/login/?next=/fi/associations/porin-karhut/edit/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fi/associations/porin-karhut/edit/$"))
    assert_accessible(page)
    page.fill("#id_website", "javascript:alert(1)")
    page.fill("#id_description", "<script>alert(1)</script>")
    page.locator("form.profile-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_website").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_website_error").is_visible()
    assert page.locator("#id_description_error").is_visible()
    assert_accessible(page)
    karhut.refresh_from_db()
    assert karhut.website == ""
