"""Reads: what the dashboard and the report show, as plain JSON-safe data.

``programme_overview`` builds one structure for the dashboard (live) and for the report (frozen
into ``Report.snapshot`` when signed), so the HTML page and the PDF show the same figures.
Computed indicators are recomputed on demand from the registry; manual and survey values are
read from ``IndicatorValue``; a stored value (signed, corrected) wins over a recomputation.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import registries
from portal.cities import CITY_PROFILES
from portal.programme.figures import Figures
from portal.programme.models import (
    Action,
    ActionStatus,
    FocusArea,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Programme,
)
from portal.programme.outlines import outline_snapshot

logger = logging.getLogger(__name__)

NOT_YET_MEASURED = "not_measured"
SOURCE_MISSING = "source_missing"


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def computed_keys(indicator) -> list[str]:
    return [key.strip() for key in indicator.computed_key.split(",") if key.strip()]


class Computed(NamedTuple):
    total: Decimal | None
    rows: list
    missing: str | None
    answers: int | None = None


def compute_indicator(indicator, year) -> Computed:
    """(total, breakdown rows, missing reason, number of answers) of a computed indicator for a year.

    ``computed_key`` names one or more registry keys (comma-separated). The first gives the
    headline figure (a dict-valued key is summed unless it is a share in %; a ``Score`` gives
    its mean and its number of answers, as a survey does); every key adds breakdown rows. A key
    not registered (its app not merged yet) or failing gives "source missing" instead of an
    error page.
    """
    total, rows, missing, answers = None, [], None, None
    for position, key in enumerate(computed_keys(indicator)):
        try:
            registered = registries.get_indicator(key)
        except KeyError:
            missing = SOURCE_MISSING
            continue
        try:
            result = registered.value_for(year)
        except Exception:  # a broken source must not break the steering group's page
            logger.exception("Indicator %s failed for %s", key, year)
            missing = SOURCE_MISSING
            continue
        label = str(registered.label)
        if isinstance(result, registries.Score):
            value = _decimal(result.mean)
            if position == 0:
                total, answers = value, result.answers
                if value is None:
                    missing = NOT_YET_MEASURED
            else:
                rows.append({"label": f"{label} (n = {result.answers})", "value": value})
        elif isinstance(result, dict):
            values = {str(name): _decimal(value) for name, value in result.items()}
            rows += [{"label": f"{label}: {name}", "value": value} for name, value in values.items()]
            if position == 0 and registered.unit != "%":
                total = sum((v for v in values.values() if v is not None), Decimal("0.00"))
        else:
            value = _decimal(result)
            if position == 0:
                total = value
            else:
                rows.append({"label": label, "value": value})
    if total is not None:
        missing = None
    return Computed(total, rows, missing, answers)


def _trend(indicator, this, last):
    if this is None or last is None:
        return ""
    if this == last:
        return "steady"
    better = (this > last) == (indicator.direction == Indicator.Direction.UP)
    return "better" if better else "worse"


TREND_LABELS = {  # gettext_noop: extracted by make messages, translated where shown
    "better": gettext_noop("Improving"),
    "worse": gettext_noop("Worsening"),
    "steady": gettext_noop("Unchanged"),
}


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def programme_for_city(city_key):
    return Programme.objects.filter(city=city_key).order_by("-start_year").first()


def programme_structure(programme):
    """The programme with focus areas, actions (with statuses) and indicators (with values, targets)."""
    return (
        FocusArea.objects.filter(programme=programme)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("responsible_department")
                .prefetch_related(Prefetch("statuses", queryset=ActionStatus.objects.order_by("year")))
                .order_by("order"),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    "targets", Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "quarter"))
                ).order_by("order"),
            ),
        )
    )


def indicator_series(indicator, years, *, now, figures):
    """Per year: the stored whole-year value, else (computed indicators) the figure of ``figures``
    (``figures.Figures``: fresh for the report, cached with its time for the dashboard)."""
    stored = {v.year: v for v in indicator.values.all() if v.quarter is None and v.breakdown == "" and v.year in years}
    series = []
    for year in years:
        value = stored.get(year)
        if value is not None:
            series.append(
                {
                    "year": year,
                    "value": _fmt(value.value),
                    "status": value.status,
                    "source": value.source,
                    "answers": value.answers,
                    "as_of": value.as_of.isoformat(),
                    "missing": None,
                }
            )
        elif indicator.source == Indicator.Source.COMPUTED and year <= now.year:
            total, _rows, missing, answers = figures.get(indicator, year)
            series.append(
                {
                    "year": year,
                    "value": _fmt(total),
                    "status": "preliminary" if year == now.year else "final",
                    "source": (computed_keys(indicator) or [""])[0],
                    "answers": answers,
                    "as_of": figures.computed_at.isoformat(),
                    "missing": missing if total is None else None,
                }
            )
        else:
            series.append(
                {
                    "year": year,
                    "value": None,
                    "status": "",
                    "source": "",
                    "answers": None,
                    "as_of": None,
                    "missing": NOT_YET_MEASURED,
                }
            )
    return series


def programme_overview(programme, year, *, now=None, figures=None):
    """Everything the dashboard and the report show for ``year``, JSON-safe (decimals as strings).

    The computed indicators' figures come from ``figures`` (``figures.Figures``: the dashboard
    passes the cached ones, ``figures.cached_figures``); without it they are computed afresh,
    as the report's snapshot needs. Indicators built on one report (the facilities'
    utilisation) share it within the call (``registries.shared_results``), and only within it.
    """
    now = now or timezone.now()
    with registries.shared_results():
        return _programme_overview(programme, year, now=now, figures=figures or Figures(computed_at=now))


def dashboard_data_version(programme) -> str:
    """Changes whenever anything the overview reads from the programme's own tables changes
    (``portal.datacache.data_version``: per table its row count, newest id and newest
    ``updated_at``; departments, without a time stamp, hashed). One query; the dashboard keys
    its rendered figures by it."""
    from portal.datacache import data_version
    from portal.models import Department

    tables = (Programme, FocusArea, Action, ActionStatus, Indicator, IndicatorTarget, IndicatorValue, Department)
    return f"{programme.pk}:" + data_version(*tables)


def computed_pairs(programmes, *, now=None):
    """(indicator, year) of every computed figure the dashboards of ``programmes`` can show."""
    this_year = (now or timezone.now()).year
    indicators = Indicator.objects.filter(
        focus_area__programme__in=programmes, source=Indicator.Source.COMPUTED
    ).select_related("focus_area__programme")
    for indicator in indicators.order_by("focus_area__programme", "focus_area__order", "order"):
        programme = indicator.focus_area.programme
        for year in range(programme.start_year - 1, min(programme.end_year, this_year) + 1):
            yield indicator, year


def _programme_overview(programme, year, *, now, figures):
    years = list(range(min(programme.start_year - 1, year - 1), max(programme.end_year, year) + 1))
    focus_areas = []
    for area in programme_structure(programme):
        actions = []
        for action in area.actions.all():
            status = next((s for s in action.statuses.all() if s.year == year), None)
            actions.append(
                {
                    "id": action.pk,
                    "text": action.text,
                    "responsible": ", ".join(
                        part
                        for part in [
                            action.responsible_department.name if action.responsible_department else "",
                            action.responsible_person,
                        ]
                        if part
                    ),
                    "status": status.status if status else ActionStatus.Status.NOT_STARTED,
                    "status_label": str(
                        status.get_status_display() if status else ActionStatus.Status.NOT_STARTED.label
                    ),
                    "evidence": status.evidence if status else "",
                    "note": status.note if status else "",
                }
            )
        indicators = []
        for indicator in area.indicators.all():
            series = indicator_series(indicator, years, now=now, figures=figures)
            by_year = {point["year"]: point for point in series}
            this, last = by_year.get(year), by_year.get(year - 1)
            this_value = _decimal(this["value"]) if this else None
            last_value = _decimal(last["value"]) if last else None
            target = next((t.value for t in indicator.targets.all() if t.year == year), None)
            breakdown = []
            if indicator.source == Indicator.Source.COMPUTED and year <= now.year:
                rows = figures.get(indicator, year).rows
                breakdown = [{"label": r["label"], "value": _fmt(r["value"])} for r in rows]
            stored_rows = [v for v in indicator.values.all() if v.year == year and v.breakdown and v.quarter is None]
            breakdown += [{"label": v.breakdown, "value": _fmt(v.value)} for v in stored_rows]
            trend = _trend(indicator, this_value, last_value)
            indicators.append(
                {
                    "id": indicator.pk,
                    "name": indicator.name,
                    "source_kind": indicator.source,
                    "source_label": str(indicator.get_source_display()),
                    "computed_key": indicator.computed_key,
                    "unit": indicator.unit,
                    "direction": indicator.direction,
                    "direction_label": str(indicator.get_direction_display()),
                    "baseline": _fmt(indicator.baseline),
                    "baseline_year": indicator.baseline_year,
                    "target": _fmt(target),
                    "this_year": this,
                    "last_year": last,
                    "trend": trend,
                    "trend_label": _(TREND_LABELS[trend]) if trend else "",
                    "series": [p for p in series if p["year"] <= max(year, programme.start_year)],
                    "has_values": any(p["value"] is not None for p in series),
                    "targets": [
                        {"year": t.year, "value": _fmt(t.value)} for t in indicator.targets.all() if t.year in years
                    ],
                    "breakdown": breakdown,
                }
            )
        focus_areas.append(
            {
                "id": area.pk,
                "title": area.title,
                "goal_state": area.goal_state,
                "actions": actions,
                "indicators": indicators,
            }
        )
    return {
        "programme": {
            "id": programme.pk,
            "name": programme.name,
            "city": programme.city,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
            "approved_by": programme.approved_by,
            "approved_at": programme.approved_at.isoformat() if programme.approved_at else None,
        },
        "year": year,
        "as_of": now.isoformat(),
        "focus_areas": focus_areas,
        # The city's statutory outline, if its law prescribes one (Poznań: art. 5a ust. 3).
        "statutory": outline_snapshot(
            CITY_PROFILES.get(programme.city, {}).get("report_outline"), year, cache=figures.outline
        ),
    }


def manual_values_due(programme, year):
    """Staff-entered indicators of ``programme`` without a whole-year value for ``year``."""
    has_value = IndicatorValue.objects.filter(indicator=OuterRef("pk"), year=year, quarter__isnull=True, breakdown="")
    return (
        Indicator.objects.filter(focus_area__programme=programme, source=Indicator.Source.MANUAL)
        .exclude(Exists(has_value))
        .select_related("focus_area", "responsible_department__staff_group")
        .order_by("focus_area__order", "order")
    )


def overview_indicators(overview):
    for area in overview["focus_areas"]:
        yield from area["indicators"]
