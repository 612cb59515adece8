"""Poznań's yearly report follows the statutory outline (art. 5a ust. 3), with figures from the portal."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from portal import registries
from portal.programme import demo, services
from portal.programme.models import Programme, Report
from portal.programme.outlines import POLISH_STATUTORY, outline_snapshot, report_deadline
from portal.programme.pdf import report_context
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def poznan_programme():
    demo.load()
    return Programme.objects.get(slug=demo.POZNAN_SLUG)


@pytest.fixture
def steering(department):
    user = make_staff(department, "rada@poznan.example")
    user.groups.add(demo._steering_group())
    return user


def test_the_report_on_a_year_is_due_by_31_may_of_the_next():
    assert report_deadline(2026) == dt.date(2027, 5, 31)


def test_every_figure_of_the_outline_comes_from_a_registered_indicator():
    keys = {key for section in POLISH_STATUTORY["sections"] for _label, key, _kind in section["figures"]}
    assert keys <= set(registries.all_indicators()), keys - set(registries.all_indicators())


def test_the_outline_computes_its_figures_from_the_portal(db):
    from tests.factories import ForumFactory

    ForumFactory.create_batch(3)
    snapshot = outline_snapshot("pl_statutory", 2026)
    assert (
        snapshot["title"] == "Sprawozdanie z realizacji programu współpracy z organizacjami pozarządowymi za rok 2026"
    )
    assert "do dnia 31 maja 2027 r." in snapshot["legal_basis"]
    bodies = {f["key"]: f["value"] for f in snapshot["sections"][3]["figures"]}
    assert bodies["portal.forums_and_networks"] == str(
        registries.get_indicator("portal.forums_and_networks").value_for(2026)
    )
    assert outline_snapshot("", 2026) is None


def test_poznans_report_has_the_statutory_sections_before_the_goals_and_pori_has_none(poznan_programme, steering):
    report = Report.objects.create(programme=poznan_programme, year=2026, language="pl", created_by=steering)
    services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == Report.State.READY
    with translation.override("pl"):
        html = render_to_string("portal/programme/report_pdf.html", report_context(report))
    titles = [section["title"] for section in POLISH_STATUTORY["sections"]]
    positions = [html.index(title) for title in [*titles, POLISH_STATUTORY["goals_title"]]]
    assert positions == sorted(positions)
    assert html.index(POLISH_STATUTORY["goals_title"]) < html.index("Zwiększanie roli organizacji pozarządowych")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", Path(report.pdf.path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Konsultacje" in text and "31 maja 2027" in text
    pori = Programme.objects.get(slug=demo.PORI_SLUG)
    pori_report = Report.objects.create(programme=pori, year=2026, created_by=steering)
    services.report_generate(report_id=pori_report.pk)
    pori_report.refresh_from_db()
    assert pori_report.snapshot["statutory"] is None
