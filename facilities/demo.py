"""Pori's demo facilities: a school gym with two halves (a shared-use space, yhteiskäyttötila),
a library meeting room and a youth centre hall, with prices, a closure and a few bookings.

The buildings and addresses are invented. Idempotent: natural keys (slugs) and
``update_or_create``; bookings are made through the booking service, relative to today, only
when the space has no booking for that purpose yet.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils import timezone

from associations.models import Association
from facilities import services
from facilities.models import BookableHours, Booking, Closure, Equipment, Facility, PriceRule, SeasonRound, Space
from portal.models import AgeGroup, Department, ServiceArea

EQUIPMENT = [
    ("koripallotelineet", "Koripallotelineet"),
    ("salibandymaalit", "Salibandymaalit"),
    ("aanentoisto", "Äänentoisto"),
    ("videotykki", "Videotykki"),
    ("keittio", "Keittiö"),
]

FACILITIES = [
    {
        "slug": "lansi-porin-koulu",
        "name": "Länsi-Porin koulu",
        "department": "Sivistystoimiala",
        "service_area": "Länsi-Pori",
        "address": "Koulupolku 4",
        "postal_code": "28400",
        "opening_info": "Koulun käytössä arkisin klo 8–16. Iltaisin ja viikonloppuisin varattavissa.",
        "access_instructions": "Sisäänkäynti liikuntasalin pihan puolelta (ovi C). Avain noudetaan vahtimestarilta.",
        "accessibility": "Esteetön sisäänkäynti ovelta C, invapysäköinti pihalla.",
        "step_free_access": True,
        "accessible_toilet": True,
    },
    {
        "slug": "keskustan-kirjasto",
        "name": "Keskustan kirjasto",
        "department": "Sivistystoimiala",
        "service_area": "Keskusta",
        "address": "Kirjastokatu 1",
        "postal_code": "28100",
        "opening_info": "Ma–pe 9–20, la 10–16.",
        "access_instructions": "Kokoushuone on toisessa kerroksessa; avain lainaustiskiltä.",
        "accessibility": "Hissi toiseen kerrokseen.",
        "step_free_access": True,
        "accessible_toilet": True,
        "induction_loop": True,
    },
    {
        "slug": "noormarkun-nuorisotalo",
        "name": "Noormarkun nuorisotalo",
        "department": "Hyvinvointi ja osallisuus",
        "service_area": "Noormarkku",
        "address": "Nuorisotalontie 2",
        "postal_code": "29600",
        "opening_info": "Nuorten käytössä ti–to 14–20.",
        "access_instructions": "Ovikoodi lähetetään varausvahvistuksen mukana.",
        "accessibility": "Sisäänkäynnillä kaksi porrasta, ei luiskaa.",
    },
]

WEEKDAY_EVENINGS = [(day, dt.time(17), dt.time(22)) for day in range(5)]
WEEKENDS = [(day, dt.time(9), dt.time(21)) for day in (5, 6)]


def load(*, stdout):
    equipment = {
        slug: Equipment.objects.update_or_create(slug=slug, defaults={"name": name})[0] for slug, name in EQUIPMENT
    }
    facilities = {}
    for data in FACILITIES:
        data = dict(data)
        department = Department.objects.filter(name=data.pop("department")).first()
        area = ServiceArea.objects.filter(name=data.pop("service_area")).first()
        if department is None:
            stdout.write("  Facilities skipped: load the portal demo first.")
            return
        slug = data.pop("slug")
        facilities[slug], _created = Facility.objects.update_or_create(
            slug=slug, defaults={**data, "department": department, "service_area": area, "city": "Pori"}
        )

    school = facilities["lansi-porin-koulu"]
    hall = _space(
        school,
        "lansi-porin-koulun-liikuntasali",
        name="Liikuntasali (koko sali)",
        capacity=80,
        area_m2=600,
        is_shared_use=True,
        requires_approval=True,
        buffer_minutes=15,
        description="Koko sali ottelu- ja turnauskäyttöön. Salin voi varata myös puolikkaina.",
        terms="Salissa sisäpelikengät. Varaaja vastaa siitä, että sali jätetään siistiksi.",
    )
    hall.equipment.set([equipment["koripallotelineet"], equipment["salibandymaalit"]])
    _hours(hall, WEEKDAY_EVENINGS + WEEKENDS)
    _prices(hall, association="20.00", informal="0", resident="30.00", commercial="60.00")
    for slug, name in (
        ("lansi-porin-koulun-sali-a", "Liikuntasali, A-puoli"),
        ("lansi-porin-koulun-sali-b", "Liikuntasali, B-puoli"),
    ):
        half = _space(
            school,
            slug,
            name=name,
            parent=hall,
            capacity=40,
            area_m2=300,
            is_shared_use=True,
            buffer_minutes=15,
            description="Puolikas liikuntasalista, erotettu väliverholla.",
            terms="Salissa sisäpelikengät.",
        )
        half.equipment.set([equipment["salibandymaalit"]])
        _prices(half, association="10.00", informal="0", resident="15.00", commercial="30.00")

    library = facilities["keskustan-kirjasto"]
    room = _space(
        library,
        "keskustan-kirjaston-kokoushuone",
        name="Kokoushuone Karhunpesä",
        capacity=14,
        is_shared_use=False,
        min_minutes=30,
        max_minutes=180,
        start_interval_minutes=30,
        description="Kokoushuone yhdistysten kokouksiin ja pienryhmille.",
    )
    room.equipment.set([equipment["videotykki"]])
    _hours(room, [(day, dt.time(9), dt.time(20)) for day in range(5)] + [(5, dt.time(10), dt.time(16))])
    _prices(room, association="0", informal="0", resident="10.00", commercial="25.00", free_for_associations=True)

    youth = facilities["noormarkun-nuorisotalo"]
    youth_hall = _space(
        youth,
        "noormarkun-nuorisotalon-sali",
        name="Nuorisotalon sali",
        capacity=40,
        is_shared_use=True,
        description="Monitoimisali: kerhot, harjoitukset ja pienet tapahtumat.",
    )
    youth_hall.equipment.set([equipment["aanentoisto"], equipment["keittio"]])
    _hours(youth_hall, [(0, dt.time(16), dt.time(21)), (4, dt.time(16), dt.time(22))] + WEEKENDS)
    _prices(youth_hall, association="8.00", informal="0", resident="15.00", commercial="35.00")

    christmas = dt.date(timezone.localdate().year, 12, 24)
    Closure.objects.get_or_create(
        facility=school,
        reason="Joulun tauko",
        defaults={
            "starts_at": timezone.make_aware(dt.datetime.combine(christmas, dt.time.min)),
            "ends_at": timezone.make_aware(dt.datetime.combine(christmas + dt.timedelta(days=3), dt.time.min)),
        },
    )
    _staff_permissions()
    _bookings(hall, room)
    _season_round(school.department, [hall, *hall.children.all(), youth_hall])
    stdout.write(
        f"  {Facility.objects.count()} facilities, {Space.objects.count()} spaces, {Booking.objects.count()} bookings."
    )


def _season_round(department, spaces):
    """An open round for next spring's weekly slots, so the application form can be tried."""
    year = timezone.localdate().year + 1
    now = timezone.now()
    season, created = SeasonRound.objects.get_or_create(
        name=f"Liikuntavuorot, kevätkausi {year}",
        defaults={
            "department": department,
            "season_starts": dt.date(year, 1, 8),
            "season_ends": dt.date(year, 5, 31),
            "applications_open": now - dt.timedelta(days=7),
            "applications_close": now + dt.timedelta(days=21),
            "principles": (
                "1. Lasten ja nuorten ryhmät ensin.\n"
                "2. Sitten hakemusten saapumisjärjestys.\n"
                "Kukin hakija saa yhden vuoron kierrosta kohden, kunnes kaikki ovat saaneet pyytämänsä "
                "tai vaihtoehdot loppuvat."
            ),
            "state": SeasonRound.State.OPEN,
        },
    )
    if created:
        season.spaces.set(spaces)


def _space(facility, slug, **fields):
    space, _created = Space.objects.update_or_create(slug=slug, defaults={"facility": facility, **fields})
    return space


def _hours(space, windows):
    for weekday, starts, ends in windows:
        BookableHours.objects.get_or_create(space=space, weekday=weekday, starts=starts, ends=ends)


def _prices(space, *, association, informal, resident, commercial, free_for_associations=False):
    for group, price in (
        ("association", association),
        ("informal_group", informal),
        ("resident", resident),
        ("commercial", commercial),
    ):
        PriceRule.objects.update_or_create(
            space=space,
            customer_group=group,
            days=PriceRule.Days.ALL,
            from_time=None,
            until_time=None,
            defaults={
                "price_per_hour": Decimal(price),
                "is_free": group == "informal_group" or (group == "association" and free_for_associations),
            },
        )


def _staff_permissions():
    perms = list(Permission.objects.filter(content_type__app_label="facilities"))
    for department in Department.objects.exclude(staff_group=None).select_related("staff_group"):
        department.staff_group.permissions.add(*perms)


def _next(weekday, hour):
    day = timezone.localdate() + dt.timedelta(days=2)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _bookings(hall, room):
    user = get_user_model().objects.filter(username="edustaja@karhut.example").first()
    karhut = Association.objects.filter(name="Porin Karhut ry").first()
    if user is None or karhut is None:
        return
    half_a = Space.objects.get(slug="lansi-porin-koulun-sali-a")
    youth = AgeGroup.objects.filter(name__startswith="Nuoret").first()
    wanted = [
        (half_a, _next(1, 18), 2, "Salibandyharjoitus (juniorit)", 20),
        (hall, _next(5, 10), 3, "Salibandyturnaus", 60),
        (room, _next(2, 18), 2, "Hallituksen kokous", 8),
    ]
    for space, starts_at, hours, purpose, attendees in wanted:
        if Booking.objects.filter(space=space, purpose=purpose).exists():
            continue
        try:
            services.booking_create(
                space=space,
                booker=user,
                association=karhut,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=hours),
                purpose=purpose,
                age_group=youth,
                attendees=attendees,
            )
        except ValidationError:
            continue  # e.g. the demo's closure falls on that day: the demo goes on without it
