"""City-managed names (fields of activity, areas, age groups, topics, departments, forums) in the
visitor's language, falling back to Finnish marked with lang="fi"."""

import io
import re

import pytest
from django.utils import translation

from associations import demo as associations_demo
from associations.models import FieldOfActivity
from portal import demo as portal_demo
from portal.models import AgeGroup, ServiceArea, Topic
from tests.associations.factories import FieldOfActivityFactory
from tests.factories import (
    AssociationFactory,
    ContactPersonFactory,
    ForumFactory,
    ServiceAreaFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def options(html, select_name):
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip().lstrip("– ") for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.fixture
def demo_data():
    portal_demo.load(stdout=io.StringIO())
    associations_demo.load(stdout=io.StringIO())


def test_in_swedish_no_field_area_age_group_or_topic_is_shown_in_finnish(client, demo_data):
    directory = client.get("/sv/associations/").content.decode()
    contacts = client.get("/sv/contacts/").content.decode()

    finnish = {
        "field": set(FieldOfActivity.objects.values_list("name_fi", flat=True)),
        "service_area": set(ServiceArea.objects.values_list("name_fi", flat=True)),
        "age_group": set(AgeGroup.objects.values_list("name_fi", flat=True)),
    }
    for select_name, finnish_names in finnish.items():
        shown = options(directory, select_name)[1:]  # after "all"
        assert shown, select_name
        assert not [name for name in shown if name in finnish_names and name not in ("Lavia", "Kotoutuminen")]
    assert "Avustukset" not in contacts
    assert "Understöd" in contacts
    shown_topics = set(re.findall(r'<li lang="sv">([^<]*)</li>', contacts))
    assert shown_topics and not shown_topics & set(Topic.objects.values_list("name_fi", flat=True))


def test_the_demo_names_are_swedish_english_and_polish_too(demo_data):
    area = ServiceArea.objects.get(name_fi="Noormarkku")
    assert (area.name_sv, area.name_en, area.name_pl) == ("Norrmark", "Noormarkku", "Noormarkku")
    with translation.override("en"):
        assert str(FieldOfActivity.objects.get(slug="talviurheilu")) == "Winter sports"


def test_an_empty_swedish_name_falls_back_to_finnish_marked_as_finnish(client):
    area = ServiceAreaFactory(name="Reposaari")
    field = FieldOfActivityFactory(name="Purjehdus")
    association = AssociationFactory()
    association.service_areas.add(area)
    association.fields_of_activity.add(field)
    topic = TopicFactory(name="Saaristo")
    ContactPersonFactory(is_public=True).topics.add(topic)

    detail = client.get(association.get_absolute_url().replace("/fi/", "/sv/", 1)).content.decode()
    contacts = client.get("/sv/contacts/").content.decode()
    directory = client.get("/sv/associations/").content.decode()

    assert '<span lang="fi">Reposaari</span>' in detail
    assert '<span lang="fi">Purjehdus</span>' in detail
    assert '<li lang="fi">Saaristo</li>' in contacts
    assert '<span lang="fi">Reposaari</span>' in directory


def test_a_translated_name_is_shown_without_a_language_mark(client):
    area = ServiceAreaFactory(name="Reposaari")
    area.name_sv = "Räfsö"
    area.save()
    association = AssociationFactory()
    association.service_areas.add(area)

    detail = client.get(association.get_absolute_url().replace("/fi/", "/sv/", 1)).content.decode()

    assert "Räfsö" in detail
    assert '<span lang="fi">Reposaari</span>' not in detail


def test_a_forum_without_a_swedish_name_keeps_its_finnish_name_marked(client):
    forum = ForumFactory(name="Kalastusverkosto", description="Verkosto kalastajille.")

    page = client.get(f"/sv/forums/{forum.slug}/").content.decode()

    assert '<h1><span lang="fi">Kalastusverkosto</span></h1>' in page
    assert '<div lang="fi">' in page


@pytest.mark.parametrize(
    ("language", "site_name"),
    [("fi", "Porin yhdistysportaali"), ("sv", "Föreningsportalen i Björneborg"), ("en", "Pori associations portal")],
)
def test_the_site_name_is_in_the_visitor_s_language(client, language, site_name):
    html = client.get(f"/{language}/contacts/").content.decode()

    assert f"– {site_name}</title>" in html
