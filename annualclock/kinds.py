"""How each kind of dated item looks: a colour and a letter, never colour alone.

Colours are dark enough for white text (contrast at least 4.5:1) and stay apart for the common
forms of colour blindness by hue and lightness; the letter tells them apart in any case.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from annualclock.models import Kind


@dataclass(frozen=True)
class KindStyle:
    kind: str
    label: str
    symbol: str
    colour: str
    ring: int  # 0 is the innermost ring of the wheel


# Kinds the clock does not plan itself but shows from other apps' calendar sources.
ASSOCIATION_EVENT = "association_event"  # events associations post (associations.events)
HEARING = "hearing"  # hearings' opening and deadline (associations.hearings)

# kind → (label, symbol, colour), innermost ring first.
_STYLES = {
    Kind.GRANT_APPLICATION_PERIOD: (
        Kind.GRANT_APPLICATION_PERIOD.label,
        pgettext_lazy("clock kind symbol", "A"),
        "#1b6e3a",
    ),
    Kind.GRANT_REPORTING_DEADLINE: (
        Kind.GRANT_REPORTING_DEADLINE.label,
        pgettext_lazy("clock kind symbol", "R"),
        "#8a4b00",
    ),
    Kind.NEWSLETTER: (Kind.NEWSLETTER.label, pgettext_lazy("clock kind symbol", "N"), "#005f66"),
    Kind.WORKING_GROUP_MEETING: (Kind.WORKING_GROUP_MEETING.label, pgettext_lazy("clock kind symbol", "G"), "#a1005a"),
    Kind.SPORTS_PARLIAMENT: (Kind.SPORTS_PARLIAMENT.label, pgettext_lazy("clock kind symbol", "S"), "#b00020"),
    Kind.ASSOCIATION_EVENING: (Kind.ASSOCIATION_EVENING.label, pgettext_lazy("clock kind symbol", "E"), "#00549f"),
    Kind.WORKSHOP: (Kind.WORKSHOP.label, pgettext_lazy("clock kind symbol", "W"), "#6b2c91"),
    Kind.OTHER: (Kind.OTHER.label, pgettext_lazy("clock kind symbol", "O"), "#4a4f55"),
    ASSOCIATION_EVENT: (_("Association's event"), "★", "#1a1a1a"),
    HEARING: (_("Hearing"), pgettext_lazy("clock kind symbol", "H"), "#7a3e00"),
}
KIND_ORDER = [str(kind) for kind in _STYLES]


def known_kinds() -> list[str]:
    return list(KIND_ORDER)


def kind_style(kind: str) -> KindStyle:
    """The style of ``kind``; a kind another app invents is shown as "Other"."""
    if kind not in _STYLES:
        kind = Kind.OTHER
    label, symbol, colour = _STYLES[kind]
    return KindStyle(kind=str(kind), label=label, symbol=symbol, colour=colour, ring=KIND_ORDER.index(str(kind)))


def all_kind_styles() -> list[KindStyle]:
    return [kind_style(kind) for kind in KIND_ORDER]
