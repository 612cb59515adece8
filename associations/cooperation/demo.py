"""Pori's demo of the forms of cooperation (idempotent): two joint projects, a granted letter of
recommendation, a granted patronage, a harvest festival with sign-ups, a carried-out local
initiative and the published criteria. Written straight to the database: a demo sends no e-mail."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from associations.cooperation.models import (
    CityEvent,
    CityRequest,
    InitiativeCriterion,
    JointProject,
    LocalInitiative,
    RequestHandler,
    RequestKind,
)
from associations.models import Association
from portal.models import ContactPerson, Department, ServiceArea

HANDLERS = {
    RequestKind.RECOMMENDATION: "Antti Virtanen",
    RequestKind.INTENT: "Antti Virtanen",
    RequestKind.PATRONAGE_MAYOR: "Sanna Lehtinen",
    RequestKind.PATRONAGE_CITY: "Sanna Lehtinen",
    RequestKind.MEDIA_PATRONAGE: "Petra Salonen",
    RequestKind.EVENT_PARTICIPATION: "Henna Järvinen",
}
CRITERIA = [
    ("Hyöty asukkaille", "Kuinka moni asukas hyötyy ja kuinka pitkään."),
    ("Asukkaiden oma panos", "Talkootyö, osaaminen ja tarvikkeet, jotka asukkaat tuovat itse."),
    ("Toteutettavuus", "Aikataulu, luvat ja kaupungin mahdollisuus osallistua työllä, tarvikkeilla tai tilalla."),
    ("Yhdenvertaisuus ja saavutettavuus", "Kaikille avoin, esteetön ja maksuton."),
]
STAFF_MODELS = ("jointproject", "cityrequest", "cityevent", "localinitiative", "initiativecriterion", "requesthandler")


def load(*, stdout):
    today = timezone.localdate()
    people = {c.name: c for c in ContactPerson.objects.filter(name__in=set(HANDLERS.values()))}
    for kind, name in HANDLERS.items():
        if name in people:
            RequestHandler.objects.update_or_create(kind=kind, defaults={"contact": people[name]})
    for order, (name, description) in enumerate(CRITERIA):
        InitiativeCriterion.objects.update_or_create(name=name, defaults={"description": description, "order": order})

    karhut = Association.objects.filter(name="Porin Karhut ry").first()
    nuorisoseura = Association.objects.filter(name="Noormarkun Nuorisoseura ry").first()
    elakelaiset = Association.objects.filter(name="Länsi-Porin Eläkeläiset ry").first()
    sivistys = Department.objects.filter(name="Sivistystoimiala").first()
    hyvinvointi = Department.objects.filter(name="Hyvinvointi ja osallisuus").first() or sivistys
    if not (karhut and nuorisoseura and elakelaiset and sivistys):
        stdout.write("  Skipped the cooperation demo: load the portal's and the registry's demo data first.")
        return

    year = today.year
    liikkuva, _c = JointProject.objects.update_or_create(
        title="Liikkuva Länsi-Pori",
        defaults={
            "department": sivistys,
            "contact_person": people.get("Antti Virtanen"),
            "starts_on": dt.date(year, 1, 1),
            "ends_on": dt.date(year + 1, 12, 31),
            "own_funding": Decimal("4000"),
            "city_grant": Decimal("10000"),
            "external_funding": Decimal("30000"),
            "external_funder": "Opetus- ja kulttuuriministeriö",
            "goals": "Matalan kynnyksen liikuntaa lapsille ja ikääntyneille Länsi-Porissa, "
            "seurojen ja kaupungin yhteistyönä.",
            "results": "",
        },
    )
    liikkuva.partners.set([karhut, elakelaiset])
    kylatalo, _c = JointProject.objects.update_or_create(
        title="Kylätalo nuorten kohtaamispaikaksi",
        defaults={
            "department": hyvinvointi,
            "contact_person": people.get("Sanna Lehtinen"),
            "starts_on": dt.date(year - 1, 8, 1),
            "ends_on": dt.date(year, 6, 30),
            "own_funding": Decimal("2500"),
            "city_grant": Decimal("5000"),
            "external_funding": Decimal("0"),
            "goals": "Noormarkun kylätalosta nuorten iltapaikka yhdessä nuorisoseuran kanssa.",
            "results": "Kaksi iltaa viikossa, keskimäärin 25 nuorta kerralla.",
        },
    )
    kylatalo.partners.set([nuorisoseura])

    decided_at = timezone.now() - dt.timedelta(days=20)
    CityRequest.objects.update_or_create(
        association=karhut,
        kind=RequestKind.RECOMMENDATION,
        title="Liikkuva Länsi-Pori",
        defaults={
            "description": "Haemme ministeriön avustusta lasten ja ikääntyneiden liikuntaan Länsi-Porissa.",
            "funder": "Opetus- ja kulttuuriministeriö",
            "amount_sought": Decimal("30000"),
            "project_starts_on": dt.date(year, 1, 1),
            "project_ends_on": dt.date(year + 1, 12, 31),
            "state": CityRequest.State.GRANTED,
            "handler": people.get("Antti Virtanen"),
            "decision_reason": "Hanke tukee yhdistysyhteistyöohjelman tavoitteita.",
            "decided_at": decided_at,
            "joint_project": liikkuva,
        },
    )
    CityRequest.objects.update_or_create(
        association=nuorisoseura,
        kind=RequestKind.PATRONAGE_MAYOR,
        title="Noormarkun kesäjuhlat",
        defaults={
            "description": "Pyydämme kaupunginjohtajan suojelijuutta 100-vuotisjuhlillemme.",
            "event_name": "Noormarkun kesäjuhlat",
            "event_date": dt.date(year, 7, 15),
            "state": CityRequest.State.GRANTED,
            "handler": people.get("Sanna Lehtinen"),
            "decision_reason": "Kaupunginjohtaja ryhtyy juhlan suojelijaksi.",
            "decided_at": decided_at,
        },
    )

    festival_day = today + dt.timedelta(days=60)
    festival, _c = CityEvent.objects.update_or_create(
        title="Porin sadonkorjuujuhla",
        defaults={
            "description": "Kaupunki järjestää sadonkorjuujuhlan kauppatorilla. Yhdistykset voivat tulla esittelemään "
            "toimintaansa, myymään tuotteitaan tai järjestämään ohjelmaa.",
            "department": hyvinvointi,
            "place": "Porin kauppatori",
            "starts_on": festival_day,
            "ends_on": festival_day,
            "signup_until": festival_day - dt.timedelta(days=21),
            "is_published": True,
        },
    )
    for association, state in ((elakelaiset, CityRequest.State.GRANTED), (karhut, CityRequest.State.SUBMITTED)):
        CityRequest.objects.update_or_create(
            association=association,
            kind=RequestKind.EVENT_PARTICIPATION,
            city_event=festival,
            defaults={
                "title": festival.title,
                "description": "Esittelypiste ja lasten liikuntarata."
                if association == karhut
                else "Kahvio ja käsityömyynti.",
                "state": state,
                "handler": people.get("Henna Järvinen"),
                "decided_at": decided_at if state == CityRequest.State.GRANTED else None,
            },
        )

    LocalInitiative.objects.update_or_create(
        title="Lähiön puistotalkoot",
        defaults={
            "description": "Kunnostamme Väinölän leikkipuiston penkit ja istutamme kukkia.",
            "group_name": "Väinölän asukkaat",
            "service_area": ServiceArea.objects.filter(name="Länsi-Pori").first(),
            "place": "Väinölän leikkipuisto",
            "residents_contribution": "Talkootyö kahtena lauantaina, kahvitus.",
            "needs_work": False,
            "needs_materials": True,
            "needs_space": False,
            "help_details": "Maali, taimet ja multa.",
            "state": LocalInitiative.State.CARRIED_OUT,
            "decision_reason": "Hyödyttää koko aluetta; asukkaiden oma panos on suuri (kriteerit 1 ja 2).",
            "decided_at": decided_at,
            "carried_out_on": today - dt.timedelta(days=5),
        },
    )

    perms = list(
        Permission.objects.filter(content_type__app_label="associations", content_type__model__in=STAFF_MODELS)
    )
    for department in Department.objects.exclude(staff_group=None).select_related("staff_group"):
        department.staff_group.permissions.add(*perms)
    stdout.write(
        f"  {JointProject.objects.count()} joint projects, {CityRequest.objects.count()} requests to the city, "
        f"{LocalInitiative.objects.count()} local initiatives."
    )
