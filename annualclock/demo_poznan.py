"""Poznań's year of cooperation 2026 and 2027 (seed 004): the yearly programme's cycle. Idempotent.

The public benefit act sets the rhythm: open competitions of offers announced for the next year,
the draft yearly programme consulted with organisations and adopted by the City Council by
30 November, the report on its implementation by 31 May. The Poznań Council for Public Benefit
and the Civic Dialogue Commissions meet through the year. Titles are Polish data, as the city
writes them; the kinds' labels are translated.
"""

import datetime as dt

from annualclock.demo import _aware, _forum, _meeting, _plan, finish_plan
from annualclock.models import Kind
from portal.models import Forum

ALL = "Organizacje pozarządowe i podmioty z art. 3 ust. 3 ustawy"
COUNCIL = "Członkowie Poznańskiej Rady Działalności Pożytku Publicznego"
SPORT = "Organizacje sportowe (Komisja Dialogu Obywatelskiego ds. Sportu)"

# (month, kind, title with {year}/{next}/{previous}, audience, description)
PLAN = [
    (
        1,
        Kind.GRANT_APPLICATION_PERIOD,
        "Otwarte konkursy ofert na {year}: składanie ofert",
        ALL,
        "Konkursy ogłoszone w granicach środków zaplanowanych w budżecie miasta; oferty według wzoru z rozporządzenia.",
    ),
    (
        2,
        Kind.WORKING_GROUP_MEETING,
        "Posiedzenie Poznańskiej Rady Działalności Pożytku Publicznego",
        COUNCIL,
        "Opiniowanie projektów uchwał i programów dotyczących sfery pożytku publicznego.",
    ),
    (
        3,
        Kind.ASSOCIATION_EVENING,
        "Spotkanie informacyjne: rozliczanie dotacji i sprawozdania z realizacji zadań",
        ALL,
        "Porady dotyczące sprawozdań z wykonania zadań publicznych.",
    ),
    (4, Kind.SPORTS_PARLIAMENT, "Komisja Dialogu Obywatelskiego ds. Sportu: posiedzenie wiosenne", SPORT, ""),
    (
        5,
        Kind.OTHER,
        "Sprawozdanie z realizacji programu współpracy za {previous} (do 31 maja)",
        ALL,
        "Prezydent przedkłada Radzie Miasta sprawozdanie z realizacji rocznego programu współpracy.",
    ),
    (
        6,
        Kind.WORKING_GROUP_MEETING,
        "Posiedzenie Rady: podsumowanie konkursów i małych grantów",
        COUNCIL,
        "",
    ),
    (
        9,
        Kind.OTHER,
        "Konsultacje projektu programu współpracy na {next}",
        ALL,
        "Projekt rocznego programu współpracy konsultowany z organizacjami pozarządowymi i Radą.",
    ),
    (
        10,
        Kind.WORKSHOP,
        "Warsztaty: jak przygotować ofertę w otwartym konkursie",
        ALL,
        "Oferta, kosztorys i rezultaty zadania publicznego krok po kroku.",
    ),
    (11, Kind.SPORTS_PARLIAMENT, "Komisja Dialogu Obywatelskiego ds. Sportu: posiedzenie jesienne", SPORT, ""),
    (
        11,
        Kind.OTHER,
        "Uchwalenie rocznego programu współpracy na {next} (do 30 listopada)",
        ALL,
        "Rada Miasta Poznania uchwala program współpracy z organizacjami pozarządowymi na kolejny rok.",
    ),
    (
        12,
        Kind.WORKING_GROUP_MEETING,
        "Posiedzenie Rady: ocena współpracy w {year} roku",
        COUNCIL,
        "Ocena realizacji programu i plan na kolejny rok.",
    ),
]

FIXED_DATES = {
    (2026, "Sprawozdanie z realizacji programu współpracy za 2025 (do 31 maja)"): (dt.date(2026, 5, 31), None),
    (2027, "Sprawozdanie z realizacji programu współpracy za 2026 (do 31 maja)"): (dt.date(2027, 5, 31), None),
    (2026, "Uchwalenie rocznego programu współpracy na 2027 (do 30 listopada)"): (dt.date(2026, 11, 30), None),
    (2027, "Uchwalenie rocznego programu współpracy na 2028 (do 30 listopada)"): (dt.date(2027, 11, 30), None),
}

PLACE = "Urząd Miasta Poznania, pl. Kolegiacki 17, Poznań"


def load(*, stdout):
    plan_2026 = _plan(2026, PLAN, FIXED_DATES)
    _plan(2027, PLAN, FIXED_DATES)
    council = _forum(Forum.Kind.WORKING_GROUP)
    sport = _forum(Forum.Kind.SPORTS_PARLIAMENT)
    autumn = _aware(2026, 11, 19, 17)
    _meeting(
        entry=plan_2026[(11, Kind.SPORTS_PARLIAMENT)],
        forum=sport,
        title="Komisja Dialogu Obywatelskiego ds. Sportu: posiedzenie jesienne 2026",
        starts_at=autumn,
        hours=2,
        place="Poznańskie Ośrodki Sportu i Rekreacji, ul. Jana Spychalskiego 34, Poznań",
        agenda="1. Zasady przydziału obiektów w sezonie 2027\n2. Konkursy ofert w sferze sportu\n3. Wolne wnioski",
        minutes="Komisja zaopiniowała zasady przydziału obiektów i zgłosiła uwagi do konkursów na 2027 rok.",
        matters_handled=3,
        invited_at=autumn - dt.timedelta(days=14),
        invitation_lead_time=dt.timedelta(days=14),
        invited_late=False,
    )
    _meeting(
        entry=plan_2026[(12, Kind.WORKING_GROUP_MEETING)],
        forum=council,
        title="Posiedzenie Poznańskiej Rady Działalności Pożytku Publicznego 4/2026",
        starts_at=_aware(2026, 12, 10, 16),
        hours=2,
        place=PLACE,
        agenda="1. Ocena realizacji programu współpracy w 2026 roku\n2. Harmonogram konkursów na 2027\n"
        "3. Sprawozdanie z konsultacji",
    )
    finish_plan(stdout=stdout, editors="Kalendarz współpracy i posiedzenia")
