"""The city's own coat of arms in the header and as the favicon, with its name in the page's language."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from portal.cities import CITY_PROFILES

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("language", "alt"),
    [
        ("fi", "Porin vaakuna"),
        ("sv", "Björneborgs stadsvapen"),
        ("en", "Coat of arms of Pori"),
        ("pl", "Herb miasta Pori"),
    ],
)
def test_the_header_shows_pori_s_coat_of_arms_named_in_the_page_s_language(client, language, alt):
    page = client.get(f"/{language}/").content.decode()

    assert f'<img src="/static/img/pori-logo.svg" alt="{alt}" width="40" height="40">' in page
    assert '<link rel="icon" href="/static/img/pori-logo.svg" type="image/svg+xml">' in page


def test_a_polish_city_shows_its_own_arms(client, settings):
    settings.CITY_PROFILE = CITY_PROFILES["poznan"]

    page = client.get("/pl/").content.decode()

    assert 'src="/static/img/poznan-logo.svg" alt="Herb Poznania"' in page


def test_the_favicon_is_the_city_s_arms(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302 and response["Location"] == "/static/img/pori-logo.svg"


@pytest.mark.parametrize(("city", "title"), [("pori", "Porin vaakuna"), ("poznan", "Herb Poznania")])
def test_each_logo_is_a_drawn_shield_that_names_itself(city, title):
    path = finders.find(CITY_PROFILES[city]["logo"])
    root = ET.parse(path).getroot()

    assert root.get("viewBox") == "0 0 100 100" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == title
    # Not the generic letter mark it replaced: a shield outline and several drawn charges.
    assert len(root.findall(f".//{SVG}path")) >= 5
    assert settings.CITY_PROFILE["logo"] == CITY_PROFILES["pori"]["logo"]
