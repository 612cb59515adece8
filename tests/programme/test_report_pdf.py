"""The report PDF is tagged and accessible: a check standing in for veraPDF (not installable here).

veraPDF needs Maven Central, which this machine cannot reach; pypdf reads what veraPDF's PDF/UA-1
profile looks at first: a structure tree, ``/MarkInfo /Marked true``, the document's language, a
title shown in the window title, alternative text on every figure, the CSV attached as an
embedded file, and a page number on every page.
"""

import io

import pytest
from pypdf import PdfReader

from portal.programme import demo, services
from portal.programme.models import Programme, Report
from portal.programme.pdf import values_csv
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(department):
    demo.load()
    pori = Programme.objects.get(slug=demo.PORI_SLUG)
    user = make_staff(department, "steering@city.example")
    report = Report.objects.create(programme=pori, year=2026, language="sv", created_by=user)
    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == Report.State.READY
    return report


@pytest.fixture
def pdf(report):
    return PdfReader(io.BytesIO(report.pdf.open("rb").read()))


def struct_elements(node, seen=None):
    """Every structure element under ``node`` (depth first)."""
    seen = seen if seen is not None else set()
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid and id(kid) not in seen:
            seen.add(id(kid))
            yield kid
            yield from struct_elements(kid, seen)


def test_the_pdf_is_tagged_with_language_and_title(pdf, report):
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True  # pypdf BooleanObject
    assert root["/Lang"] == "sv"
    assert pdf.metadata.title.startswith(report.programme.name)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # PDF/UA: the title, not the file name
    tags = {str(element["/S"]) for element in struct_elements(root["/StructTreeRoot"])}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= tags


def test_every_figure_has_alternative_text(pdf):
    figures = [e for e in struct_elements(pdf.trailer["/Root"]["/StructTreeRoot"]) if e["/S"] == "/Figure"]
    assert figures
    assert all(str(figure.get("/Alt", "")).strip() for figure in figures)


def test_the_values_are_attached_as_csv(pdf, report):
    names = pdf.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    attached = dict(zip(names[::2], names[1::2], strict=True))
    spec = attached["indicator-values-2026.csv"].get_object()
    data = spec["/EF"]["/F"].get_object().get_data().decode("utf-8")
    assert data == values_csv(report.snapshot)


def test_every_page_has_its_number(pdf):
    total = len(pdf.pages)
    assert total > 3
    for number, page in enumerate(pdf.pages, start=1):
        assert f"{number} / {total}" in page.extract_text(), f"page {number} has no page number"
