"""A small bar chart as inline SVG, drawn on the server, the same in the HTML page and the PDF.

Bars are the yearly values, a dashed line the baseline, diamonds the targets. The SVG carries a
<title> and <desc> (its text alternative); the numbers are also in a table beside it.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 22, 26
# Presentation attributes, not CSS: the same in browsers and WeasyPrint, and allowed by the CSP.
TEXT = 'font-size="11" fill="#111111"'
BASELINE = 'stroke="#333333" stroke-width="1"'
ZERO = 'stroke="#666666" stroke-width="1"'


def _d(value):
    return None if value in (None, "") else Decimal(str(value))


def _label(value: Decimal) -> str:
    """The value as the table beside the chart writes it: the active language's separators (58 800)."""
    from django.utils.formats import number_format

    places = 0 if value == value.to_integral() else 1
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def indicator_chart(item, *, chart_id):
    points = [(p["year"], _d(p["value"])) for p in item["series"]]
    targets = {t["year"]: _d(t["value"]) for t in item.get("targets", [])}
    baseline = _d(item.get("baseline"))
    numbers = [v for _y, v in points if v is not None] + [v for v in targets.values() if v is not None]
    if baseline is not None:
        numbers.append(baseline)
    top = max(numbers + [Decimal(0)]) or Decimal(1)
    bottom = min(numbers + [Decimal(0)])
    span = (top - bottom) or Decimal(1)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)

    def y(value):
        return TOP + float((top - value) / span) * plot_h

    zero_y = y(Decimal(0))
    parts = []
    described = []
    for index, (year, value) in enumerate(points):
        x = LEFT + index * slot
        cx = x + slot / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - 8}" text-anchor="middle" class="chart-axis" {TEXT}>{year}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{cx:.1f}" y="{zero_y - 4:.1f}" text-anchor="middle" class="chart-none" {TEXT}>–</text>'
            )
            described.append(f"{year}: {_('not yet measured')}")
            continue
        bar_top, bar_bottom = sorted([y(value), zero_y])
        label_y = bar_top - 4
        if targets.get(year) is not None:  # keep the figure clear of the target's diamond
            label_y = min(label_y, y(targets[year]) - 8)
        parts.append(
            f'<rect x="{x + slot * 0.2:.1f}" y="{bar_top:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{max(bar_bottom - bar_top, 1):.1f}" class="chart-bar" fill="#00549f"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{label_y:.1f}" text-anchor="middle" class="chart-value" {TEXT}>'
            f"{_label(value)}</text>"
        )
        described.append(f"{year}: {_label(value)}")
    for index, (year, _value) in enumerate(points):
        target = targets.get(year)
        if target is None:
            continue
        cx, ty = LEFT + index * slot + slot / 2, y(target)
        parts.append(
            f'<path d="M{cx - 5:.1f} {ty:.1f} L{cx:.1f} {ty - 5:.1f} L{cx + 5:.1f} {ty:.1f} '
            f'L{cx:.1f} {ty + 5:.1f} Z" class="chart-target" fill="#b0002d"/>'
        )
        described.append(f"{_('target')} {year}: {_label(target)}")
    if baseline is not None:
        by = y(baseline)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{by:.1f}" y2="{by:.1f}" class="chart-baseline" {BASELINE} '
            f'stroke-dasharray="4 3"/>'
        )
        described.append(f"{_('baseline')}: {_label(baseline)}")
    parts.insert(
        0, f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero_y:.1f}" y2="{zero_y:.1f}" class="chart-zero" {ZERO}/>'
    )
    title = escape(item["name"])
    desc = escape("; ".join(described))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="indicator-chart">'
        f'<title id="{chart_id}-title">{title}</title><desc id="{chart_id}-desc">{desc}</desc>'
        + "".join(parts)
        + "</svg>"
    )
    return mark_safe(svg)
