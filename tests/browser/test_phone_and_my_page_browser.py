"""The phone's header, and "My associations" in a real browser (axe at 375 and 1280 px)."""

import datetime as dt
import io
import os

import pytest
from django.utils import timezone

from portal import demo
from tests.associations.factories import EventFactory
from tests.conftest import assert_accessible
from tests.factories import AssociationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


def test_phone_header_is_compact_and_its_menu_opens_without_javascript(browser, live_server):
    demo.load(stdout=io.StringIO())
    context = browser.new_context(
        locale="fi-FI", viewport={"width": 375, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/fi/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 100
    assert not page.get_by_role("navigation", name="Main").is_visible()
    shot(page, "home-375")
    page.locator(".menu-button").click()
    assert page.locator(".main-nav a[href='/fi/associations/']").is_visible()
    assert page.locator(".menu-button").bounding_box()["height"] >= 44
    page.goto(live_server.url + "/fi/associations/")
    shot(page, "directory-375")
    context.close()


def test_wide_screen_shows_the_menu_laid_open(page):
    demo.load(stdout=io.StringIO())
    page.goto(page.base + "/en/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert not page.locator(".menu-button").is_visible()
    shot(page, "home-1280")


@pytest.mark.parametrize("width", [375, 1280])
def test_my_associations_is_accessible(browser, live_server, width, client):
    user = UserFactory(email="sihteeri@karhut.example")
    user.set_password("a long enough password 1")
    user.save()
    association = AssociationFactory(name="Porin Karhut ry", slug="porin-karhut")
    MembershipFactory(association=association, user=user, role="admin")
    MembershipFactory(
        association=AssociationFactory(name="Keskustan Lukupiiri"), user=user, state="pending", approved_at=None
    )
    EventFactory(association=association, start_date=timezone.localdate() + dt.timedelta(days=5), created_by=user)
    context = browser.new_context(locale="fi-FI", viewport={"width": width, "height": 740 if width == 375 else 900})
    page = context.new_page()
    page.goto(live_server.url + "/fi/accounts/login/")
    page.fill("input[name=login]", "sihteeri@karhut.example")
    page.fill("input[name=password]", "a long enough password 1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/fi/mine/")
    assert page.locator("main h1").inner_text() == "Omat yhdistykseni" or page.locator("main h1").is_visible()
    assert_accessible(page)
    shot(page, f"mine-{width}")
    page.goto(live_server.url + "/fi/mine/delete/")
    assert_accessible(page)
    context.close()
