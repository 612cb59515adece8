"""The registry under both city profiles: each country's register identity, classification and search.

``city`` runs a test once as Pori (Finland) and once as Poznań (Poland), switching the city
profile the country layer (``associations.countries``) reads. ``make test`` also runs this module
with ``CITY=poznan`` for the whole process (language, time zone, modeltranslation's default).
"""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from associations.models import Association, PublicBenefitSphere
from associations.poland import (
    KRS_INVALID,
    KRS_TAKEN,
    NIP_INVALID,
    PUBLIC_BENEFIT_SPHERES,
    REGON_INVALID,
    normalize_krs,
    normalize_nip,
    normalize_regon,
    public_benefit_spheres_ensure,
)
from associations.services import registry as registry_services
from associations.validators import BUSINESS_ID_INVALID
from portal.cities import CITY_PROFILES
from portal.db import violated_constraint
from tests.associations.utils import en
from tests.factories import AssociationFactory, MembershipFactory

DIRECTORY = "/en/associations/"
VALID_NIP = "3416721109"
VALID_REGON = "723440104"
VALID_REGON_LOCAL_UNIT = "54526914937424"


@pytest.fixture(autouse=True)
def spheres(db):
    # Migration 0011 loads them; a transactional test elsewhere may have flushed the database since.
    public_benefit_spheres_ensure(PublicBenefitSphere)


@pytest.fixture(params=["pori", "poznan"])
def city(request, settings):
    settings.CITY_PROFILE = CITY_PROFILES[request.param]
    return request.param


@pytest.fixture
def poznan(settings):
    settings.CITY_PROFILE = CITY_PROFILES["poznan"]
    return "poznan"


def sphere(point):
    return PublicBenefitSphere.objects.get(point=point)


def names(response):
    return [a.name for a in response.context["associations"]]


# --- Identifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("341-672-11-09", VALID_NIP), ("PL 341 672 11 09", VALID_NIP), ("3416721109", VALID_NIP), ("", "")],
)
def test_a_nip_is_kept_as_its_ten_digits(typed, stored):
    assert normalize_nip(typed) == stored


@pytest.mark.parametrize("typed", ["3416721108", "341672110", "34167211099", "34167211O9", "0000000000x"])
def test_a_nip_with_a_wrong_check_digit_or_length_is_refused_with_its_message(typed):
    with pytest.raises(ValidationError) as exc:
        normalize_nip(typed)
    assert exc.value.messages == [str(NIP_INVALID)]


def test_a_regon_has_nine_or_fourteen_digits_and_a_valid_check_digit():
    assert normalize_regon("723-440-104") == VALID_REGON
    assert normalize_regon(VALID_REGON_LOCAL_UNIT) == VALID_REGON_LOCAL_UNIT
    for wrong in ("723440105", "72344010", "5452691493742", "54526914937425"):
        with pytest.raises(ValidationError) as exc:
            normalize_regon(wrong)
        assert exc.value.messages == [str(REGON_INVALID)]


def test_a_krs_number_must_be_ten_digits():
    assert normalize_krs("0000 123 456") == "0000123456"
    for wrong in ("123456", "00001234567", "KRS0000123456"):
        with pytest.raises(ValidationError) as exc:
            normalize_krs(wrong)
        assert exc.value.messages == [str(KRS_INVALID)]


def test_a_wrong_polish_identifier_is_refused_in_polish():
    with translation.override("pl"):
        with pytest.raises(ValidationError) as exc:
            normalize_nip("3416721108")
        assert exc.value.messages == ["Podaj NIP jako dziesięć cyfr z poprawną cyfrą kontrolną, np. 341-672-11-09."]
        with pytest.raises(ValidationError) as exc:
            normalize_krs("123456")
        assert exc.value.messages == ["Podaj numer KRS jako dziesięć cyfr, np. 0000123456."]


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("nip", "3416721108", "association_nip_check_digit"),
        ("regon", "723440105", "association_regon_check_digit"),
        ("regon", "72344010", "association_regon_"),  # format and check digit both refuse it
        ("krs_number", "12345", "association_krs_number_format"),
        ("legal_form", "spolka_akcyjna", "association_legal_form_valid"),
    ],
)
def test_the_database_refuses_a_wrong_identifier_written_around_the_forms(db, field, value, constraint):
    association = AssociationFactory()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Association.objects.filter(pk=association.pk).update(**{field: value})
    assert violated_constraint(exc.value).startswith(constraint)


def test_the_database_accepts_valid_polish_identifiers_and_keeps_them_unique(db):
    AssociationFactory(krs_number="0000123456", nip=VALID_NIP, regon=VALID_REGON, legal_form="fundacja")
    AssociationFactory(regon=VALID_REGON_LOCAL_UNIT)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        AssociationFactory(krs_number="0000123456")
    assert violated_constraint(exc.value) == "association_krs_number_unique"


def test_the_law_lists_its_spheres_in_polish_with_translations(db):
    assert PublicBenefitSphere.objects.count() == len(PUBLIC_BENEFIT_SPHERES)
    volunteering = sphere("27")
    assert volunteering.name_pl == "promocja i organizacja wolontariatu"
    assert volunteering.name_en == "volunteering"
    assert volunteering.name_fi and volunteering.name_sv


# --- Forms: the country's fields -----------------------------------------------------------


def form_data(**overrides):
    data = {"name": "Porin Karhut ry", "kind": "registered", "description": "", "website": "", "email": ""}
    data.update({"phone": "", "founded_year": "", "is_public": "on", **overrides})
    return data


def test_the_profile_form_shows_the_fields_of_the_citys_country(city, client_for, association, association_member):
    response = client_for(association_member).get(f"/en/associations/{association.slug}/edit/")
    fields = set(response.context["form"].fields)
    polish = {"krs_number", "nip", "regon", "legal_form", "public_benefit_spheres"}
    finnish = {"register_number", "business_id", "prh_class"}
    assert fields >= (polish if city == "poznan" else finnish)
    assert not fields & (finnish if city == "poznan" else polish)


def test_in_poznan_a_wrong_nip_regon_or_krs_is_refused_with_a_message_at_the_field(
    poznan, client_for, association, association_member
):
    response = client_for(association_member).post(
        f"/en/associations/{association.slug}/edit/",
        form_data(legal_form="stowarzyszenie", krs_number="12345", nip="341-672-11-08", regon="723440105"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["krs_number"] == [en(KRS_INVALID)]
    assert errors["nip"] == [en(NIP_INVALID)]
    assert errors["regon"] == [en(REGON_INVALID)]
    assert en(NIP_INVALID) in response.content.decode()


def test_in_poznan_a_representative_saves_the_polish_identity(poznan, client_for, association, association_member):
    response = client_for(association_member).post(
        f"/en/associations/{association.slug}/edit/",
        form_data(
            legal_form="stowarzyszenie",
            krs_number="0000 123 456",
            nip="PL 341-672-11-09",
            regon=VALID_REGON,
            public_benefit_spheres=[sphere("17").pk, sphere("15").pk],
        ),
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert (association.krs_number, association.nip, association.regon) == ("0000123456", VALID_NIP, VALID_REGON)
    assert {s.point for s in association.public_benefit_spheres.all()} == {"15", "17"}
    page = client_for(association_member).get(f"/en/associations/{association.slug}/").content.decode()
    assert "0000123456" in page and "volunteering" not in page and "physical culture and sport" in page


def test_in_poznan_a_krs_number_another_organisation_has_is_refused(poznan, client_for, association):
    AssociationFactory(krs_number="0000123456")
    admin = MembershipFactory(association=association, role="admin").user
    response = client_for(admin).post(
        f"/en/associations/{association.slug}/edit/", form_data(krs_number="0000123456", legal_form="fundacja")
    )
    assert response.context["form"].errors["krs_number"] == [en(KRS_TAKEN)]


def test_the_service_refuses_a_wrong_business_id_or_nip_whatever_the_form(db, association, association_admin):
    for data, field, message in (
        ({"business_id": "0112038-8"}, "business_id", BUSINESS_ID_INVALID),
        ({"nip": "3416721108"}, "nip", NIP_INVALID),
    ):
        with translation.override("en"):
            with pytest.raises(ValidationError) as exc:
                registry_services.association_update_profile(association=association, user=association_admin, data=data)
            assert exc.value.message_dict[field] == [str(message)]


# --- The directory: classification and search ----------------------------------------------


@pytest.fixture
def registry(db):
    karhut = AssociationFactory(
        name="Porin Karhut ry",
        description="Jääkiekkoa lapsille ja nuorille.",
        prh_class=Association.PRHClass.SPORTS,
        business_id="0112038-9",
    )
    przyjaciele = AssociationFactory(
        name="Stowarzyszenie Przyjaciół Dzieci Wielkopolski",
        description="Zajęcia sportowe dla dzieci i młodzieży z Łazarza.",
        legal_form="stowarzyszenie",
        krs_number="0000123456",
        nip=VALID_NIP,
    )
    przyjaciele.public_benefit_spheres.set([sphere("15"), sphere("17")])
    fundacja = AssociationFactory(name="Fundacja Ekologiczna Warta", legal_form="fundacja", regon=VALID_REGON)
    fundacja.public_benefit_spheres.set([sphere("18")])
    return {"karhut": karhut, "przyjaciele": przyjaciele, "fundacja": fundacja}


def test_the_directory_filters_by_the_classification_of_the_citys_country(city, client, registry):
    page = client.get(DIRECTORY)
    filters = set(page.context["filter"].form.fields)
    if city == "poznan":
        assert "sphere" in filters and "prh_class" not in filters
        response = client.get(DIRECTORY, {"sphere": "17"})
        assert names(response) == ["Stowarzyszenie Przyjaciół Dzieci Wielkopolski"]
        assert 'value="17"' in page.content.decode()
    else:
        assert "prh_class" in filters and "sphere" not in filters
        assert names(client.get(DIRECTORY, {"prh_class": "sports"})) == ["Porin Karhut ry"]


def test_in_poznan_a_search_without_polish_letters_finds_the_organisation(poznan, client, registry):
    assert names(client.get(DIRECTORY, {"q": "Stowarzyszenie Przyjaciol"})) == [
        "Stowarzyszenie Przyjaciół Dzieci Wielkopolski"
    ]
    # Words of the description, a prefix, and the Polish letters typed as they are.
    assert names(client.get(DIRECTORY, {"q": "lazarz"})) == ["Stowarzyszenie Przyjaciół Dzieci Wielkopolski"]
    assert names(client.get(DIRECTORY, {"q": "Łazarza młodzieży"})) == ["Stowarzyszenie Przyjaciół Dzieci Wielkopolski"]
    # A typo falls through to the trigram step, as in Pori.
    assert names(client.get(DIRECTORY, {"q": "Fundacja Ekologiczan"}))[0] == "Fundacja Ekologiczna Warta"


def test_a_search_by_the_citys_own_identifier_finds_the_exact_entry(city, client, registry):
    if city == "poznan":
        assert names(client.get(DIRECTORY, {"q": "0000123456"})) == ["Stowarzyszenie Przyjaciół Dzieci Wielkopolski"]
        assert names(client.get(DIRECTORY, {"q": "341-672-11-09"})) == ["Stowarzyszenie Przyjaciół Dzieci Wielkopolski"]
        assert names(client.get(DIRECTORY, {"q": VALID_REGON})) == ["Fundacja Ekologiczna Warta"]
    else:
        assert names(client.get(DIRECTORY, {"q": "0112038-9"})) == ["Porin Karhut ry"]


def test_pori_keeps_its_finnish_stemming(city, client, registry):
    # "lapsille" (for children) finds "lapsille" through the Finnish stem in Pori; in Poznań the
    # plain prefix search finds it too: both cities find their own language's words.
    assert "Porin Karhut ry" in names(client.get(DIRECTORY, {"q": "lapsi" if city == "pori" else "lapsille"}))


def test_the_profile_shows_the_identity_of_the_citys_country(city, client, registry):
    address = re.sub(r"^/[a-z]{2}/", "/en/", registry["przyjaciele"].get_absolute_url())  # /fi/ or /pl/
    page = client.get(address).content.decode()
    if city == "poznan":
        assert "KRS number" in page and "0000123456" in page and "Association (stowarzyszenie)" in page
    else:
        assert "KRS number" not in page


def test_a_polish_name_keeps_its_l_in_the_slug(db):
    assert registry_services.unique_slug("Stowarzyszenie Przyjaciół Łazarza") == "stowarzyszenie-przyjaciol-lazarza"


def test_the_open_data_carries_the_identity_of_the_citys_country(city, client, registry):
    header = client.get("/en/associations/export.csv").getvalue().decode("utf-8-sig").splitlines()[0]
    records = json.loads(client.get("/en/associations/export.json").getvalue())["associations"]
    przyjaciele = next(r for r in records if r["name"].startswith("Stowarzyszenie"))
    if city == "poznan":
        assert "krs_number" in header and "prh_class" not in header
        assert przyjaciele["krs_number"] == "0000123456" and przyjaciele["public_benefit_spheres"] == ["15", "17"]
    else:
        assert "prh_class" in header and "krs_number" not in header
        assert "krs_number" not in przyjaciele
