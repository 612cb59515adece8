"""The language switcher in a real browser, for visitors whose browsers speak each language."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGETS = {"fi": "sv", "sv": "en", "en": "pl", "pl": "sv"}


@pytest.mark.parametrize("locale", ["fi-FI", "sv-FI", "en-US", "pl-PL"])
def test_a_visitor_switches_a_finnish_page_to_another_language(browser, live_server, locale):
    context = browser.new_context(locale=locale)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        chosen = TARGETS[locale[:2]]
        page.goto(f"{live_server.url}/fi/contacts/")
        assert page.locator("html").get_attribute("lang") == "fi"

        page.select_option("#language-select", chosen)
        with page.expect_navigation():
            page.locator(".language-switcher button[type=submit]").click()

        assert page.url == f"{live_server.url}/{chosen}/contacts/"
        assert page.locator("html").get_attribute("lang") == chosen
    finally:
        context.close()
