"""The yearly report as a tagged PDF (WeasyPrint), with the values attached as CSV.

Only the portal's own static files may be fetched while rendering (``StaticOnlyFetcher``): a
value typed by staff can never make the server fetch a URL.
"""

from __future__ import annotations

import io
import mimetypes
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal import csvexport
from portal.programme import selectors

BASE_URL = "https://portal.invalid/"
STATIC_PREFIX = BASE_URL + settings.STATIC_URL.lstrip("/")


class StaticOnlyFetcher(URLFetcher):
    """Serve ``/static/…`` from the staticfiles finders (or STATIC_ROOT); refuse every other URL."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX) or ".." in url:
            raise ValueError(f"Only the portal's static files may be fetched, not {url!r}.")
        relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
        path = finders.find(relative) or (Path(settings.STATIC_ROOT) / relative)
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"No static file {relative!r}.")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


def values_csv(snapshot) -> str:
    out = io.StringIO()
    writer = csvexport.writer(out)  # cells starting with = + - @ cannot become formulas
    writer.writerow(
        [
            "focus_area",
            "indicator_id",
            "indicator",
            "source",
            "unit",
            "year",
            "value",
            "status",
            "answers",
            "as_of",
            "baseline",
        ]
    )
    for area in snapshot["focus_areas"]:
        for item in area["indicators"]:
            for point in item["series"]:
                writer.writerow(
                    [
                        area["title"],
                        item["id"],
                        item["name"],
                        point["source"] or item["source_kind"],
                        item["unit"],
                        point["year"],
                        Decimal(point["value"]) if point["value"] is not None else "",  # a number: no quote
                        point["status"],
                        point["answers"] if point["answers"] is not None else "",
                        point["as_of"] or "",
                        Decimal(item["baseline"]) if item["baseline"] else "",
                    ]
                )
    return out.getvalue()


def report_context(report):
    errata = list(report.errata.select_related("indicator").order_by("created_at"))
    by_indicator = {}
    for erratum in errata:
        by_indicator.setdefault(erratum.indicator_id, []).append(erratum)
    snapshot = report.snapshot
    for area in snapshot.get("focus_areas", []):
        for item in area["indicators"]:
            item["errata"] = by_indicator.get(item["id"], [])
    return {"report": report, "overview": snapshot, "errata": errata, "city": settings.CITY_PROFILE}


def render_report_pdf(report) -> bytes:
    with translation.override(report.language):
        html = render_to_string("portal/programme/report_pdf.html", report_context(report))
        fetcher = StaticOnlyFetcher()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        attachment = Attachment(
            string=values_csv(report.snapshot),
            name=f"indicator-values-{report.year}.csv",
            description="Indicator values (CSV)",
            url_fetcher=fetcher,
        )
        return document.write_pdf(
            attachments=[attachment],
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
            custom_metadata=True,
        )


__all__ = ["render_report_pdf", "values_csv", "selectors"]
