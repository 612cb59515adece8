import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from associations.models import Association
from associations.services.register_import import IMPORT_MISSING_REGISTER_NUMBER, association_import_register_rows
from tests.associations.factories import FieldOfActivityFactory
from tests.factories import AssociationFactory, MembershipFactory, ServiceAreaFactory


@pytest.fixture
def registry(db):
    area = ServiceAreaFactory(name="Keskusta")
    karhut = AssociationFactory(name="Porin Karhut ry", register_number="123.456", prh_class="sports")
    karhut.service_areas.add(area)
    karhut.fields_of_activity.add(FieldOfActivityFactory(name="Jääkiekko"))
    MembershipFactory(association=karhut, user__email="secret.person@example.org")
    AssociationFactory(name="Porin Kuoro ry", prh_class="culture")
    AssociationFactory(name="Salainen Piiri", is_public=False)
    return area


def test_the_csv_export_has_public_fields_with_the_directorys_filters(client, registry):
    response = client.get("/en/associations/export.csv", {"prh_class": "sports"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["Porin Karhut ry"]
    assert rows[0]["register_number"] == "123.456"
    assert rows[0]["service_areas"] == "Keskusta"
    assert rows[0]["fields_of_activity"] == "Jääkiekko"
    assert "secret.person" not in text and "Salainen" not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, db, start):
    formula = f'{start}cmd|"/c calc"!A1'
    AssociationFactory(name=f"{start}Kaavayhdistys ry", phone=formula, website="https://kaava.example")

    response = client.get("/en/associations/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if "Kaavayhdistys" in r["name"])
    assert row["name"] == f"'{start}Kaavayhdistys ry"
    assert row["phone"] == f"'{formula}"
    assert row["website"] == "https://kaava.example", "ordinary cells are left as they are"


def test_the_json_export_matches_the_search(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/en/associations/export.json", {"q": "kuoro"})
        data = json.loads(b"".join(response.streaming_content))
    assert [a["name"] for a in data["associations"]] == ["Porin Kuoro ry"]
    assert data["associations"][0]["url"].endswith(
        "/associations/" + Association.objects.get(name="Porin Kuoro ry").slug + "/"
    )


def test_an_export_with_a_bad_filter_says_why(client, registry):
    response = client.get("/en/associations/export.json", {"q": "x" * 300})
    assert response.status_code == 400
    assert "q" in json.loads(response.content)["errors"]


def test_the_register_import_creates_updates_and_refuses_rows_with_reasons(registry, staff):
    rows = [
        {"register_number": "123456", "name": "Porin Karhut ry", "prh_class": "sports", "founded_year": "1967"},
        {"register_number": "222.333", "name": "Uusi Seura ry", "prh_class": "leisure", "business_id": "0112038-9"},
        {"register_number": "", "name": "Numeroton ry"},
        {"register_number": "444555", "name": "Väärä ry", "business_id": "0112038-1"},
        {"register_number": "444556", "name": "Outo ry", "prh_class": "astrology"},
        {"register_number": "444557", "name": "Linkki ry", "website": "javascript:alert(1)"},
    ]
    with translation.override("en"):  # reasons are written in the importing user's language
        results = association_import_register_rows(rows=rows, user=staff)
    assert [(r.line, r.outcome) for r in results] == [
        (2, "updated"),
        (3, "created"),
        (4, "refused"),
        (5, "refused"),
        (6, "refused"),
        (7, "refused"),
    ]
    assert results[2].reason == "The register number is missing."
    assert "check digit" in results[3].reason
    assert "astrology" in results[4].reason
    assert Association.objects.get(register_number="123.456").founded_year == 1967
    created = Association.objects.get(register_number="222.333")
    assert created.moderation_state == "approved" and created.business_id == "0112038-9"
    assert created.history.first().history_user == staff
    again = association_import_register_rows(rows=rows[:2], user=staff)
    assert [r.outcome for r in again] == ["unchanged", "unchanged"]


def test_staff_import_a_csv_in_the_admin_and_see_the_report(client_for, registry, staff):
    content = (
        "register_number;name;prh_class\n"
        "123.456;Porin Karhut ry;sports\n"
        "999.001;Reposaaren Seura ry;leisure\n"
        ";Ei numeroa;\n"
    )
    response = client_for(staff).post(
        "/admin/associations/association/import/",
        {"file": SimpleUploadedFile("extract.csv", content.encode("utf-8-sig"), content_type="text/csv")},
    )
    assert response.status_code == 200
    assert response.context["summary"] == {"unchanged": 1, "created": 1, "refused": 1}
    assert "Reposaaren Seura ry" in response.content.decode()


def test_a_file_without_the_columns_is_refused_with_a_message(client_for, registry, staff):
    response = client_for(staff).post(
        "/admin/associations/association/import/",
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe garbage", content_type="text/csv")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_register_import_command_prints_a_line_per_row(registry, staff, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "extract.csv"
    path.write_text("register_number,name,prh_class\n123.456,Porin Karhut ry,sports\n,Ei numeroa,\n", encoding="utf-8")
    call_command("import_register_csv", str(path), user=staff.email)
    out = capsys.readouterr().out
    assert "line 2 123.456 Porin Karhut ry – unchanged" in out
    assert f"line 3  Ei numeroa – refused: {IMPORT_MISSING_REGISTER_NUMBER}" in out
    assert out.strip().endswith("refused 1, unchanged 1")
