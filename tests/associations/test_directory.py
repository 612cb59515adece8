import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import Association
from associations.search import SEARCH_TOO_LONG
from tests.associations.factories import FieldOfActivityFactory, LanguageFactory, PartnershipAgreementFactory
from tests.associations.utils import en
from tests.dates import days_ago
from tests.factories import AgeGroupFactory, AssociationFactory, ServiceAreaFactory

URL = "/en/associations/"


def names(response):
    return [a.name for a in response.context["associations"]]


@pytest.fixture
def registry(db):
    karhut = AssociationFactory(
        name="Porin Karhut ry",
        description="Jääkiekkoa ja luistelua lapsille ja nuorille.",
        prh_class=Association.PRHClass.SPORTS,
        register_number="123.456",
        business_id="0112038-9",
        last_confirmed_on=dt.date(2026, 5, 4),
    )
    nuoriso = AssociationFactory(
        name="Noormarkun Nuorisoseura ry",
        description="Kansantanssia, teatteria ja karhujen tarinoita.",
        prh_class=Association.PRHClass.CULTURE,
    )
    elakelaiset = AssociationFactory(
        name="Länsi-Porin Eläkeläiset ry",
        description="Kerhoja ja retkiä.",
        prh_class=Association.PRHClass.SOCIAL_HEALTH,
    )
    AssociationFactory(name="Piilotettu Kerho", is_public=False, description="Karhut")
    AssociationFactory(
        name="Odottava Karhuseura ry", moderation_state=Association.ModerationState.PENDING, description="Karhut"
    )
    return {"karhut": karhut, "nuoriso": nuoriso, "elakelaiset": elakelaiset}


def test_the_directory_lists_public_approved_associations_by_name(client, registry):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Länsi-Porin Eläkeläiset ry", "Noormarkun Nuorisoseura ry", "Porin Karhut ry"]


def test_a_misspelt_search_still_finds_porin_karhut(client, registry):
    response = client.get(URL, {"q": "Porn Karhtu"})
    assert names(response)[0] == "Porin Karhut ry"
    assert "Piilotettu Kerho" not in names(response)


@pytest.mark.country("FI")
def test_search_finds_inflected_and_partial_words_and_orders_by_relevance(client, registry):
    # "karhujen" (genitive plural) matches the name "Karhut" (stemmed) and the other's description.
    response = client.get(URL, {"q": "karhujen"})
    assert names(response)[:2] == ["Porin Karhut ry", "Noormarkun Nuorisoseura ry"]
    assert names(client.get(URL, {"q": "Noormark"})) == ["Noormarkun Nuorisoseura ry"]


@pytest.mark.country("FI")
def test_search_by_business_id_or_register_number_finds_the_exact_entry(client, registry):
    assert names(client.get(URL, {"q": "0112038-9"})) == ["Porin Karhut ry"]
    assert names(client.get(URL, {"q": "123456"})) == ["Porin Karhut ry"]


def test_punctuation_in_a_search_is_harmless(client, registry):
    response = client.get(URL, {"q": "karhut & | ! :* ' ( \\"})
    assert response.status_code == 200
    assert "Porin Karhut ry" in names(response)


def test_a_10000_character_search_gets_a_clear_message_not_an_error(client, registry):
    response = client.get(URL, {"q": "karhu" * 2000})
    assert response.status_code == 200
    assert en(SEARCH_TOO_LONG, {"limit_value": 200}) in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_filters_are_in_the_url_and_combine(client, registry):
    area = ServiceAreaFactory(name="Länsi-Pori")
    youth = AgeGroupFactory(name="Nuoret")
    swedish = LanguageFactory(code="sv", name="ruotsi")
    registry["karhut"].service_areas.add(area)
    registry["karhut"].age_groups.add(youth)
    registry["karhut"].languages.add(swedish)
    registry["elakelaiset"].service_areas.add(area)
    response = client.get(
        URL, {"service_area": area.pk, "prh_class": "sports", "age_group": youth.pk, "language": "sv"}
    )
    assert names(response) == ["Porin Karhut ry"]
    assert names(client.get(URL, {"service_area": area.pk})) == ["Länsi-Porin Eläkeläiset ry", "Porin Karhut ry"]
    assert names(client.get(URL, {"kind": "informal"})) == []


def test_a_main_field_of_activity_finds_associations_in_its_subfields(client, registry):
    sports = FieldOfActivityFactory(name="Liikunta")
    ice = FieldOfActivityFactory(name="Jääurheilu", parent=sports)
    registry["karhut"].fields_of_activity.add(ice)
    assert names(client.get(URL, {"field": sports.pk})) == ["Porin Karhut ry"]
    assert names(client.get(URL, {"field": ice.pk})) == ["Porin Karhut ry"]


def test_has_a_partnership_agreement_filter_counts_only_valid_public_agreements(client, registry):
    PartnershipAgreementFactory(association=registry["karhut"], valid_from=days_ago(300), valid_until=None)
    PartnershipAgreementFactory(association=registry["nuoriso"], valid_from=days_ago(5 * 365), valid_until=days_ago(1))
    PartnershipAgreementFactory(association=registry["elakelaiset"], is_public=False)
    assert names(client.get(URL, {"has_agreement": "on"})) == ["Porin Karhut ry"]
    # Submitting the form with the box unticked filters nothing: Porin Karhut is still found.
    assert "Porin Karhut ry" in names(client.get(URL, {"q": "karhut", "prh_class": ""}))


def test_an_unknown_filter_value_is_a_message_not_an_error(client, registry):
    response = client.get(URL, {"prh_class": "astrology", "service_area": "abc", "page": "999"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_the_directory_shows_when_the_profile_was_confirmed(client, registry):
    assert "Confirmed 4 May 2026" in client.get(URL).content.decode()  # English dates in en-GB form


def test_the_directory_pages_by_twenty_and_keeps_the_filters_in_page_links(client, db):
    for n in range(25):
        AssociationFactory(name=f"Seura {n:02d} ry", prh_class="sports")
    response = client.get(URL, {"prh_class": "sports"})
    assert len(names(response)) == 20
    body = response.content.decode()
    assert re.search(r'href="\?prh_class=sports&amp;page=2"', body)
    assert len(names(client.get(URL, {"prh_class": "sports", "page": 2}))) == 5


def _directory_queries(client, count):
    sports = FieldOfActivityFactory(name="Liikunta")
    area = ServiceAreaFactory(name="Keskusta")
    created = Association.objects.bulk_create(
        Association(
            name=f"Porin Seura {n} ry",
            slug=f"porin-seura-{n}",
            description="Liikuntaa kaikille",
            moderation_state="approved",
        )
        for n in range(count)
    )
    Association.fields_of_activity.through.objects.bulk_create(
        Association.fields_of_activity.through(association_id=a.pk, fieldofactivity_id=sports.pk) for a in created
    )
    Association.service_areas.through.objects.bulk_create(
        Association.service_areas.through(association_id=a.pk, servicearea_id=area.pk) for a in created
    )
    client.get(URL)  # the filter form's options are cached: count a warm page both times
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "seura", "service_area": area.pk})
    assert response.status_code == 200
    assert len(response.context["associations"]) == min(count, 20)
    assert all(a.fields_of_activity.all()[0] == sports for a in response.context["associations"])
    return len(queries)


@pytest.mark.django_db
def test_the_directory_makes_as_many_queries_for_2000_associations_as_for_20(client, django_assert_max_num_queries):
    few = _directory_queries(client, 20)
    Association.objects.all().delete()
    many = _directory_queries(client, 2000)
    assert many == few
    with django_assert_max_num_queries(12):
        client.get(URL, {"q": "seura"})


def test_the_extra_filters_fold_away_until_one_is_used(client, registry):
    assert '<details class="more-filters">' in client.get(URL).content.decode()
    assert '<details class="more-filters" open>' in client.get(URL, {"prh_class": "sports"}).content.decode()


def test_a_markdown_description_is_summarised_as_plain_text(client, db):
    AssociationFactory(name="Listaseura ry", description="Toimintaa:\n\n- **kerhot**\n- [retket](https://x.example)")
    body = client.get(URL).content.decode()
    assert "Toimintaa: · kerhot · retket" in body


@pytest.mark.django_db
def test_a_search_counts_its_results_once_and_pages_by_that_count(client):
    for n in range(23):
        AssociationFactory(name=f"Laskuseura {n:02d} ry")
    AssociationFactory(name="Muu yhdistys ry")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "laskuseura"})
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    page = response.context["page"]
    assert page.paginator.count == 23 and page.paginator.num_pages == 2
    assert len(client.get(URL, {"q": "laskuseura", "page": 2}).context["associations"]) == 3


@pytest.mark.django_db
def test_the_filter_forms_options_are_cached_until_their_table_changes(client):
    from portal.models import ServiceArea

    area = ServiceArea.objects.create(name="Vanha alue", name_fi="Vanha alue")
    assert "Vanha alue" in client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get(URL)
    assert not [q for q in warm.captured_queries if q["sql"].startswith('SELECT "portal_servicearea"."id"')]
    ServiceArea.objects.filter(pk=area.pk).update(name="Uusi alue", name_fi="Uusi alue")  # no save(): still seen
    body = client.get(URL).content.decode()
    assert "Uusi alue" in body and "Vanha alue" not in body
