"""The steering group's dashboard and the yearly report: who sees them, signing, errata, the PDF."""

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from portal.programme import demo, figures, services
from portal.programme.models import Indicator, IndicatorValue, Report
from portal.programme.pdf import BASE_URL, StaticOnlyFetcher, report_context
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db
LAHELLA = "Lähellä.fi-palveluun rekisteröityneiden porilaisten yhdistysten määrä/vuosi"


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def test_a_steering_group_member_sees_the_dashboard_with_every_indicator(pori, steering, client_for):
    response = client_for(steering).get(url("portal:programme-dashboard"), {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    for indicator in Indicator.objects.filter(focus_area__programme=pori):
        assert indicator.name.replace("&", "&amp;") in html
    assert "not yet measured" in html
    assert "<svg" in html and 'role="img"' in html and "<desc" in html


@pytest.mark.parametrize("persona", ["association_admin", "outsider", "staff", None])
def test_representatives_visitors_and_other_staff_get_not_found(pori, persona, client_for, request):
    user = request.getfixturevalue(persona) if persona else None
    assert client_for(user).get(url("portal:programme-dashboard")).status_code == 404


def test_a_steering_member_without_an_authenticator_app_gets_not_found(pori, department, client_for):
    user = make_staff(department, "nototp@city.example", mfa=False)
    user.groups.add(demo._steering_group())
    assert client_for(user).get(url("portal:programme-dashboard")).status_code == 404


def test_the_progress_page_refreshes_itself_without_javascript(pori, steering, client_for):
    response = client_for(steering).post(
        url("portal:programme-report-request"), {"programme": pori.slug, "year": 2026, "language": "fi"}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == url("portal:programme-report", report.pk)
    page = client_for(steering).get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "Refresh" in page


def test_the_report_pdf_is_generated_quickly_with_the_values_attached(pori, steering, client_for):
    report = Report.objects.create(programme=pori, year=2026, created_by=steering)
    started = time.monotonic()
    services.report_generate(report_id=report.pk)
    elapsed = time.monotonic() - started
    report.refresh_from_db()
    assert report.state == Report.State.READY and report.generated_at is not None
    data = report.pdf.open("rb").read()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfdetach"):  # poppler-utils: the CSV is attached and the PDF is tagged
        path = Path(report.pdf.path)
        attached = subprocess.run(["pdfdetach", "-list", path], capture_output=True, text=True, check=True).stdout
        assert "indicator-values-2026.csv" in attached
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Tagged:\s+yes", info)
    assert elapsed < 10
    response = client_for(steering).get(url("portal:programme-report-pdf", report.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_pdf_may_fetch_only_the_portals_static_files():
    fetcher = StaticOnlyFetcher()
    assert fetcher.fetch(BASE_URL + "static/css/programme-report.css").read().startswith(b"/*")
    for address in ["https://example.org/x.css", "file:///etc/passwd", BASE_URL + "static/../../etc/passwd"]:
        with pytest.raises(ValueError):
            fetcher.fetch(address)


def rendered(report):
    report.refresh_from_db()
    with translation.override("en"):
        return render_to_string("portal/programme/report_pdf.html", report_context(report))


def test_signing_freezes_values_and_an_erratum_changes_the_report_and_says_when(pori, steering, client_for):
    indicator = Indicator.objects.get(name=LAHELLA)
    services.indicator_value_enter(indicator=indicator, year=2026, value="41", user=steering)
    report = Report.objects.create(programme=pori, year=2026, created_by=steering)
    services.report_generate(report_id=report.pk)
    response = client_for(steering).post(url("portal:programme-report-sign", report.pk))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.signed_at is not None and report.signed_by == steering

    # A value changed behind the report's back does not change the signed report.
    IndicatorValue.objects.filter(indicator=indicator, year=2026).update(value=99)
    services.report_generate(report_id=report.pk)
    html = rendered(report)
    shown = r"<(?:dd|td)>\s*{}\b"  # a value in the figures or the numbers table (not an element id)
    assert re.search(shown.format(41), html) and not re.search(shown.format(99), html)

    # A correction through the service becomes a dated erratum, shown in the report.
    services.indicator_value_enter(indicator=indicator, year=2026, value="45", user=steering, note="Recounted.")
    erratum = report.errata.get()
    assert (erratum.old_value, erratum.new_value) == (41, 45)
    html = rendered(report)
    with translation.override("en"):
        day = formats.date_format(timezone.localtime(erratum.created_at), "SHORT_DATE_FORMAT")
    assert f"Erratum {day}:" in html and "Recounted." in html


def test_a_signed_report_cannot_be_signed_again(pori, steering, client_for):
    report = Report.objects.create(programme=pori, year=2026, created_by=steering)
    services.report_generate(report_id=report.pk)
    services.report_sign(report=report, user=steering)
    Report.objects.filter(pk=report.pk).update(state=Report.State.READY)
    response = client_for(steering).post(url("portal:programme-report-sign", report.pk), follow=True)
    assert "The report has already been signed." in response.content.decode()


def test_the_dashboards_queries_do_not_grow_with_service_areas_and_spaces(pori, steering, client_for):
    """The by-service-area breakdowns read every area's name with the figures, not one by one
    (measured with the figures computed afresh each time, as beat and a cold cache compute them)."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.facilities.factories import FacilityFactory, SpaceFactory, every_day
    from tests.factories import ServiceAreaFactory

    client = client_for(steering)
    year = timezone.localdate().year

    def queries():
        figures.forget()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("portal:programme-dashboard"), {"year": year}).status_code == 200
        return len(captured)

    def add_areas(names):
        for name in names:
            space = SpaceFactory(
                facility=FacilityFactory(service_area=ServiceAreaFactory(name=name)), is_shared_use=True
            )
            every_day(space, starts=dt.time(16), ends=dt.time(21))

    add_areas(["Länsi"])
    queries()  # warm the session and the caches
    few = queries()
    add_areas(["Itä", "Pohjoinen", "Etelä", "Keskusta", "Meri-Pori"])
    assert queries() == few
