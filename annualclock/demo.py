"""Pori's year of cooperation 2026 and 2027 (seeds 000 and 001) and a few meetings. Idempotent.

Seed 001's vuosikello is a month-precision plan of grant application and reporting periods,
information and networking events, workshops and the newsletter; seed 000 adds the cooperation
working group, Seuraparlamentti and association evenings that meet regularly, and the four
newsletters a year.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from annualclock.models import ClockEntry, Kind, Meeting, MeetingResponse
from annualclock.services import clock_entries_match_sources
from associations.models import Association
from portal.models import Forum

FORUMS = {
    Forum.Kind.WORKING_GROUP: ("Yhdistysyhteistyöryhmä", "yhdistysyhteistyoryhma"),
    Forum.Kind.SPORTS_PARLIAMENT: ("Seuraparlamentti", "seuraparlamentti"),
    Forum.Kind.ASSOCIATION_EVENING: ("Yhdistysillat", "yhdistysillat"),
    Forum.Kind.WORKSHOP: ("Yhdistysten työpajat", "yhdistysten-tyopajat"),
}

ALL = "Kaikki porilaiset yhdistykset"
SPORTS = "Liikunta- ja urheiluseurat"
GROUP = "Yhdistysyhteistyöryhmän jäsenet"

# (month, kind, title with {year}, audience, description)
PLAN = [
    (
        1,
        Kind.GRANT_APPLICATION_PERIOD,
        "Toiminta- ja kohdeavustusten haku {year}",
        ALL,
        "Avustukset julistetaan haettavaksi talousarvion määrärahojen puitteissa; haku kaupungin verkkosivuilla.",
    ),
    (
        2,
        Kind.WORKING_GROUP_MEETING,
        "Yhdistysyhteistyöryhmän kokous: vuoden painopisteet",
        GROUP,
        "Ryhmä käsittelee yhdistysyhteistyöasioita ja kokoaa avustuksiin liittyvää palautetta.",
    ),
    (2, Kind.NEWSLETTER, "Yhdistysuutiskirje 1/{year}", ALL, "Vuoden ensimmäinen uutiskirje: avustukset, vuosikello."),
    (
        3,
        Kind.ASSOCIATION_EVENING,
        "Yhdistysilta: avustukset ja käyttöselvitykset",
        ALL,
        "Ajankohtaista tietoa avustuskäytännöistä, neuvontaa hakemiseen ja raportointiin.",
    ),
    (
        3,
        Kind.GRANT_APPLICATION_PERIOD,
        "Kevytavustusten haku, kevät {year}",
        "Yhdistykset ja toimintaryhmät",
        "Kevytavustukset ovat myös neljännen sektorin toimintaryhmien haettavissa.",
    ),
    (
        4,
        Kind.GRANT_REPORTING_DEADLINE,
        "Edellisen vuoden avustusten käyttöselvitykset",
        ALL,
        "Avustuksen saaneet yhdistykset raportoivat avustuksen käytöstä.",
    ),
    (
        4,
        Kind.SPORTS_PARLIAMENT,
        "Seuraparlamentti, kevät {year}",
        SPORTS,
        "Kaupungin ja urheiluseurojen yhteistyön kehittäminen.",
    ),
    (5, Kind.WORKING_GROUP_MEETING, "Yhdistysyhteistyöryhmän kokous: avustuspalaute", GROUP, ""),
    (5, Kind.NEWSLETTER, "Yhdistysuutiskirje 2/{year}", ALL, "Kesän tapahtumat ja tilat."),
    (
        8,
        Kind.WORKSHOP,
        "Työpaja: hankeyhteistyö kaupungin kanssa",
        ALL,
        "Yhteiskehittämisen työpaja yhteisistä hankkeista ja kumppanuussopimuksista.",
    ),
    (9, Kind.WORKING_GROUP_MEETING, "Yhdistysyhteistyöryhmän kokous: syksyn asiat", GROUP, ""),
    # The autumn issue goes out in mid-September (the newsletter demo sends 3/2026 on 14.9.): one
    # entry, matched with the issue, instead of an August plan entry beside a September issue.
    (9, Kind.NEWSLETTER, "Yhdistysuutiskirje 3/{year}", ALL, "Syksyn avustushaut ja yhdistysilta."),
    (9, Kind.GRANT_APPLICATION_PERIOD, "Kevytavustusten haku, syksy {year}", "Yhdistykset ja toimintaryhmät", ""),
    (
        10,
        Kind.ASSOCIATION_EVENING,
        "Yhdistysilta: tilat ja yhteiskäyttötilat",
        ALL,
        "Tilojen varaaminen, yhteiskäyttötilat ja palautteen kerääminen.",
    ),
    (
        10,
        Kind.OTHER,
        "Yhdistyskysely: yhteistyön toimivuus",
        ALL,
        "Palautekysely yhdistysten kokemuksesta yhteistyön toimivuudesta ja vaikuttamismahdollisuuksista.",
    ),
    (11, Kind.SPORTS_PARLIAMENT, "Seuraparlamentti, syksy {year}", SPORTS, ""),
    (11, Kind.NEWSLETTER, "Yhdistysuutiskirje 4/{year}", ALL, "Seuraavan vuoden vuosikello ja avustushaut."),
    (
        12,
        Kind.WORKING_GROUP_MEETING,
        "Yhdistysyhteistyöryhmän kokous: vuoden arviointi",
        GROUP,
        "Ohjelman toteutumisen arviointi ja seuraavan vuoden vuosikello.",
    ),
]

# Exact dates already fixed: (year, title) → (start, end)
FIXED_DATES = {
    (2026, "Toiminta- ja kohdeavustusten haku 2026"): (dt.date(2026, 1, 7), dt.date(2026, 2, 6)),
    (2026, "Kevytavustusten haku, kevät 2026"): (dt.date(2026, 3, 2), dt.date(2026, 4, 30)),
    (2026, "Edellisen vuoden avustusten käyttöselvitykset"): (dt.date(2026, 4, 30), None),
    (2026, "Kevytavustusten haku, syksy 2026"): (dt.date(2026, 9, 1), dt.date(2026, 10, 31)),
    (2027, "Toiminta- ja kohdeavustusten haku 2027"): (dt.date(2027, 1, 7), dt.date(2027, 2, 5)),
    (2027, "Edellisen vuoden avustusten käyttöselvitykset"): (dt.date(2027, 4, 30), None),
}

PLACE = "Porin kaupungintalo, Hallituskatu 12, Pori"


def _forum(kind):
    forum = Forum.objects.filter(kind=kind).order_by("pk").first()
    if forum is None:
        name, slug = FORUMS[kind]
        forum, _created = Forum.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    return forum


def _aware(year, month, day, hour, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def _plan(year, plan=PLAN, fixed_dates=FIXED_DATES):
    entries = {}
    for month, kind, title, audience, description in plan:
        title = title.format(year=year, next=year + 1, previous=year - 1)
        start, end = fixed_dates.get((year, title), (None, None))
        entry, _created = ClockEntry.objects.update_or_create(
            year=year,
            kind=kind,
            title=title,
            defaults={
                "month": month,
                "audience": audience,
                "description": description,
                "start_date": start,
                "end_date": end,
                "state": ClockEntry.State.PUBLISHED,
            },
        )
        entries[(month, kind)] = entry
    return entries


def _meeting(*, entry, forum, title, starts_at, hours, **fields):
    meeting, _created = Meeting.objects.update_or_create(
        forum=forum,
        starts_at=starts_at,
        defaults={"title": title, "ends_at": starts_at + dt.timedelta(hours=hours), "clock_entry": entry, **fields},
    )
    return meeting


def load(*, stdout):
    if settings.CITY == "poznan":
        from annualclock import demo_poznan

        return demo_poznan.load(stdout=stdout)
    plan_2026 = _plan(2026)
    _plan(2027)
    working_group = _forum(Forum.Kind.WORKING_GROUP)
    evenings = _forum(Forum.Kind.ASSOCIATION_EVENING)
    parliament = _forum(Forum.Kind.SPORTS_PARLIAMENT)

    september = _aware(2026, 9, 15, 16)
    wg = _meeting(
        entry=plan_2026[(9, Kind.WORKING_GROUP_MEETING)],
        forum=working_group,
        title="Yhdistysyhteistyöryhmän kokous 3/2026",
        starts_at=september,
        hours=2,
        place=PLACE,
        agenda="1. Avustusperiaatteiden päivitys\n2. Yhteiskäyttötilojen palaute\n3. Yhdistysillan 8.10. ohjelma",
        minutes="Ryhmä hyväksyi avustusperiaatteiden päivitysehdotuksen jatkovalmisteluun ja kokosi "
        "yhteiskäyttötilojen palautteen. Yhdistysillan teemaksi valittiin tilat.",
        matters_handled=6,
        invited_at=september - dt.timedelta(days=14),
        invitation_lead_time=dt.timedelta(days=14),
        invited_late=False,
    )
    evening = _meeting(
        entry=plan_2026[(10, Kind.ASSOCIATION_EVENING)],
        forum=evenings,
        title="Yhdistysilta: tilat ja yhteiskäyttötilat",
        starts_at=_aware(2026, 10, 8, 17, 30),
        hours=2,
        place="Porin pääkirjasto, Gallen-Kallelan katu 12, Pori",
        agenda="Tilojen varaaminen portaalissa, yhteiskäyttötilat kouluilla ja kysely yhteistyön toimivuudesta.",
        minutes="Illassa oli mukana 34 osallistujaa 21 yhdistyksestä. Palautteet koottiin yhteiskäyttötilojen "
        "työryhmälle.",
        capacity=80,
        invited_at=_aware(2026, 9, 21, 9),
        invitation_lead_time=_aware(2026, 10, 8, 17, 30) - _aware(2026, 9, 21, 9),
        invited_late=False,
    )
    _meeting(
        entry=plan_2026[(11, Kind.SPORTS_PARLIAMENT)],
        forum=parliament,
        title="Seuraparlamentti, syksy 2026",
        starts_at=_aware(2026, 11, 26, 18),
        hours=2,
        place="Porin urheilutalo, Kuninkaanhaantie 25, Pori",
        online_url="https://teams.microsoft.com/l/meetup-join/seuraparlamentti-demo",
        agenda="1. Vuorojaon periaatteet kaudelle 2027\n2. Seurojen avustukset\n3. Yhteiset tapahtumat",
        capacity=60,
        invited_at=_aware(2026, 11, 12, 9),
        invitation_lead_time=_aware(2026, 11, 26, 18) - _aware(2026, 11, 12, 9),
        invited_late=False,
    )
    _meeting(
        entry=plan_2026[(12, Kind.WORKING_GROUP_MEETING)],
        forum=working_group,
        title="Yhdistysyhteistyöryhmän kokous 4/2026",
        starts_at=_aware(2026, 12, 10, 16),
        hours=2,
        place=PLACE,
        agenda="1. Ohjelman toteutumisen arviointi 2026\n2. Vuosikello 2027\n3. Mittarit",
    )

    # Past meetings had answers: the indicator "associations that took part" reads them.
    for index, association in enumerate(Association.objects.public().order_by("name")[:6]):
        for meeting, attendees in ((wg, 1), (evening, 2)):
            if meeting is wg and index > 2:
                continue
            MeetingResponse.objects.get_or_create(
                meeting=meeting,
                association=association,
                defaults={
                    "answer": MeetingResponse.Answer.ATTENDING,
                    "attendees": attendees,
                    "channel": MeetingResponse.Channel.EMAIL_LINK,
                },
            )

    finish_plan(stdout=stdout, editors="Vuosikello ja kokoukset")


def finish_plan(*, stdout, editors):
    """Match the plan with the other apps' dated items and give the editors' group its rights."""
    # Where the grants and newsletter apps already publish a round or an issue for a planned
    # month, their dated item stands for the plan entry (no date typed twice).
    matched = clock_entries_match_sources(entries=ClockEntry.objects.filter(year__in=[2026, 2027]))

    group, _created = Group.objects.get_or_create(name=editors)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="annualclock"))
    stdout.write(
        f"Annual clock: {ClockEntry.objects.filter(year__in=[2026, 2027]).count()} plan entries, "
        f"{Meeting.objects.count()} meetings, {matched} entries newly matched with other apps' dated items."
    )
