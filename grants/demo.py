"""Pori's grants for the demo: the four forms of grant, an open call and last year's decisions.

Seed 000 (Avustukset): grants are announced every year within the budget appropriation, the
criteria and evaluation are described in the call, advice is offered and decisions are public.
Seed 001: light grants (kevytavustus) are open to informal groups. Idempotent: natural keys
(slugs), and rows are created only when missing, so staff edits survive a second run.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from associations.models import Association
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


def _round(grant_type_form, department, *, slug, caps, **fields):
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
        for order, (name, weight, guidance) in enumerate(CRITERIA, start=1):
            Criterion.objects.create(round=round_, name=name, weight=weight, guidance=guidance, order=order)
    return round_


def _past_decisions(round_, now):
    """A dozen decided applications of last year's operating grants, for the public list."""
    if round_.applications.exists():
        return
    associations = list(Association.objects.filter(kind="registered", moderation_state="approved").order_by("pk")[:12])
    areas = list(ServiceArea.objects.all())
    groups = list(AgeGroup.objects.all())
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
