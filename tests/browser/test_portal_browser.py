"""The portal core in a real browser: accessibility (axe), the keyboard, and a phone's screen."""

import io

import pytest

from portal import demo
from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(transactional_db):
    demo.load(stdout=io.StringIO())


AXE_PATHS = [
    "",
    "contacts/?topic=avustukset",
    "pages/accessibility/",
    "pages/privacy/",
    "forums/",
    "forums/seuraparlamentti/",
]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_public_pages_have_no_serious_accessibility_violations(page, demo_data, language):
    # One browser test per language walks every page: a live-server test costs seconds to set up.
    for path in AXE_PATHS:
        page.goto(f"{page.base}/{language}/{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    page.goto(f"{page.base}/en/contacts/?topic=no-such-topic")
    assert page.locator("#id_topic").get_attribute("aria-describedby") == "id_topic-errors"
    assert_accessible(page)


# Everything a keyboard user can reach, in DOM order, tagged so the test can follow the focus.
TAG_FOCUSABLES = """() => {
  const selector = 'a[href], button, select, input:not([type=hidden]), textarea, [tabindex]:not([tabindex="-1"])';
  const all = Array.from(document.querySelectorAll(selector))
    .filter(el => !el.disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
  all.forEach((el, i) => el.dataset.focusIndex = String(i));
  return all.length;
}"""

FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ringed = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    index: el.dataset.focusIndex ?? null,
    tag: el.tagName, text: (el.innerText || el.value || '').trim().slice(0, 40),
    visible: outlined || ringed,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
  };
}"""


def test_the_keyboard_alone_reaches_every_link_and_control_of_the_home_page_in_order(page, demo_data):
    page.goto(f"{page.base}/fi/")
    total = page.evaluate(TAG_FOCUSABLES)
    assert total > 10

    visited = []
    for _ in range(total):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        assert state["visible"], f"no visible focus on {state}"
        assert state["onScreen"], f"focus is off screen on {state}"
        visited.append(int(state["index"]))

    assert visited == list(range(total)), "the focus order must follow the page's reading order"


def test_the_first_tab_stop_is_the_skip_link_and_it_moves_focus_to_the_main_content(page, demo_data):
    page.goto(f"{page.base}/fi/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    assert skip_link.evaluate("el => el === document.activeElement")
    assert skip_link.is_visible()
    assert skip_link.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_pages_fit_a_phone_screen_without_sideways_scrolling(mobile_page, demo_data):
    for path in ["/fi/", "/fi/contacts/", "/fi/pages/privacy/", "/pl/forums/"]:
        mobile_page.goto(mobile_page.base + path)
        # Compare with the phone's width itself: a mobile browser zooms out to fit wide content,
        # which makes window.innerWidth grow with the overflow.
        scroll_width = mobile_page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= mobile_page.viewport_size["width"], path
        assert mobile_page.locator("main h1").is_visible(), path
        assert_accessible(mobile_page)
