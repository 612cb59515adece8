"""The programme's indicator values as open data: a Frictionless data package (datapackage.json
describing one CSV with a Table Schema).

What is published is what the steering group signed: for each year with a signed report, every
indicator's figure as frozen in the latest signed report of that year, with a later erratum's
corrected value and its date. Unsigned figures are preliminary working data and stay on the
steering group's dashboard (and its own CSV export).
"""

from __future__ import annotations

import io
from decimal import Decimal

from portal import csvexport
from portal.programme.models import Erratum, Report

RESOURCE_NAME = "indicator-values"
CSV_NAME = f"{RESOURCE_NAME}.csv"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

FIELDS = [
    {"name": "focus_area", "type": "string", "title": "Focus area", "constraints": {"required": True}},
    {"name": "indicator_id", "type": "integer", "title": "Indicator id", "constraints": {"required": True}},
    {"name": "indicator", "type": "string", "title": "Indicator", "constraints": {"required": True}},
    {
        "name": "source",
        "type": "string",
        "title": "Source",
        "description": "A registry key of the portal's data, 'manual', 'survey:<id>' or 'erratum'.",
    },
    {"name": "unit", "type": "string", "title": "Unit"},
    {"name": "year", "type": "year", "title": "Year", "constraints": {"required": True}},
    {
        "name": "value",
        "type": "number",
        "title": "Value",
        "description": "Empty when the indicator was not yet measured for the year.",
    },
    {
        "name": "status",
        "type": "string",
        "title": "Status",
        "constraints": {"enum": ["preliminary", "final"]},
    },
    {"name": "answers", "type": "integer", "title": "Number of answers", "description": "Survey indicators only."},
    {"name": "as_of", "type": "datetime", "title": "As of"},
    {"name": "baseline", "type": "number", "title": "Baseline"},
    {"name": "signed_at", "type": "datetime", "title": "Report signed", "constraints": {"required": True}},
    {"name": "corrected_at", "type": "datetime", "title": "Corrected (erratum)"},
]
COLUMNS = [field["name"] for field in FIELDS]


def _number(value):
    """A number cell as a Decimal: csvexport leaves numbers alone (a string "-3" would get a quote)."""
    return Decimal(value) if value not in (None, "") else ""


def signed_reports(programme):
    """The latest signed report of each year of ``programme``."""
    latest = {}
    for report in Report.objects.filter(programme=programme, signed_at__isnull=False).order_by("year", "signed_at"):
        latest[report.year] = report
    return [latest[year] for year in sorted(latest)]


def published_rows(programme):
    """One row per (indicator, year with a signed report), in ``COLUMNS`` order."""
    rows = []
    for report in signed_reports(programme):
        corrections = {}
        for erratum in Erratum.objects.filter(report=report, indicator__isnull=False).order_by("created_at", "pk"):
            corrections[erratum.indicator_id] = erratum
        for area in report.snapshot.get("focus_areas", []):
            for item in area["indicators"]:
                point = item.get("this_year") or {}
                value, source, status = point.get("value"), point.get("source"), point.get("status")
                erratum = corrections.get(item["id"])
                if erratum is not None and erratum.new_value is not None:
                    value, source, status = erratum.new_value, "erratum", "final"
                rows.append(
                    [
                        area["title"],
                        item["id"],
                        item["name"],
                        source or item["source_kind"],
                        item["unit"],
                        report.year,
                        _number(value),
                        status or "",
                        point.get("answers") if point.get("answers") is not None else "",
                        point.get("as_of") or "",
                        _number(item.get("baseline")),
                        report.signed_at.isoformat(),
                        erratum.created_at.isoformat() if erratum is not None else "",
                    ]
                )
    return rows


def values_csv(programme) -> str:
    out = io.StringIO()
    writer = csvexport.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(published_rows(programme))
    return out.getvalue()


def datapackage(programme, *, homepage: str) -> dict:
    """The data package descriptor (Frictionless Data Package v1, Table Schema)."""
    return {
        "profile": "tabular-data-package",
        "name": f"{programme.slug}-indicators",
        "title": programme.name,
        "description": (
            "Indicator values of the programme as signed by its steering group, one row per indicator and year; "
            "later corrections (errata) replace the signed value and carry their date."
        ),
        "homepage": homepage,
        "licenses": [LICENSE],
        "keywords": ["association cooperation", "indicators", programme.city],
        "resources": [
            {
                "name": RESOURCE_NAME,
                "path": CSV_NAME,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {
                    "fields": FIELDS,
                    "missingValues": [""],
                    "primaryKey": ["indicator_id", "year"],
                },
            }
        ],
    }
