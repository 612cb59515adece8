"""Open data and the round trip: all values as CSV; staff-entered values imported with a per-row report."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal.programme import services
from portal.programme.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def url(name):
    with translation.override("en"):
        return reverse(name)


def upload(text):
    return SimpleUploadedFile("values.csv", text.encode("utf-8"), content_type="text/csv")


def test_the_steering_group_downloads_every_indicator_as_csv(pori, steering, client_for):
    manual = Indicator.objects.filter(focus_area__programme=pori, source="manual").first()
    services.indicator_value_enter(indicator=manual, year=2026, value="7", user=steering)
    response = client_for(steering).get(url("portal:programme-values-csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["indicator_id"] for row in rows} == {
        str(pk) for pk in Indicator.objects.filter(focus_area__programme=pori).values_list("pk", flat=True)
    }
    assert any(row["indicator_id"] == str(manual.pk) and row["value"] == "7.00" for row in rows)


def test_import_saves_good_rows_and_reports_each_bad_one(pori, steering, client_for):
    manual = Indicator.objects.filter(focus_area__programme=pori, source="manual").first()
    computed = Indicator.objects.filter(focus_area__programme=pori, source="computed").first()
    text = (
        "indicator_id,year,value,note\n"
        f"{manual.pk},2026,12,ok\n"
        f"{manual.pk},2026,lots,\n"
        f"{computed.pk},2026,3,\n"
        "999999,2026,3,\n"
    )
    response = client_for(steering).post(url("portal:programme-values-import"), {"file": upload(text)})
    assert response.status_code == 200
    assert [(n, ok) for n, ok, _m in response.context["result"]] == [(2, True), (3, False), (4, False), (5, False)]
    assert response.context["result"][1][2] == str(services.VALUE_NOT_A_NUMBER)
    assert IndicatorValue.objects.get().value == 12


def test_a_file_without_the_columns_changes_nothing(pori, steering, client_for):
    response = client_for(steering).post(url("portal:programme-values-import"), {"file": upload("a,b\n1,2\n")})
    assert response.status_code == 400
    assert str(services.IMPORT_COLUMNS_MISSING) in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_others_cannot_export_or_import(pori, association_admin, client_for):
    assert client_for(association_admin).get(url("portal:programme-values-csv")).status_code == 404
    assert client_for(None).get(url("portal:programme-values-import")).status_code == 404


# --- Open data: the signed values as a Frictionless data package ---------------------------------


@pytest.fixture
def published(pori, steering, django_capture_on_commit_callbacks):
    manual = Indicator.objects.filter(focus_area__programme=pori, source="manual").order_by("pk").first()
    services.indicator_value_enter(indicator=manual, year=2026, value="-7", user=steering)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(programme=pori, year=2026, user=steering)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_sign(report=report, user=steering)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_erratum_add(
            report=report, indicator=manual, new_value="9", text="Laskettu uudelleen", user=steering
        )
    return manual


def open_url(name, pori):
    with translation.override("en"):
        return reverse(name, args=[pori.slug])


def test_the_public_data_package_is_valid_frictionless_with_the_signed_values(pori, published, client, tmp_path):
    import frictionless

    descriptor = client.get(open_url("portal:programme-datapackage", pori))
    data = client.get(open_url("portal:programme-open-csv", pori))  # anyone, signed out
    assert descriptor.status_code == 200 and data.status_code == 200
    assert data["Content-Type"].startswith("text/csv")
    (tmp_path / "datapackage.json").write_bytes(descriptor.content)
    (tmp_path / "indicator-values.csv").write_bytes(data.content)

    report = frictionless.validate(str(tmp_path / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(data.content.decode())))
    assert len(rows) == Indicator.objects.filter(focus_area__programme=pori).count()
    assert {row["year"] for row in rows} == {"2026"}
    corrected = next(row for row in rows if row["indicator_id"] == str(published.pk))
    assert (corrected["value"], corrected["source"], corrected["status"]) == ("9.00", "erratum", "final")
    assert corrected["corrected_at"] and corrected["signed_at"]


def test_unsigned_values_are_not_published(pori, steering, client):
    manual = Indicator.objects.filter(focus_area__programme=pori, source="manual").first()
    services.indicator_value_enter(indicator=manual, year=2026, value="7", user=steering)
    rows = list(csv.DictReader(io.StringIO(client.get(open_url("portal:programme-open-csv", pori)).content.decode())))
    assert rows == []
    assert client.get("/en/programme/no-such-programme/data/datapackage.json").status_code == 404


def test_the_descriptor_also_passes_the_data_package_json_schema(pori, client):
    """The same check without frictionless's own code: the descriptor names its CSV and describes every column."""
    from portal.programme import opendata

    descriptor = client.get(open_url("portal:programme-datapackage", pori)).json()
    resource = descriptor["resources"][0]
    assert resource["path"] == "indicator-values.csv"
    assert [f["name"] for f in resource["schema"]["fields"]] == opendata.COLUMNS
    header = client.get(open_url("portal:programme-open-csv", pori)).content.decode().splitlines()[0]
    assert header.split(",") == opendata.COLUMNS
