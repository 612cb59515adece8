"""How each kind of dated item looks: a colour and a letter, never colour alone.

Colours are dark enough for white text (contrast at least 4.5:1) and stay apart for the common
forms of colour blindness by hue and lightness; the letter tells them apart in any case.
"""

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from annualclock.models import Kind


@dataclass(frozen=True)
class KindStyle:
    kind: str
    label: str
    symbol: str
    colour: str
    ring: int  # 0 is the innermost ring of the wheel


_STYLES = {
    Kind.GRANT_APPLICATION_PERIOD: (pgettext_lazy("clock kind symbol", "A"), "#1b6e3a"),
    Kind.GRANT_REPORTING_DEADLINE: (pgettext_lazy("clock kind symbol", "R"), "#8a4b00"),
    Kind.NEWSLETTER: (pgettext_lazy("clock kind symbol", "N"), "#005f66"),
    Kind.WORKING_GROUP_MEETING: (pgettext_lazy("clock kind symbol", "G"), "#a1005a"),
    Kind.SPORTS_PARLIAMENT: (pgettext_lazy("clock kind symbol", "S"), "#b00020"),
    Kind.ASSOCIATION_EVENING: (pgettext_lazy("clock kind symbol", "E"), "#00549f"),
    Kind.WORKSHOP: (pgettext_lazy("clock kind symbol", "W"), "#6b2c91"),
    Kind.OTHER: (pgettext_lazy("clock kind symbol", "O"), "#4a4f55"),
}
KIND_ORDER = list(_STYLES)


def kind_style(kind: str) -> KindStyle:
    """The style of ``kind``; a kind another app invents is shown as "Other"."""
    if kind not in _STYLES:
        kind = Kind.OTHER
    symbol, colour = _STYLES[kind]
    return KindStyle(kind=str(kind), label=Kind(kind).label, symbol=symbol, colour=colour, ring=KIND_ORDER.index(kind))


def all_kind_styles() -> list[KindStyle]:
    return [kind_style(kind) for kind in KIND_ORDER]
