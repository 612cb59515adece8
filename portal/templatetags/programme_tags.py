"""Filters for the programme's dashboard and report: numbers, ISO dates, charts."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.programme.chart import indicator_chart

register = template.Library()


@register.simple_tag
def programme_chart(item, prefix="chart"):
    return indicator_chart(item, chart_id=f"{prefix}-{item['id']}")


@register.filter
def num(value):
    """A stored decimal string as the reader's number: 12 → "12", 3.50 → "3,5" (fi)."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    if number == number.to_integral():
        return formats.number_format(number.quantize(Decimal(1)), use_l10n=True, force_grouping=True)
    return formats.number_format(number.normalize(), use_l10n=True, force_grouping=True)


@register.filter
def iso_datetime(value):
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed


@register.filter
def value_status(code):
    return {"preliminary": _("preliminary"), "final": _("final")}.get(code, "")


@register.filter
def value_source(point):
    """Where a value came from, for a reader: the registry key, staff entry or a survey with n."""
    source = (point or {}).get("source") or ""
    if source == "manual":
        return _("entered by staff")
    if source.startswith("survey:"):
        return _("survey")
    return source
