"""The language switcher takes a visitor from a page to the same page in the chosen language,
whatever language the visitor's browser asks for."""

import pytest

pytestmark = pytest.mark.django_db

BROWSER_LANGUAGES = ["fi-FI", "sv-FI", "en-US", "pl-PL"]
CHOICES = ["fi", "sv", "en", "pl"]


@pytest.mark.parametrize("accept_language", BROWSER_LANGUAGES)
@pytest.mark.parametrize("chosen", CHOICES)
def test_choosing_a_language_on_a_finnish_page_leads_to_that_page_in_the_chosen_language(
    client, accept_language, chosen
):
    response = client.post(
        "/i18n/setlang/",
        {"language": chosen, "next": "/fi/associations/?q=tennis"},
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{chosen}/associations/?q=tennis"
    assert response.cookies["django_language"].value == chosen


@pytest.mark.parametrize("accept_language", BROWSER_LANGUAGES)
def test_choosing_finnish_on_a_swedish_page_leads_to_the_finnish_page(client, accept_language):
    response = client.post(
        "/i18n/setlang/", {"language": "fi", "next": "/sv/contacts/"}, HTTP_ACCEPT_LANGUAGE=accept_language
    )

    assert response["Location"] == "/fi/contacts/"


def test_a_foreign_next_address_is_not_followed(client):
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "https://evil.example/fi/"})

    assert "evil.example" not in response.get("Location", "")


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/fi/contacts/"})

    assert response["Location"] == "/fi/contacts/"
    assert "django_language" not in response.cookies
