import re

import pytest


def current_nav_labels(html):
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', nav)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/en/", "Home"),
        ("/en/associations/", "Associations"),
        ("/en/contacts/", "Who do I ask?"),
    ],
)
def test_the_menu_marks_exactly_the_current_section(client, path, label):
    html = client.get(path).content.decode()

    assert current_nav_labels(html) == [label]


@pytest.mark.django_db
def test_a_page_under_a_longer_menu_address_marks_only_that_entry(client):
    from django.utils import translation

    from portal.navigation import nav_items

    with translation.override("en"):
        events = next(item for item in nav_items() if item["url_name"] == "associations:event-list")
    html = client.get(events["url"]).content.decode()

    assert current_nav_labels(html) == ["Events"]


def test_a_menu_entry_whose_url_is_missing_fails_loudly_instead_of_vanishing(monkeypatch):
    from django.urls import NoReverseMatch

    from portal import navigation

    monkeypatch.setattr(navigation, "MAIN_NAV", [*navigation.MAIN_NAV, ("grants:no-such-page", "Grants")])
    with pytest.raises(NoReverseMatch):
        navigation.nav_items("/en/")


@pytest.mark.django_db
def test_every_menu_entry_opens_its_page(client):
    from django.utils import translation

    from portal.navigation import MAIN_NAV, PORTAL_NAV, nav_items

    with translation.override("en"):
        items = nav_items()
    assert [item["url_name"] for item in items] == ["portal:home"] + [name for name, _label in MAIN_NAV + PORTAL_NAV]
    for item in items:
        assert client.get(item["url"]).status_code == 200, item["url"]
