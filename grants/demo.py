"""Pori's grants for the demo: the four forms of grant, an open call and last year's decisions.

Seed 000 (Avustukset): grants are announced every year within the budget appropriation, the
criteria and evaluation are described in the call, advice is offered and decisions are public.
Seed 001: light grants (kevytavustus) are open to informal groups. Idempotent: natural keys
(slugs), and rows are created only when missing, so staff edits survive a second run.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from associations.models import Association
from grants import forms_schema
from grants.models import Application, Criterion, Decision, FormVersion, GrantRound, GrantType, PlannedResult
from portal.models import AgeGroup, ContactPerson, Department, ServiceArea

FORM_FIELDS = [
    {"name": "activity", "label": "Mitä teette avustuksella?", "type": "textarea", "required": True},
    {"name": "target_group", "label": "Keille toiminta on tarkoitettu?", "type": "textarea", "required": True},
    {"name": "participants", "label": "Arvioitu osallistujamäärä", "type": "number", "required": False},
    {"name": "strategy", "label": "Miten toiminta tukee Pori 2035 -strategiaa?", "type": "textarea", "required": False},
]
INSTRUCTIONS = """Hae avustusta portaalissa yhdistyksesi nimissä ennen haun päättymistä.

1. Kuvaa toiminta ja sen kohderyhmä.
2. Laadi talousarvio ja kerro oma rahoitusosuutenne.
3. Kirjaa tavoitellut tulokset: tavoitearvo ja miten tulos mitataan.

Avustuksen käytöstä raportoidaan selvityksellä viimeistään haun selvityspäivänä: kerro, mihin
avustus käytettiin ja mitkä tulokset saavutettiin. Neuvoa saa avustusasiantuntijalta."""

DESCRIPTION = "Avustukset myönnetään talousarvion määrärahan puitteissa kaupungin avustusperiaatteiden mukaan."

# slug, name, kind, eligible kinds
TYPES = [
    ("toiminta-avustus", "Toiminta-avustus", GrantType.Kind.OPERATING, ["registered", "foundation"]),
    ("projektiavustus", "Projektiavustus", GrantType.Kind.PROJECT, ["registered", "foundation"]),
    ("kevytavustus", "Kevytavustus", GrantType.Kind.LIGHT, ["registered", "informal", "other"]),
    ("tila-avustus", "Tila-avustus", GrantType.Kind.PREMISES, ["registered"]),
]
CRITERIA = [
    ("Vaikuttavuus ja kohderyhmä", Decimal("3"), "Keitä toiminta tavoittaa ja mitä se muuttaa?"),
    ("Yhteys kaupunkistrategiaan", Decimal("2"), "Miten toiminta tukee Pori 2035 -strategian tavoitteita?"),
    ("Toteutettavuus ja talous", Decimal("2"), "Onko suunnitelma realistinen ja talousarvio selkeä?"),
    ("Yhdenvertaisuus ja saavutettavuus", Decimal("1"), "Onko toiminta kaikille avointa?"),
]


def load(*, stdout):
    if settings.CITY_PROFILE["key"] == "poznan":
        load_poznan(stdout=stdout)
        return
    department = Department.objects.filter(name="Sivistystoimiala").first() or Department.objects.first()
    if department is None:
        stdout.write("  grants: no departments (load portal's demo first); skipped.")
        return
    contact = ContactPerson.objects.filter(email="mikko.saarinen@pori.example").first()
    types = {}
    for slug, name, kind, eligible in TYPES:
        grant_type, _created = GrantType.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "instructions": INSTRUCTIONS, "contact": contact}
        )
        form, _created = FormVersion.objects.get_or_create(
            grant_type=grant_type, number=1, defaults={"fields": FORM_FIELDS, "note": "Ensimmäinen versio"}
        )
        types[slug] = (grant_type, form, eligible)
    now = timezone.now()
    year = timezone.localdate().year
    _round(
        types["projektiavustus"],
        department,
        slug=f"projektiavustukset-{year}",
        title=f"Yhdistysten projektiavustukset {year}",
        year=year,
        appropriation=Decimal("120000"),
        opens_at=_at(timezone.localdate() - dt.timedelta(days=14), 8),
        closes_at=_at(timezone.localdate() + dt.timedelta(days=30), 16),
        report_due_on=dt.date(year + 1, 3, 31),
        caps={"max_per_grant": Decimal("15000"), "max_per_association_year": Decimal("25000")},
    )
    _round(
        types["kevytavustus"],
        department,
        slug=f"kevytavustukset-{year}",
        title=f"Kevytavustukset asukkaille ja ryhmille {year}",
        year=year,
        appropriation=Decimal("20000"),
        opens_at=_at(timezone.localdate() - dt.timedelta(days=7), 8),
        closes_at=_at(timezone.localdate() + dt.timedelta(days=60), 16),
        report_due_on=dt.date(year + 1, 1, 31),
        caps={"max_per_grant": Decimal("1000"), "max_share_percent": Decimal("5")},
    )
    last = _round(
        types["toiminta-avustus"],
        department,
        slug=f"toiminta-avustukset-{year - 1}",
        title=f"Yhdistysten toiminta-avustukset {year - 1}",
        year=year - 1,
        appropriation=Decimal("250000"),
        opens_at=_at(dt.date(year - 1, 1, 15), 8),
        closes_at=_at(dt.date(year - 1, 2, 28), 16),
        report_due_on=dt.date(year, 3, 31),
        caps={"max_per_grant": Decimal("20000")},
    )
    _past_decisions(last, now)
    stdout.write(
        f"  {GrantType.objects.count()} grant types, {GrantRound.objects.count()} rounds, "
        f"{Decision.objects.count()} decisions."
    )


def _at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _round(grant_type_form, department, *, slug, caps, criteria=CRITERIA, **fields):
    grant_type, form, eligible = grant_type_form
    round_, created = GrantRound.objects.get_or_create(
        slug=slug,
        defaults={
            "grant_type": grant_type,
            "form_version": form,
            "department": department,
            "eligible_kinds": eligible,
            "is_published": True,
            "description": DESCRIPTION,
            **caps,
            **fields,
        },
    )
    if created:
        for order, (name, weight, guidance) in enumerate(criteria, start=1):
            Criterion.objects.create(round=round_, name=name, weight=weight, guidance=guidance, order=order)
    return round_


def _past_decisions(round_, now):
    """A dozen decided applications of last year's operating grants, for the public list."""
    if round_.applications.exists():
        return
    associations = list(Association.objects.filter(kind="registered", moderation_state="approved").order_by("pk")[:12])
    areas = list(ServiceArea.objects.all())
    groups = list(AgeGroup.objects.all())
    goals = _strategy_goals()
    for n, association in enumerate(associations):
        requested = Decimal(2000 + 750 * n)
        granted = (requested * Decimal("0.8")).quantize(Decimal("1"))
        application = Application.objects.create(
            round=round_,
            association=association,
            form_version=round_.form_version,
            title=f"{association.name}: toiminta {round_.year}",
            summary="Viikoittainen harrastustoiminta ja kaksi avointa tapahtumaa.",
            answers={"activity": "Viikkotoiminta", "target_group": "Jäsenet ja kaupunkilaiset"},
            budget_lines=[{"item": "Tilavuokrat", "amount": str(requested)}],
            amount_requested=requested,
            state=Application.State.PARTLY_GRANTED,
            submitted_at=round_.closes_at - dt.timedelta(days=3),
        )
        PlannedResult.objects.create(
            application=application,
            description="Osallistujia viikkotoiminnassa",
            target_value=40,
            measure="Kävijälistat",
        )
        if areas:
            application.service_areas.set([areas[n % len(areas)]])
        if groups:
            application.age_groups.set([groups[n % len(groups)]])
        if goals:
            application.strategy_goals.set([goals[n % len(goals)]])
        Decision.objects.create(
            application=application,
            amount=granted,
            grounds="Toiminta vastaa avustusperiaatteita; avustus myönnetään osittain määrärahan puitteissa.",
            decided_at=round_.closes_at + dt.timedelta(days=45),
            decided_by=_decider(),
        )
    total = Decision.objects.filter(application__round=round_).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    GrantRound.objects.filter(pk=round_.pk).update(committed=total)


def _decider():
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username="avustuspaatokset@pori.example",
        defaults={"email": "avustuspaatokset@pori.example", "is_active": False},
    )
    return user


def _strategy_goals():
    """The city programme's focus areas (the programme's demo runs last, so make sure it is there)."""
    from grants.services import strategy_goal_choices
    from portal.programme import demo as programme_demo

    if not strategy_goal_choices().exists():
        (programme_demo.load_poznan if settings.CITY_PROFILE["key"] == "poznan" else programme_demo.load_pori)()
    return list(strategy_goal_choices())


# --- Poznań (seed 004): open competitions, small grants outside competition, regranting -----
PL_INSTRUCTIONS = """Ofertę składa organizacja pozarządowa lub podmiot z art. 3 ust. 3 ustawy o działalności
pożytku publicznego i o wolontariacie, w imieniu którego działasz.

1. Wypełnij sekcje oferty według wzoru z rozporządzenia (Dz.U. 2018 poz. 2057).
2. Wpisz rezultaty z wartością docelową i sposobem monitorowania oraz kosztorys.
3. Złóż oświadczenia i ofertę przed terminem. Doradztwo: Centrum Inicjatyw Lokalnych i Wydział Zdrowia
   i Spraw Społecznych.

Po realizacji zadania składasz sprawozdanie: wykonanie rezultatów i wydatki według kosztorysu."""

PL_CRITERIA = [
    ("Możliwość realizacji zadania i jego wartość merytoryczna", Decimal("3"), "Art. 15 ust. 1 pkt 1 ustawy."),
    ("Kalkulacja kosztów w odniesieniu do zakresu rzeczowego", Decimal("2"), "Art. 15 ust. 1 pkt 2."),
    ("Jakość wykonania i kwalifikacje osób realizujących zadanie", Decimal("2"), "Art. 15 ust. 1 pkt 3."),
    ("Wkład własny finansowy, osobowy i rzeczowy", Decimal("1"), "Art. 15 ust. 1 pkt 4–5."),
    ("Rzetelność i terminowość realizacji wcześniejszych zadań", Decimal("1"), "Art. 15 ust. 1 pkt 6."),
]

PL_REGRANTING_FIELDS = [
    {
        "section": "Mikrogrant",
        "name": "pl_opis",
        "label": "Co chcecie zrobić i dla kogo?",
        "type": "textarea",
        "required": True,
    },
    {"name": "pl_miejsce", "label": "Gdzie i kiedy?", "type": "text", "required": True},
    {
        "name": "pl_osw_prawda",
        "label": "Informacje podane we wniosku są prawdziwe",
        "type": "confirm",
        "required": True,
    },
]

PL_STATEMENTS = (
    "pl_osw_zakres",
    "pl_osw_odplatnosc",
    "pl_osw_podatki",
    "pl_osw_zus",
    "pl_osw_krs",
    "pl_osw_prawda",
    "pl_osw_podatki_zus",
)
PL_ANSWERS = {
    "pl_organ": "Prezydent Miasta Poznania",
    "pl_rodzaj_zadania": "Działalność na rzecz integracji społecznej",
    "pl_forma_prawna": "Stowarzyszenie",
    "pl_numer_ewidencji": "KRS 0000123456",
    "pl_adres": "ul. Przykładowa 1, 61-001 Poznań",
    "pl_osoba_kontaktowa": "Anna Kowalska, 600 000 000, anna@example.org",
    "pl_opis_zadania": "Cykl warsztatów sąsiedzkich na Jeżycach.",
    "pl_harmonogram": "Wrzesień–listopad: osiem warsztatów, grudzień: spotkanie podsumowujące.",
    "pl_opis_rezultatow": "Mieszkańcy poznają się i wspólnie zaplanują działania na podwórku.",
    "pl_doswiadczenie": "Od 2015 r. prowadzimy działania sąsiedzkie na Jeżycach.",
    "pl_zasoby": "Dwie animatorki, sala w siedzibie, wolontariusze.",
    "pl_odplatnosc": "no",
    **dict.fromkeys(PL_STATEMENTS, "yes"),
}


def load_poznan(*, stdout):
    """An open competition of offers on the statutory form, a small grant with an offer in its
    7-day comment period and a regranting round run by an operator association."""
    department = Department.objects.order_by("pk").first()
    if department is None:
        stdout.write("  grants: no departments (load portal's demo first); skipped.")
        return
    contact = ContactPerson.objects.order_by("pk").first()
    today = timezone.localdate()
    year = today.year
    kinds = ["registered", "foundation", "other"]

    def grant_type(slug, name, kind, schema=None, fields=None):
        type_, _created = GrantType.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "instructions": PL_INSTRUCTIONS, "contact": contact}
        )
        if schema:
            form = forms_schema.form_version_from_schema(grant_type=type_, key=schema)
        else:
            form, _created = FormVersion.objects.get_or_create(
                grant_type=type_, number=1, defaults={"fields": fields, "note": "Pierwsza wersja"}
            )
        return type_, form

    competition = grant_type(
        "otwarty-konkurs-ofert", "Otwarty konkurs ofert", GrantType.Kind.OPEN_COMPETITION, schema="pl-offer-2018"
    )
    small = grant_type(
        "maly-grant", "Mały grant (art. 19a)", GrantType.Kind.SMALL_GRANT, schema="pl-simplified-offer-2018"
    )
    regranting = grant_type("regranting", "Regranting", GrantType.Kind.REGRANTING, fields=PL_REGRANTING_FIELDS)
    associations = list(Association.objects.filter(moderation_state="approved", kind__in=kinds).order_by("pk")[:6])
    operator = associations[0] if associations else None

    _round(
        (*competition, kinds),
        department,
        slug=f"konkurs-integracja-{year}",
        title=f"Otwarty konkurs ofert: integracja społeczna {year}",
        year=year,
        appropriation=Decimal("500000"),
        opens_at=_at(today - dt.timedelta(days=10), 8),
        closes_at=_at(today + dt.timedelta(days=21), 16),
        report_due_on=dt.date(year + 1, 1, 31),
        caps={"max_per_grant": Decimal("80000")},
        criteria=PL_CRITERIA,
    )
    small_round = _round(
        (*small, kinds),
        department,
        slug=f"male-granty-{year}",
        title=f"Małe granty poza konkursem {year}",
        year=year,
        appropriation=Decimal("100000"),
        opens_at=_at(today - dt.timedelta(days=30), 8),
        closes_at=_at(today + dt.timedelta(days=60), 16),
        report_due_on=None,
        caps={"max_per_grant": Decimal("10000")},
        comment_days=7,
        criteria=[],
    )
    regranting_round = _round(
        (*regranting, kinds),
        department,
        slug=f"mikrogranty-{year}",
        title=f"Mikrogranty dla inicjatyw lokalnych {year}",
        year=year,
        appropriation=Decimal("60000"),
        opens_at=_at(today - dt.timedelta(days=5), 8),
        closes_at=_at(today + dt.timedelta(days=40), 16),
        report_due_on=dt.date(year + 1, 1, 15),
        caps={"max_per_grant": Decimal("5000")},
        operator=operator,
        criteria=[("Wartość dla społeczności lokalnej", Decimal("1"), "Kto skorzysta i co się zmieni?")],
    )
    goals = _strategy_goals()
    if len(associations) > 1:
        _pl_offer(small_round, associations[1], goals, "Piknik sąsiedzki na Łazarzu", published_days_ago=2)
    if len(associations) > 2:
        _pl_offer(regranting_round, associations[2], goals, "Wspólny ogród na podwórku", published_days_ago=None)
    stdout.write(
        f"  {GrantType.objects.count()} grant types, {GrantRound.objects.count()} rounds"
        f"{f', regranting run by {operator.name}' if operator else ''}."
    )


def _pl_offer(round_, association, goals, title, *, published_days_ago):
    """A submitted offer; on a small grant it is published for its 7 days of public comments."""
    if round_.applications.filter(association=association).exists():
        return
    now = timezone.now()
    application = Application.objects.create(
        round=round_,
        association=association,
        form_version=round_.form_version,
        title=title,
        summary="Spotkanie mieszkańców z animacjami dla dzieci i wspólnym gotowaniem.",
        answers={f["name"]: PL_ANSWERS.get(f["name"], "") for f in round_.form_version.fields},
        budget_lines=[{"item": "Materiały", "amount": "2500.00"}, {"item": "Animatorzy", "amount": "3000.00"}],
        own_contribution=Decimal("500.00"),
        amount_requested=Decimal("5000.00"),
        state=Application.State.SUBMITTED,
        submitted_at=now - dt.timedelta(days=(published_days_ago or 0) + 1),
        published_for_comment_at=now - dt.timedelta(days=published_days_ago) if published_days_ago else None,
    )
    PlannedResult.objects.create(
        application=application, description="Uczestnicy pikniku", target_value=150, measure="Lista obecności"
    )
    if goals:
        application.strategy_goals.set(goals[:1])
