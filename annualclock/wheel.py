"""The year as a wheel: twelve month sectors, one ring per kind, a marker per item.

All geometry is computed here so the template only writes SVG elements. The wheel is server
rendered (no JavaScript) and every marker is a real link: Tab reaches it, and its accessible
name says the kind, the title and the time. Colour is never alone: each marker carries its
kind's letter, and the legend names the kinds.
"""

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annualclock.kinds import ASSOCIATION_EVENT, KIND_ORDER, all_kind_styles, kind_style
from annualclock.models import month_name
from annualclock.selectors import ClockItem, display_month

HUB = 62
OUTER = 300
LABEL_BAND = 250  # month names live between LABEL_BAND and OUTER
RING_FIRST = 80
RING_STEP = 21
MARKER_RADIUS = 10
MONTH_DEGREES = 30


def _point(radius, degrees):
    radians = math.radians(degrees - 90)  # 0° is twelve o'clock, angles grow clockwise
    return round(radius * math.cos(radians), 2), round(radius * math.sin(radians), 2)


def ring_radius(ring):
    return RING_FIRST + ring * RING_STEP


def _sector_path(start_deg, end_deg, inner, outer):
    x0, y0 = _point(inner, start_deg)
    x1, y1 = _point(outer, start_deg)
    x2, y2 = _point(outer, end_deg)
    x3, y3 = _point(inner, end_deg)
    return f"M{x0} {y0}L{x1} {y1}A{outer} {outer} 0 0 1 {x2} {y2}L{x3} {y3}A{inner} {inner} 0 0 0 {x0} {y0}Z"


def _arc_path(radius, start_deg, end_deg):
    x0, y0 = _point(radius, start_deg)
    x1, y1 = _point(radius, end_deg)
    large = 1 if end_deg - start_deg > 180 else 0
    return f"M{x0} {y0}A{radius} {radius} 0 {large} 1 {x1} {y1}"


def _day_degrees(day: dt.date, year: int) -> float:
    """The angle of the start of ``day``, clipped to ``year``."""
    if day < dt.date(year, 1, 1):
        return 0.0
    if day >= dt.date(year + 1, 1, 1):
        return 360.0
    days = calendar.monthrange(year, day.month)[1]
    return (day.month - 1) * MONTH_DEGREES + (day.day - 1) / days * MONTH_DEGREES


def _as_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


@dataclass
class Marker:
    x: float
    y: float
    href: str
    label: str
    tooltip: str
    symbol: str
    colour: str
    overflow: bool = False


@dataclass
class Month:
    number: int
    name: str
    path: str
    label_x: float
    label_y: float
    label_rotate: float  # along the rim, upright on the lower half
    is_current: bool
    count: int
    markers: list = field(default_factory=list)

    @property
    def group_label(self):
        return ngettext("%(month)s: %(count)s item", "%(month)s: %(count)s items", self.count) % {
            "month": self.name,
            "count": self.count,
        }


@dataclass
class Wheel:
    year: int
    months: list
    rings: list
    periods: list
    hub_radius: int = HUB
    outer_radius: int = OUTER
    today_line: tuple | None = None
    view_box: str = f"{-OUTER - 8} {-OUTER - 8} {2 * OUTER + 16} {2 * OUTER + 16}"
    marker_radius: int = MARKER_RADIUS


def _cell_capacity(radius):
    arc = radius * math.radians(MONTH_DEGREES)
    return max(1, int((arc - 2) // (2 * MARKER_RADIUS + 2)))


def build_wheel(
    year: int, items: list[ClockItem], *, list_url: str, today: dt.date | None = None, event_counts=None
) -> Wheel:
    """Place ``items`` on the wheel of ``year``: angle by month, ring by kind.

    Items of one kind in one month share the month's arc evenly, in date order. When a ring has
    no room left in a month, the last marker becomes "+N" and links to that month in the list.
    ``event_counts`` (month → ``MonthCount``) puts one marker per month on the association
    events' ring: the number of events, linking to that month's events list.
    """
    today = today or timezone.localdate()
    event_counts = event_counts or {}
    event_style = kind_style(ASSOCIATION_EVENT)
    cells: dict[tuple[int, int], list[ClockItem]] = {}
    periods = []
    for clock_item in items:
        month = display_month(clock_item.item, year)
        cells.setdefault((month, clock_item.style.ring), []).append(clock_item)
        item = clock_item.item
        if not item.month_only and item.end is not None and item.is_all_day:
            start, end = _as_date(item.start), _as_date(item.end)
            if (end - start).days > 1:
                a, b = _day_degrees(start, year), _day_degrees(end, year)
                if b - a > 1:
                    radius = ring_radius(clock_item.style.ring)
                    periods.append({"path": _arc_path(radius, a, b), "colour": clock_item.style.colour})

    months = []
    for number in range(1, 13):
        start_deg = (number - 1) * MONTH_DEGREES
        middle = start_deg + MONTH_DEGREES / 2
        label_x, label_y = _point((LABEL_BAND + OUTER) / 2, middle)
        month = Month(
            number=number,
            name=str(month_name(number)),
            path=_sector_path(start_deg, start_deg + MONTH_DEGREES, HUB, OUTER),
            label_x=label_x,
            label_y=label_y,
            label_rotate=middle - 180 if 90 < middle < 270 else middle,
            is_current=(today.year == year and today.month == number),
            count=0,
        )
        for ring in range(len(KIND_ORDER)):
            cell = cells.get((number, ring), [])
            if not cell:
                continue
            month.count += len(cell)
            radius = ring_radius(ring)
            capacity = _cell_capacity(radius)
            shown = cell if len(cell) <= capacity else cell[: capacity - 1]
            slots = len(shown) + (len(cell) > capacity)
            for index, clock_item in enumerate(shown):
                x, y = _point(radius, start_deg + MONTH_DEGREES * (index + 0.5) / slots)
                month.markers.append(
                    Marker(
                        x=x,
                        y=y,
                        href=clock_item.item.url or f"{list_url}#month-{number}",
                        label=clock_item.accessible_name,
                        tooltip=clock_item.accessible_name,
                        symbol=str(clock_item.style.symbol),
                        colour=clock_item.style.colour,
                    )
                )
            if len(cell) > capacity:
                hidden = len(cell) - len(shown)
                x, y = _point(radius, start_deg + MONTH_DEGREES * (slots - 0.5) / slots)
                style = cell[0].style
                label = ngettext(
                    "%(count)s more %(kind)s item in %(month)s",
                    "%(count)s more %(kind)s items in %(month)s",
                    hidden,
                ) % {"count": hidden, "kind": style.label, "month": month.name}
                month.markers.append(
                    Marker(
                        x=x,
                        y=y,
                        href=f"{list_url}#month-{number}",
                        label=label,
                        tooltip=label,
                        symbol=f"+{hidden}",
                        colour=style.colour,
                        overflow=True,
                    )
                )
        events = event_counts.get(number)
        if events and events.count:
            month.count += events.count
            x, y = _point(ring_radius(event_style.ring), start_deg + MONTH_DEGREES / 2)
            label = ngettext(
                "%(count)s association event in %(month)s: open the events list",
                "%(count)s association events in %(month)s: open the events list",
                events.count,
            ) % {"count": events.count, "month": month.name}
            month.markers.append(
                Marker(
                    x=x,
                    y=y,
                    href=events.url,
                    label=label,
                    tooltip=label,
                    symbol=str(events.count) if events.count < 1000 else "999+",
                    colour=event_style.colour,
                    overflow=True,
                )
            )
        months.append(month)

    rings = [{"radius": ring_radius(style.ring), "style": style} for style in all_kind_styles()]
    today_line = None
    if today.year == year:
        degrees = _day_degrees(today, year)
        today_line = (*_point(HUB, degrees), *_point(OUTER, degrees))
    return Wheel(year=year, months=months, rings=rings, periods=periods, today_line=today_line)


def wheel_description(year: int, items: list[ClockItem], *, event_total: int = 0) -> str:
    summary = ngettext(
        "The year %(year)s as a wheel of twelve months, with %(count)s item placed by month and kind.",
        "The year %(year)s as a wheel of twelve months, with %(count)s items placed by month and kind.",
        len(items),
    ) % {"year": year, "count": len(items)}
    parts = [summary]
    if event_total:
        parts.append(
            ngettext(
                "Association events (%(count)s) are counted by month; each count links to the events list.",
                "Association events (%(count)s) are counted by month; each count links to the events list.",
                event_total,
            )
            % {"count": event_total}
        )
    parts.append(_("Each item is a link. The same year is also shown as a list by month."))
    return " ".join(parts)
