"""Poznań's demo organisations (``CITY=poznan``; ``associations.demo.load`` hands over to this).

Invented organisations with a legal form, spheres of public benefit (art. 4 ust. 1) and valid
identifiers: a ten-digit KRS number and a NIP and REGON whose check digits hold, computed from a
seed per organisation, so every run gives each the same numbers. Idempotent: found by slug.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from associations.models import Association, Event, Language, Membership, PublicBenefitSphere
from associations.poland import LegalForm, nip_is_valid, public_benefit_spheres_ensure, regon_is_valid
from associations.services.registry import SLUG_LETTERS
from portal.models import AgeGroup, ServiceArea

# (name, legal form, spheres (points of art. 4 ust. 1), service area, age groups (indexes), description)
ORGANISATIONS = [
    (
        "Stowarzyszenie Przyjaciół Dzieci Wildy",
        LegalForm.ASSOCIATION,
        ["15", "14", "1a"],
        "Wilda",
        [0, 1],
        "Świetlica środowiskowa, odrabianie lekcji i wakacyjne półkolonie dla dzieci z Wildy.",
    ),
    (
        "Fundacja Ekologiczna Warta",
        LegalForm.FOUNDATION,
        ["18", "13"],
        "Cały Poznań",
        [4],
        "Sprzątamy brzegi Warty, sadzimy drzewa na osiedlach i uczymy segregacji odpadów.",
    ),
    (
        "Klub Sportowy Rataje",
        LegalForm.ASSOCIATION,
        ["17", "15"],
        "Osiedle Rataje",
        [0, 1],
        "Piłka nożna i lekkoatletyka dla dzieci i młodzieży z Rataj; treningi przez cały rok.",
    ),
    (
        "Stowarzyszenie Seniorów Jeżyce",
        LegalForm.ASSOCIATION,
        ["10", "13"],
        "Jeżyce",
        [3],
        "Klub seniora, kursy komputerowe i wycieczki krajoznawcze dla mieszkańców Jeżyc.",
    ),
    (
        "Fundacja Teatr na Łazarzu",
        LegalForm.FOUNDATION,
        ["16", "15"],
        "Osiedle Św. Łazarz",
        [1, 2],
        "Teatr dzielnicowy: spektakle, warsztaty teatralne i festiwal podwórek.",
    ),
    (
        "Poznańskie Stowarzyszenie Pomocy Osobom Niepełnosprawnym",
        LegalForm.ASSOCIATION,
        ["7", "6", "2"],
        "Cały Poznań",
        [4],
        "Rehabilitacja, asystencja osobista i aktywizacja zawodowa osób z niepełnosprawnościami.",
    ),
    (
        "Caritas Parafii św. Marcina",
        LegalForm.CHURCH_LEGAL_PERSON,
        ["1", "3"],
        "Stare Miasto",
        [4],
        "Bank żywności, pomoc rodzinom w trudnej sytuacji i wigilia dla osób samotnych.",
    ),
    (
        "Spółdzielnia Socjalna Razem Piątkowo",
        LegalForm.SOCIAL_COOPERATIVE,
        ["2", "8"],
        "Osiedle Piątkowo",
        [2],
        "Catering i usługi porządkowe; zatrudniamy osoby wracające na rynek pracy.",
    ),
    (
        "Stowarzyszenie Mieszkańców Naramowic",
        LegalForm.ORDINARY_ASSOCIATION,
        ["13", "32a"],
        "Osiedle Naramowice",
        [4],
        "Sąsiedzkie pikniki, inicjatywa lokalna i zielone podwórka na Naramowicach.",
    ),
    (
        "Fundacja Integracji Cudzoziemców Most",
        LegalForm.FOUNDATION,
        ["5a", "22", "27"],
        "Nowe Miasto",
        [2, 4],
        "Lekcje polskiego, porady prawne i wolontariat dla cudzoziemców mieszkających w Poznaniu.",
    ),
]
# (organisation, title, days from today, start time, place, description)
EVENTS = [
    (
        "Fundacja Ekologiczna Warta",
        "Sprzątanie brzegów Warty",
        12,
        "10:00",
        "Przystań Wilda",
        "Rękawiczki i worki zapewniamy. Zapraszamy rodziny!",
    ),
    (
        "Fundacja Teatr na Łazarzu",
        "Festiwal podwórek na Łazarzu",
        26,
        "16:00",
        "Rynek Łazarski",
        "Spektakle, warsztaty i koncert na zakończenie.",
    ),
    (
        "Stowarzyszenie Seniorów Jeżyce",
        "Kurs bezpiecznej bankowości internetowej",
        40,
        "11:00",
        "Klub seniora, ul. Szamarzewskiego",
        "Dla seniorów: jak bezpiecznie płacić i sprawdzać konto w internecie.",
    ),
]
DEMO_REPRESENTATIVE = "przedstawiciel@przyjaciele-wildy.example"


def _digits(rng, count):
    return "".join(rng.choice("0123456789") for _ in range(count))


def identifiers(slug):
    """A KRS number, NIP and REGON for ``slug``: always the same, check digits valid."""
    rng = random.Random(f"pl-{slug}")
    krs = "0000" + _digits(rng, 6)
    nip = next(n for n in (_digits(rng, 10) for _ in range(1000)) if n[0] != "0" and nip_is_valid(n))
    regon = next(r for r in (_digits(rng, 9) for _ in range(1000)) if regon_is_valid(r))
    return krs, nip, regon


def load(*, stdout):
    areas = {a.name: a for a in ServiceArea.objects.all()}
    ages = list(AgeGroup.objects.all())
    public_benefit_spheres_ensure(PublicBenefitSphere)  # the migration loads them; a flushed test database has none
    spheres = {s.point: s for s in PublicBenefitSphere.objects.all()}
    polish = Language.objects.get_or_create(code="pl", defaults={"name": "polski", "order": 0})[0]
    for name, legal_form, points, area, age_indexes, description in ORGANISATIONS:
        slug = slugify(name.translate(SLUG_LETTERS))
        krs, nip, regon = identifiers(slug)
        # An ordinary association is not in the KRS and has no NIP of its own until it employs.
        registered = legal_form != LegalForm.ORDINARY_ASSOCIATION
        kind = Association.Kind.FOUNDATION if legal_form == LegalForm.FOUNDATION else Association.Kind.REGISTERED
        association, _created = Association.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind if registered else Association.Kind.INFORMAL,
                "legal_form": legal_form,
                "krs_number": krs if registered else "",
                "nip": nip if registered else "",
                "regon": regon,
                "description": description,
                "email": f"{slug[:40]}@organizacja.example",
                "moderation_state": Association.ModerationState.APPROVED,
                "founded_year": 1990 + random.Random(slug).randint(0, 30),
                "last_confirmed_on": timezone.localdate() - dt.timedelta(days=random.Random(slug).randint(10, 300)),
            },
        )
        association.public_benefit_spheres.set([spheres[p] for p in points if p in spheres])
        association.service_areas.set([areas[area]] if area in areas else [])
        association.age_groups.set([ages[i] for i in age_indexes if i < len(ages)])
        association.languages.set([polish])
    _events()
    _representative()
    stdout.write(f"  {Association.objects.count()} organisations, {Event.objects.count()} events (Poznań).")


def _events():
    today = timezone.localdate()
    for name, title, offset, start, place, description in EVENTS:
        association = Association.objects.filter(name=name).first()
        if association is None:
            continue
        Event.objects.update_or_create(
            association=association,
            title=title,
            defaults={
                "start_date": today + dt.timedelta(days=offset),
                "start_time": dt.time.fromisoformat(start),
                "place": place,
                "description": description,
                "moderation_state": Event.ModerationState.APPROVED,
            },
        )


def _representative():
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_REPRESENTATIVE, defaults={"email": DEMO_REPRESENTATIVE}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    association = Association.objects.filter(name=ORGANISATIONS[0][0]).first()
    if association:
        Membership.objects.get_or_create(
            user=user,
            association=association,
            defaults={
                "role": Membership.Role.ADMIN,
                "state": Membership.State.APPROVED,
                "approved_at": timezone.now(),
            },
        )
