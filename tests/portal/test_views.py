"""The public pages of the portal core, as a visitor sees them."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import demo, registries
from portal.models import Forum, Page
from tests.factories import ContactPersonFactory, DepartmentFactory, ForumFactory, PageFactory, TopicFactory

LANGUAGES = ["fi", "sv", "en", "pl"]


@pytest.fixture
def demo_data(db):
    demo.load(stdout=io.StringIO())


def text_of(response):
    return response.content.decode()


def contact(*, topics=(), **fields):
    person = ContactPersonFactory(**fields)
    person.topics.set(topics)
    return person


PUBLIC_PATHS = [
    "",
    "contacts/",
    "contacts/?topic=avustukset",
    "forums/",
    "forums/seuraparlamentti/",
    "forums/ubc-union-of-baltic-cities/",
    "pages/how-to-use/",
    "pages/accessibility/",
    "pages/privacy/",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_answers_in_every_language(client, demo_data, language):
    answers = {}
    for path in PUBLIC_PATHS:
        response = client.get(f"/{language}/{path}")
        answers[path] = (response.status_code, f'<html lang="{language}"' in text_of(response))
    assert answers == dict.fromkeys(PUBLIC_PATHS, (200, True))


@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_content_pages_are_in_the_visitors_own_language(client, demo_data, language):
    for slug in demo.PAGE_SLUGS:
        response = client.get(f"/{language}/pages/{slug}/")
        assert response.context["page"].language == language
        assert not response.context["is_fallback"]


# --- Home -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_welcomes_and_links_to_the_main_services(client):
    body = text_of(client.get("/en/"))
    assert "Where the City of Pori and its associations cooperate" in body
    assert 'href="/en/contacts/"' in body
    assert 'href="/en/forums/"' in body
    assert 'href="/en/pages/how-to-use/"' in body


def test_every_service_in_the_menu_says_on_the_home_page_what_it_is_for():
    from portal.navigation import MAIN_NAV
    from portal.views import SERVICE_DESCRIPTIONS

    assert [url_name for url_name, _label in MAIN_NAV if not SERVICE_DESCRIPTIONS.get(url_name)] == []


@pytest.mark.django_db
def test_home_page_shows_the_blocks_other_apps_register(client, monkeypatch):
    forum = ForumFactory(name="Seuraparlamentti")

    def coming_up(request):
        return "portal/forum_card.html", {"forum": forum}

    def hidden(request):
        return None

    monkeypatch.setattr(registries, "_home_sections", [(10, "test.coming-up", coming_up), (20, "test.hidden", hidden)])
    body = text_of(client.get("/fi/"))
    assert 'class="home-section home-section-testcoming-up"' in body
    assert 'href="/fi/forums/seuraparlamentti/"' in body
    assert "home-section-testhidden" not in body


# --- Contact directory ----------------------------------------------------------------------


@pytest.fixture
def directory(db):
    """A coordinator, a grants expert and a premises expert in two departments."""
    culture = DepartmentFactory(name="Sivistystoimiala")
    environment = DepartmentFactory(name="Kaupunkiympäristö")
    grants = TopicFactory(name="Avustukset", slug="avustukset")
    premises = TopicFactory(name="Tilat", slug="tilat")
    coordinator = contact(
        name="Sanna Lehtinen", title="Yhdistyskoordinaattori", department=culture, is_coordinator=True
    )
    grants_expert = contact(name="Aino Avustus", department=culture, topics=[grants])
    premises_expert = contact(name="Ville Tila", department=environment, topics=[premises])
    return {
        "coordinator": coordinator,
        "grants_expert": grants_expert,
        "premises_expert": premises_expert,
        "environment": environment,
    }


def listed_names(response):
    return [contact.name for contact in response.context["contacts"]]


def test_contact_directory_filters_by_topic(client, directory):
    response = client.get("/fi/contacts/?topic=tilat")
    assert listed_names(response) == ["Sanna Lehtinen", "Ville Tila"]


def test_contact_directory_filters_by_department(client, directory):
    response = client.get(f"/fi/contacts/?department={directory['environment'].pk}")
    assert listed_names(response) == ["Sanna Lehtinen", "Ville Tila"]


def test_the_coordinator_is_first_and_highlighted_whatever_the_filter(client, directory):
    response = client.get("/en/contacts/?topic=avustukset")
    assert listed_names(response) == ["Sanna Lehtinen", "Aino Avustus"]
    body = text_of(response)
    assert body.index("Sanna Lehtinen") < body.index("Aino Avustus")
    assert "contact-coordinator" in body
    assert "First point of contact" in body


def test_without_a_filter_everyone_public_is_listed_coordinator_first(client, directory):
    contact(name="Piilo Henkilö", is_public=False)
    response = client.get("/fi/contacts/")
    assert listed_names(response) == ["Sanna Lehtinen", "Aino Avustus", "Ville Tila"]


def test_an_unknown_filter_value_is_explained_on_its_field_and_ignored(client, directory):
    response = client.get("/en/contacts/?topic=no-such-topic")
    assert response.status_code == 200
    body = text_of(response)
    assert 'id="id_topic-errors"' in body
    assert 'aria-describedby="id_topic-errors"' in body
    assert "Select a valid choice" in body
    assert listed_names(response) == ["Sanna Lehtinen", "Aino Avustus", "Ville Tila"]


def test_a_filter_nobody_else_matches_points_to_the_coordinator(client, directory):
    lonely = TopicFactory(name="Mediayhteistyö", slug="media")
    directory["coordinator"].topics.add(lonely)
    response = client.get("/en/contacts/?topic=media")
    assert listed_names(response) == ["Sanna Lehtinen"]
    assert "Nobody else matches these choices" in text_of(response)


def test_the_filter_form_is_a_plain_get_form_with_labels(client, directory):
    body = text_of(client.get("/en/contacts/"))
    assert '<form method="get" action="/en/contacts/"' in body
    assert '<label for="id_topic">' in body
    assert '<label for="id_department">' in body


def make_contacts(count):
    department = DepartmentFactory()
    topics = [TopicFactory(), TopicFactory()]
    for _ in range(count):
        contact(department=department, topics=topics)


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_contact_directory_makes_the_same_few_queries_for_5_and_50_people(client):
    make_contacts(5)
    with_5 = queries_for(client, "/fi/contacts/")
    make_contacts(45)
    with_50 = queries_for(client, "/fi/contacts/")
    assert with_5 == with_50 <= 5


@pytest.mark.django_db
def test_forum_list_makes_the_same_few_queries_for_5_and_50_forums(client):
    department = DepartmentFactory()
    for _ in range(5):
        ForumFactory(department=department)
    with_5 = queries_for(client, "/fi/forums/")
    for index in range(45):
        ForumFactory(department=DepartmentFactory(), kind=Forum.Kind.WORKSHOP if index % 2 else Forum.Kind.NETWORK)
    with_50 = queries_for(client, "/fi/forums/")
    assert with_5 == with_50 <= 3


# --- Forums and networks --------------------------------------------------------------------


@pytest.mark.django_db
def test_forums_are_listed_as_cooperation_bodies_then_networks(client):
    ForumFactory(name="UBC Union of Baltic Cities", kind=Forum.Kind.NETWORK)
    ForumFactory(name="Seuraparlamentti", kind=Forum.Kind.SPORTS_PARLIAMENT)
    ForumFactory(name="Yhdistysyhteistyöryhmä", kind=Forum.Kind.WORKING_GROUP)
    ForumFactory(name="Lopetettu verkosto", kind=Forum.Kind.NETWORK, is_active=False)
    response = client.get("/en/forums/")
    assert [f.name for f in response.context["bodies"]] == ["Yhdistysyhteistyöryhmä", "Seuraparlamentti"]
    assert [f.name for f in response.context["networks"]] == ["UBC Union of Baltic Cities"]
    body = text_of(response)
    assert body.index("Cooperation bodies and forums") < body.index("Networks</h2>")
    assert "Lopetettu verkosto" not in body


@pytest.mark.django_db
def test_forum_page_shows_its_description_as_safe_html(client):
    ForumFactory(
        name="Seuraparlamentti",
        description="Kokoontuu **säännöllisesti**.<script>alert(1)</script>",
        website="https://example.org/seuraparlamentti",
        joined_year=2020,
    )
    response = client.get("/en/forums/seuraparlamentti/")
    body = text_of(response)
    assert "<strong>säännöllisesti</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert 'href="https://example.org/seuraparlamentti"' in body
    assert response.context["breadcrumbs"][0] == ("Forums and networks", "/en/forums/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/forums/no-such-forum/", "/en/pages/no-such-page/"])
def test_an_unknown_forum_or_page_is_a_friendly_404(client, path):
    ForumFactory(name="Hidden", slug="no-such-forum", is_active=False)
    response = client.get(path)
    assert response.status_code == 404
    body = text_of(response)
    assert "<h1>Page not found</h1>" in body
    assert 'href="/en/"' in body
    assert 'href="/en/contacts/"' in body


# --- Content pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_content_page_is_shown_in_the_visitors_language(client):
    PageFactory(slug="privacy", language="fi", title="Tietosuojaseloste")
    PageFactory(slug="privacy", language="sv", title="Dataskyddsbeskrivning", body="Vi samlar **lite**.")
    response = client.get("/sv/pages/privacy/")
    body = text_of(response)
    assert "<h1>Dataskyddsbeskrivning</h1>" in body
    assert "<strong>lite</strong>" in body
    assert '<article class="prose" lang="sv">' in body
    assert not response.context["is_fallback"]


@pytest.mark.django_db
def test_content_page_falls_back_to_finnish_and_says_so(client):
    PageFactory(slug="how-to-use", language="fi", title="Näin käytät portaalia")
    response = client.get("/pl/pages/how-to-use/")
    assert response.status_code == 200
    body = text_of(response)
    assert "<h1>Näin käytät portaalia</h1>" in body
    assert '<article class="prose" lang="fi">' in body
    assert response.context["is_fallback"]
    assert 'class="notice"' in body


@pytest.mark.django_db
def test_content_page_removes_html_from_the_body(client):
    PageFactory(slug="accessibility", language="en", body='Hi <img src=x onerror="alert(1)"> [x](javascript:alert(1))')
    body = text_of(client.get("/en/pages/accessibility/"))
    assert "onerror" not in body
    assert "javascript:" not in body


@pytest.mark.django_db
def test_footer_links_to_the_accessibility_statement_and_privacy_notice(client):
    assert Page.objects.count() == 0
    body = text_of(client.get("/fi/"))
    assert 'href="/fi/pages/accessibility/"' in body
    assert 'href="/fi/pages/privacy/"' in body
