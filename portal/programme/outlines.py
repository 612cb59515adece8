"""Statutory outlines of the yearly report, chosen by the city profile's ``report_outline``.

A Polish municipality adopts a yearly programme of cooperation and its executive reports on the
implementation to the council by 31 May of the following year (art. 5a ust. 3 of the act on
public benefit activity and volunteering). The report follows a fixed outline — forms of
cooperation carried out, competitions and funds, consultations, bodies — so Poznań's report
gets those sections in front of the programme's goals (which the common report already walks:
goal → forms of cooperation with their status and evidence).

The section titles are the outline's legal wording, in the language of the law (Polish), like the
programme's own text: a document of Polish law, not interface text. Every figure comes from
the indicator registry (``portal.registries``), so it is computed from the portal as the
dashboard's are; a key whose app is not installed shows as missing, never as zero.
"""

import datetime as dt
import logging
from decimal import Decimal

from portal import registries

logger = logging.getLogger(__name__)

NUMBER, MONEY, PERCENT = "number", "money", "percent"

POLISH_STATUTORY = {
    "key": "pl_statutory",
    "language": "pl",
    "title": "Sprawozdanie z realizacji programu współpracy z organizacjami pozarządowymi za rok {year}",
    "legal_basis": (
        "Sprawozdanie na podstawie art. 5a ust. 3 ustawy z dnia 24 kwietnia 2003 r. o działalności "
        "pożytku publicznego i o wolontariacie, przedkładane Radzie Miasta do dnia {deadline}"
    ),
    "sections": [
        {
            "title": "Zlecanie realizacji zadań publicznych: otwarte konkursy ofert i środki",
            "figures": [
                ("Organizacje, które złożyły oferty lub wnioski", "grants.applicants_per_year", NUMBER),
                ("Organizacje, którym przyznano dotacje", "grants.recipients_per_year", NUMBER),
                ("Kwota przyznanych dotacji", "grants.amount_granted_per_year", MONEY),
                ("Sprawozdania z realizacji zadań złożone w terminie", "grants.reports_on_time", PERCENT),
                ("Rezultaty zadań osiągnięte zgodnie z ofertą", "grants.results_achieved", PERCENT),
            ],
        },
        {
            "title": "Formy współpracy pozafinansowej",
            "figures": [
                ("Wydania newslettera dla organizacji", "newsletter.issues_per_year", NUMBER),
                ("Subskrybenci newslettera na koniec roku", "newsletter.subscribers_at_year_end", NUMBER),
                ("Wydarzenia organizacji opublikowane w portalu", "associations.events_published", NUMBER),
                ("Obowiązujące umowy partnerskie", "associations.partnership_agreements_valid", NUMBER),
                (
                    "Wartość nieodpłatnego lub preferencyjnego udostępnienia lokali",
                    "facilities.in_kind_support",
                    MONEY,
                ),
                ("Udział organizacji w korzystaniu z lokali miejskich", "facilities.association_share", PERCENT),
            ],
        },
        {
            "title": "Konsultacje",
            "figures": [
                ("Sprawy omówione z organizacjami na posiedzeniach", "annualclock.matters_handled", NUMBER),
                (
                    "Organizacje uczestniczące w spotkaniach i konsultacjach",
                    "annualclock.participating_associations",
                    NUMBER,
                ),  # noqa: E501
                (
                    "Zaproszenia wysłane co najmniej 7 dni przed spotkaniem",
                    "annualclock.invited_on_time_share",
                    PERCENT,
                ),  # noqa: E501
            ],
        },
        {
            "title": "Ciała konsultacyjno-doradcze i inicjatywno-doradcze",
            "figures": [
                (
                    "Posiedzenia Poznańskiej Rady Działalności Pożytku Publicznego",
                    "annualclock.working_group_meetings",
                    NUMBER,
                ),
                (
                    "Posiedzenia Komisji Dialogu Obywatelskiego ds. Sportu",
                    "annualclock.sports_parliament_meetings",
                    NUMBER,
                ),  # noqa: E501
                ("Spotkania informacyjne dla organizacji", "annualclock.association_evenings", NUMBER),
                ("Działające ciała konsultacyjne i sieci współpracy", "portal.forums_and_networks", NUMBER),
            ],
        },
    ],
    "goals_title": "Realizacja celów i form współpracy programu",
}

OUTLINES = {POLISH_STATUTORY["key"]: POLISH_STATUTORY}


def report_deadline(year: int) -> dt.date:
    """The statutory report on ``year`` is due by 31 May of the following year."""
    return dt.date(year + 1, 5, 31)


def _figure(key, year, cache):
    if (key, year) in cache:
        return cache[key, year]
    try:
        value = registries.get_indicator(key).value_for(year)
    except KeyError:
        value = None  # the app that computes it is not installed
    except Exception:  # a broken source must not stop the report
        logger.exception("Indicator %s failed for %s", key, year)
        value = None
    if isinstance(value, dict):
        value = sum((Decimal(str(v)) for v in value.values() if v is not None), Decimal(0))
    cache[key, year] = None if value is None else str(Decimal(str(value)))
    return cache[key, year]


def outline_snapshot(outline_key, year, *, cache=None):
    """The outline's sections with their figures for ``year`` (JSON-safe), or None without an outline."""
    outline = OUTLINES.get(outline_key or "")
    if outline is None:
        return None
    cache = {} if cache is None else cache
    deadline = report_deadline(year)
    return {
        "key": outline["key"],
        "title": outline["title"].format(year=year),
        "legal_basis": outline["legal_basis"].format(deadline=f"{deadline.day} maja {deadline.year} r."),
        "deadline": deadline.isoformat(),
        "sections": [
            {
                "title": section["title"],
                "figures": [
                    {"label": label, "key": key, "kind": kind, "value": _figure(key, year, cache)}
                    for label, key, kind in section["figures"]
                ],
            }
            for section in outline["sections"]
        ],
        "goals_title": outline["goals_title"],
    }
