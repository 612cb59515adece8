import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from associations.forms import FOUNDED_YEAR_INVALID
from associations.models import Association
from associations.validators import (
    BUSINESS_ID_INVALID,
    DESCRIPTION_HTML_NOT_ALLOWED,
    FILE_TOO_LARGE,
    IMAGE_INVALID,
    REGISTER_NUMBER_TAKEN,
    URL_SCHEME_INVALID,
)
from tests.associations.factories import FieldOfActivityFactory, image_bytes, image_upload
from tests.associations.utils import en
from tests.factories import AssociationFactory, ServiceAreaFactory

URL = "/en/associations/porin-karhut/edit/"


def form_data(**overrides):
    data = {
        "name": "Porin Karhut ry",
        "kind": "registered",
        "prh_class": "sports",
        "description": "Jääkiekkoa lapsille ja nuorille.",
        "website": "https://karhut.example",
        "email": "info@karhut.example",
        "phone": "",
        "register_number": "",
        "business_id": "",
        "founded_year": "",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def snapshot(association):
    association.refresh_from_db()
    return (
        association.name,
        association.description,
        association.website,
        association.register_number,
        association.business_id,
        association.logo.name,
        association.history.count(),
    )


@pytest.mark.country("FI")
def test_a_representative_edits_the_profile_and_it_is_public_at_once_and_in_history(
    client_for, association, association_member, client
):
    sports = FieldOfActivityFactory(name="Jääkiekko")
    area = ServiceAreaFactory(name="Keskusta")
    response = client_for(association_member).post(
        URL,
        form_data(
            description="Uusi kuvaus.",
            fields_of_activity=[sports.pk],
            service_areas=[area.pk],
            register_number="123456",
            business_id="112038-9",
            founded_year="1967",
            logo=image_upload(),
        ),
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.description == "Uusi kuvaus."
    assert association.register_number == "123.456"
    assert association.business_id == "0112038-9"
    assert list(association.fields_of_activity.all()) == [sports]
    assert association.logo.name.endswith(".png")
    assert association.last_confirmed_on is not None
    latest = association.history.first()
    assert latest.history_user == association_member
    assert latest.description == "Uusi kuvaus."
    assert "Uusi kuvaus." in client.get("/en/associations/porin-karhut/").content.decode()


@pytest.mark.country("FI")
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"website": "javascript:alert(1)"}, "website", URL_SCHEME_INVALID),
        ({"description": "<script>alert(1)</script>"}, "description", DESCRIPTION_HTML_NOT_ALLOWED),
        ({"business_id": "0112038-8"}, "business_id", BUSINESS_ID_INVALID),
        ({"founded_year": "1500"}, "founded_year", FOUNDED_YEAR_INVALID),
        (
            {"logo": SimpleUploadedFile("logo.png", b"GIF89a but not really", content_type="image/png")},
            "logo",
            IMAGE_INVALID,
        ),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_field_and_nothing_is_saved(
    client_for, association, association_member, overrides, field, message
):
    before = snapshot(association)
    response = client_for(association_member).post(URL, form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [en(message)]
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert 'aria-invalid="true"' in body
    assert snapshot(association) == before


def test_a_20_mb_logo_is_refused_and_not_written(client_for, association, association_member, settings, tmp_path):
    big = SimpleUploadedFile("big.png", image_bytes() + b"\0" * (20 * 1024 * 1024), content_type="image/png")
    before = snapshot(association)
    response = client_for(association_member).post(URL, form_data(logo=big))
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    assert en(FILE_TOO_LARGE, {"limit": "5.0\xa0MB"}) == response.context["form"].errors["logo"][0]
    assert snapshot(association) == before
    media = settings.MEDIA_ROOT
    assert not list(media.rglob("*.png")) if media.exists() else True


@pytest.mark.country("FI")
def test_a_duplicate_register_number_is_refused(client_for, association, association_member):
    AssociationFactory(name="Toinen ry", register_number="123.456")
    before = snapshot(association)
    response = client_for(association_member).post(URL, form_data(register_number="123 456"))
    assert response.context["form"].errors["register_number"] == [en(REGISTER_NUMBER_TAKEN)]
    assert snapshot(association) == before


def test_confirming_the_profile_sets_the_date_shown_in_the_directory(client_for, association, association_member):
    association.last_confirmed_on = None
    association.save()
    response = client_for(association_member).post("/en/associations/porin-karhut/confirm/")
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.last_confirmed_on is not None
    assert Association.objects.get(pk=association.pk).history.first().history_change_reason == (
        "profile confirmed current"
    )


def test_confirming_needs_a_post(client_for, association, association_member):
    assert client_for(association_member).get("/en/associations/porin-karhut/confirm/").status_code == 405
