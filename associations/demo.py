"""Pori's demo registry: PRH's class distribution (seed 001) at a tenth of the scale.

Seed 001 counts Pori's associations by PRH class: political 101, professional 209, social and
health 129, culture 275, leisure 156, sports 252, religion 20, defence and international 38,
other 108, and 373 unclassified. The demo has about a tenth of each, with invented but
realistic Finnish names built from place names and kinds of association, a few informal groups
(neljäs sektori), events, and three partnership agreements. Idempotent: natural keys
(slug, title) and ``update_or_create``; the random choices come from a fixed seed.
"""

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone, translation
from django.utils.text import slugify

from associations.hearings import demo as hearings_demo
from associations.models import (
    Association,
    Event,
    FieldOfActivity,
    Language,
    Membership,
    PartnershipAgreement,
    PartnershipReview,
)
from associations.validators import business_id_check_digit
from portal.demo_names import translate
from portal.models import AgeGroup, ContactPerson, Department, ServiceArea

PRH = Association.PRHClass
# Seed 001's counts divided by ten (rounded), in the document's order.
DEMO_COUNTS = {
    PRH.POLITICAL: 10,
    PRH.PROFESSIONAL: 21,
    PRH.SOCIAL_HEALTH: 13,
    PRH.CULTURE: 28,
    PRH.LEISURE: 16,
    PRH.SPORTS: 25,
    PRH.RELIGION: 2,
    PRH.DEFENCE_INTERNATIONAL: 4,
    PRH.OTHER: 11,
    PRH.UNCLASSIFIED: 37,
}

LANGUAGES = [
    ("fi", "suomi", 1),
    ("sv", "ruotsi", 2),
    ("en", "englanti", 3),
    ("ru", "venäjä", 10),
    ("et", "viro", 11),
    ("ar", "arabia", 12),
    ("uk", "ukraina", 13),
    ("so", "somali", 14),
]

# The portal's own fields of activity: (main field, [subfields]).
FIELDS = [
    (
        "Liikunta ja urheilu",
        ["Palloilu", "Yleisurheilu", "Talviurheilu", "Vesiurheilu", "Kuntoliikunta", "Ratsastus", "Kamppailulajit"],
    ),
    ("Kulttuuri", ["Musiikki", "Teatteri", "Kuvataide", "Tanssi", "Kirjallisuus", "Kotiseututyö"]),
    ("Lapset ja nuoret", ["Nuorisotyö", "Partio", "Kerhotoiminta"]),
    ("Sosiaali- ja terveysala", ["Vertaistuki", "Potilas- ja vammaisjärjestöt", "Mielenterveys", "Päihdetyö"]),
    ("Ikäihmiset", ["Eläkeläistoiminta", "Senioriliikunta"]),
    ("Asukas- ja kylätoiminta", ["Kyläyhdistykset", "Asukasyhdistykset"]),
    ("Luonto ja ympäristö", ["Luonnonsuojelu", "Metsästys ja kalastus", "Puutarha"]),
    ("Monikulttuurisuus ja kansainvälisyys", ["Kotoutuminen", "Ystävyysseurat"]),
    ("Vaikuttaminen ja ammatit", ["Poliittinen toiminta", "Ammatti- ja elinkeinojärjestöt"]),
    ("Turvallisuus ja maanpuolustus", ["Vapaapalokunnat", "Maanpuolustus"]),
    ("Hengellinen toiminta", []),
]

# Place names in the genitive, with the service area they belong to.
PLACES = [
    ("Porin", "Koko Pori"),
    ("Porin", "Keskusta"),
    ("Noormarkun", "Noormarkku"),
    ("Länsi-Porin", "Länsi-Pori"),
    ("Itä-Porin", "Itä-Pori"),
    ("Pohjois-Porin", "Pohjois-Pori"),
    ("Etelä-Porin", "Etelä-Pori"),
    ("Ahlaisten", "Ahlainen"),
    ("Lavian", "Lavia"),
    ("Reposaaren", "Länsi-Pori"),
    ("Meri-Porin", "Länsi-Pori"),
    ("Pihlavan", "Länsi-Pori"),
    ("Väinölän", "Itä-Pori"),
    ("Toejoen", "Etelä-Pori"),
    ("Sampolan", "Pohjois-Pori"),
    ("Kuninkaanhaan", "Keskusta"),
    ("Satakunnan", "Koko Pori"),
]

# Per PRH class: name stems, fields of activity (subfield names), age groups (indexes into the
# portal's list), and a sentence to build a description from.
CLASS_PARTS = {
    PRH.POLITICAL: (
        [
            "Sosialidemokraatit",
            "Kokoomus",
            "Keskusta",
            "Vihreät",
            "Vasemmistoliitto",
            "Perussuomalaiset",
            "Kristillisdemokraatit",
            "Nuorsuomalaiset",
            "Demarinuoret",
            "Kokoomusnuoret",
        ],
        ["Poliittinen toiminta"],
        [2, 3],
        "Paikallista poliittista toimintaa, keskustelutilaisuuksia ja vaikuttamista {place_loc}.",
    ),
    PRH.PROFESSIONAL: (
        [
            "Yrittäjät",
            "Kauppiasyhdistys",
            "Insinöörit",
            "Opettajat",
            "Sairaanhoitajat",
            "Ekonomit",
            "Rakennusmestarit",
            "Maanviljelijät",
            "Kalastajat",
            "Metsänhoitoyhdistys",
            "Taksiyrittäjät",
            "Kampaajat",
            "Lähihoitajat",
            "Tradenomit",
            "Merimiesyhdistys",
            "Satamatyöntekijät",
            "Kirjanpitäjät",
            "Agronomit",
            "Metallityöväen ammattiosasto",
            "Kunta-alan ammattiosasto",
            "Eläinlääkärit",
        ],
        ["Ammatti- ja elinkeinojärjestöt"],
        [2],
        "Jäsentensä ammatillista yhteistyötä, koulutusta ja edunvalvontaa {place_loc}.",
    ),
    PRH.SOCIAL_HEALTH: (
        [
            "Sydänyhdistys",
            "Mielenterveysseura",
            "Reumayhdistys",
            "Diabetesyhdistys",
            "Näkövammaiset",
            "Omaishoitajat",
            "Kuuloyhdistys",
            "Syöpäyhdistys",
            "Muistiyhdistys",
            "Invalidit",
            "Hengitysyhdistys",
            "AA-ryhmien tuki",
            "Ensi- ja turvakoti",
        ],
        ["Vertaistuki", "Potilas- ja vammaisjärjestöt", "Mielenterveys"],
        [2, 3],
        "Vertaistukea, tietoa ja virkistystä jäsenille ja heidän läheisilleen {place_loc}.",
    ),
    PRH.CULTURE: (
        [
            "Mieslaulajat",
            "Naiskuoro",
            "Teatteriyhdistys",
            "Kuvataideyhdistys",
            "Jazzkerho",
            "Kotiseutuyhdistys",
            "Kirjailijat",
            "Kansantanssijat",
            "Puhallinorkesteri",
            "Nuorisoseura",
            "Elokuvakerho",
            "Soitinyhtye",
            "Työväen näyttämö",
            "Taidekoulun tuki",
            "Balettikoulu",
            "Rock-yhdistys",
            "Kamarikuoro",
            "Runoyhdistys",
            "Valokuvataiteilijat",
            "Kesäteatteri",
            "Museoyhdistys",
            "Harmonikkakerho",
            "Lausujat",
            "Kulttuuriyhdistys",
            "Taideyhdistys",
            "Kansanmusiikkiyhdistys",
            "Sarjakuvaseura",
            "Gospelkuoro",
        ],
        ["Musiikki", "Teatteri", "Kuvataide", "Tanssi", "Kirjallisuus", "Kotiseututyö"],
        [0, 1, 4],
        "Harrastustoimintaa, esityksiä ja tapahtumia kaikenikäisille {place_loc}.",
    ),
    PRH.LEISURE: (
        [
            "Kalastusseura",
            "Metsästysseura",
            "Partiolaiset",
            "Marttayhdistys",
            "Shakkikerho",
            "Valokuvaajat",
            "Puutarhaseura",
            "Koiraharrastajat",
            "Veneilijät",
            "Mopoharrastajat",
            "Lintuharrastajat",
            "Pienoismallikerho",
            "Retkeilijät",
            "Sienikerho",
            "Käsityökerho",
            "Autoharrastajat",
        ],
        ["Metsästys ja kalastus", "Partio", "Puutarha", "Kerhotoiminta"],
        [0, 1, 2, 3],
        "Vapaa-ajan harrastustoimintaa, retkiä ja talkoita {place_loc}.",
    ),
    PRH.SPORTS: (
        [
            "Palloseura",
            "Yleisurheilijat",
            "Uimarit",
            "Hiihtäjät",
            "Salibandyseura",
            "Tennisseura",
            "Ratsastajat",
            "Melojat",
            "Voimistelijat",
            "Painijat",
            "Nyrkkeilijät",
            "Suunnistajat",
            "Pyöräilijät",
            "Golfseura",
            "Jousiampujat",
            "Keilaajat",
            "Lentopalloseura",
            "Koripalloseura",
            "Jalkapalloseura",
            "Taitoluistelijat",
            "Sulkapalloseura",
            "Kuntourheilijat",
            "Judoseura",
            "Purjehtijat",
            "Soutajat",
        ],
        ["Palloilu", "Yleisurheilu", "Talviurheilu", "Vesiurheilu", "Kuntoliikunta", "Kamppailulajit"],
        [0, 1, 2],
        "Liikuntaa ja kilpailutoimintaa lapsille, nuorille ja aikuisille {place_loc}.",
    ),
    PRH.RELIGION: (
        ["Rauhanyhdistys", "Ortodoksinen nuoriso"],
        ["Hengellinen toiminta"],
        [4],
        "Hengellistä toimintaa, kerhoja ja tilaisuuksia {place_loc}.",
    ),
    PRH.DEFENCE_INTERNATIONAL: (
        ["Reserviläiset", "Reserviupseerit", "YK-yhdistys", "Ystävyysseurat"],
        ["Maanpuolustus", "Ystävyysseurat"],
        [2, 3],
        "Maanpuolustustyötä ja kansainvälistä yhteistyötä {place_loc}.",
    ),
    PRH.OTHER: (
        [
            "Omakotiyhdistys",
            "Kiinteistöyhdistys",
            "Vapaapalokunta",
            "Kylätalosäätiön tuki",
            "Venekerho",
            "Kalastuskunta",
            "Tiekunta",
            "Vesiosuuskunnan tuki",
            "Kyläkoulun tuki",
            "Lions Club",
            "Rotaryklubi",
        ],
        ["Vapaapalokunnat", "Asukasyhdistykset"],
        [4],
        "Yhteistä toimintaa asukkaiden ja jäsenten hyväksi {place_loc}.",
    ),
    PRH.UNCLASSIFIED: (
        [
            "Kyläyhdistys",
            "Asukasyhdistys",
            "Kotiseutuseura",
            "Nuorisoyhdistys",
            "Eläkeläiset",
            "Perheyhdistys",
            "Vanhempainyhdistys",
            "Kyläkerho",
            "Työväenyhdistys",
            "Maamiesseura",
            "Seniorit",
            "Setlementti",
            "Monikulttuurinen yhdistys",
            "Luonnonsuojeluyhdistys",
            "Ympäristöyhdistys",
        ],
        ["Kyläyhdistykset", "Asukasyhdistykset", "Eläkeläistoiminta", "Kotoutuminen", "Luonnonsuojelu"],
        [0, 3, 4],
        "Yhteisöllistä toimintaa, tapahtumia ja talkoita {place_loc}.",
    ),
}

# The associations the issue and the demos talk about, with fuller profiles.
SIGNATURE = [
    {
        "name": "Porin Karhut ry",
        "prh_class": PRH.SPORTS,
        "place": ("Porin", "Keskusta"),
        "fields": ["Talviurheilu", "Palloilu"],
        "ages": [0, 1],
        "languages": ["fi", "sv", "en"],
        "founded_year": 1967,
        "website": "https://karhut.example",
        "email": "info@karhut.example",
        "phone": "+358 40 123 4567",
        "description": (
            "Porin Karhut on porilainen jääkiekko- ja taitoluisteluseura. Junioritoiminnassa on yli 300 "
            "lasta ja nuorta.\n\n- Luistelukoulu 4–8-vuotiaille\n- Harrastekiekko aikuisille\n"
            "- Joulunäytös Isomäen jäähallissa"
        ),
    },
    {
        "name": "Noormarkun Nuorisoseura ry",
        "prh_class": PRH.CULTURE,
        "place": ("Noormarkun", "Noormarkku"),
        "fields": ["Teatteri", "Tanssi", "Nuorisotyö"],
        "ages": [0, 1, 4],
        "languages": ["fi"],
        "founded_year": 1905,
        "email": "nuorisoseura@noormarkku.example",
        "description": (
            "Nuorisoseura ylläpitää Noormarkun seurantaloa ja järjestää kesäteatteria, kansantanssia ja "
            "lasten sirkuskerhoa."
        ),
    },
    {
        "name": "Länsi-Porin Eläkeläiset ry",
        "prh_class": PRH.SOCIAL_HEALTH,
        "place": ("Länsi-Porin", "Länsi-Pori"),
        "fields": ["Eläkeläistoiminta", "Senioriliikunta"],
        "ages": [3],
        "languages": ["fi", "sv"],
        "founded_year": 1978,
        "email": "elakelaiset@lansipori.example",
        "description": "Kerhoja, retkiä ja tuolijumppaa Länsi-Porin eläkeläisille. Uudet jäsenet ovat tervetulleita!",
    },
]

INFORMAL_GROUPS = [
    ("Väinölän pihatalkooporukka", True, "Itä-Pori", "Siivoamme ja istutamme kortteleiden pihoja keväisin."),
    ("Lavian neulekahvila", True, "Lavia", "Neulotaan ja jutellaan kirjaston kahvilassa torstaisin."),
    ("Itä-Porin nuorten bändiporukka", True, "Itä-Pori", "Nuorten bändi, joka etsii harjoitustilaa."),
    ("Reposaaren rantakahvilan tukijat", False, "Länsi-Pori", "Kesäkahvila vapaaehtoisvoimin."),
    ("Kuninkaanhaan lukupiiri", True, "Keskusta", "Lukupiiri kokoontuu kerran kuussa kirjastossa."),
    ("Ukrainalaisten äitien vertaisryhmä", False, "Koko Pori", "Vertaistukea ja suomen kielen harjoittelua."),
]

EVENTS = [
    # (association, title, days from today, start time, days long, place, kind, description)
    (
        "Porin Karhut ry",
        "Karhujen joulunäytös",
        21,
        "17:00",
        0,
        "Isomäen jäähalli",
        "event",
        "Taitoluistelijoiden perinteinen joulunäytös. Vapaa pääsy.",
    ),
    (
        "Porin Karhut ry",
        "Luistelukoulun kevätkausi alkaa",
        50,
        "16:30",
        0,
        "Isomäen jäähalli",
        "event",
        "Ilmoittautuminen seuran verkkosivuilla.",
    ),
    (
        "Noormarkun Nuorisoseura ry",
        "Joulukuvaelma seurantalolla",
        24,
        "18:00",
        0,
        "Noormarkun seurantalo",
        "event",
        "Lasten ja nuorten joulukuvaelma ja puuro.",
    ),
    (
        "Noormarkun Nuorisoseura ry",
        "Kesäteatterin koe-esiintymiset",
        95,
        None,
        1,
        "Noormarkun seurantalo",
        "event",
        "Kaikki yli 12-vuotiaat tervetulleita.",
    ),
    (
        "Länsi-Porin Eläkeläiset ry",
        "Tuolijumppa ja kahvit",
        5,
        "10:00",
        0,
        "Länsi-Porin palvelutalo",
        "event",
        "Joka toinen tiistai.",
    ),
    (
        "Länsi-Porin Eläkeläiset ry",
        "Ikäihmisten digitaidot -hanke",
        -60,
        None,
        150,
        "Länsi-Porin kirjasto",
        "project",
        "Vapaaehtoiset opastavat puhelimen ja tabletin käytössä.",
    ),
]
PENDING_EVENT = ("Porin Karhut ry", "Kiekkokoulun avoimet ovet", 40, "12:00", "Isomäen jäähalli")

AGREEMENTS = [
    {
        "association": "Porin Karhut ry",
        "department": "Sivistystoimiala",
        "responsible": "Laura Heikkilä",
        "title": "Liikuntakumppanuus: lasten ja nuorten luistelukoulu",
        "initiated_by": PartnershipAgreement.InitiatedBy.ASSOCIATION,
        "goals": "- Matalan kynnyksen luistelukoulu 4–12-vuotiaille\n- Vuorot yhteiskäyttötiloissa\n"
        "- Ohjaajakoulutus yhdessä kaupungin kanssa",
        "valid_from": dt.date(2025, 1, 1),
        "valid_until": dt.date(2027, 12, 31),
        "reviews": [(dt.date(2026, 2, 10), "Kausi sujui hyvin; lisävuoroja toivotaan.", dt.date(2027, 2, 15))],
    },
    {
        "association": "Noormarkun Nuorisoseura ry",
        "department": "Sivistystoimiala",
        "responsible": "Emilia Mäkelä",
        "title": "Kulttuurikumppanuus: Noormarkun kesäteatteri",
        "initiated_by": PartnershipAgreement.InitiatedBy.TRUSTEE,
        "goals": "Kesäteatteri ja lasten teatterileiri Noormarkussa; seurantalo avoinna kylän tapahtumille.",
        "valid_from": dt.date(2026, 1, 1),
        "valid_until": dt.date(2028, 12, 31),
        "reviews": [],
    },
    {
        "association": "Länsi-Porin Eläkeläiset ry",
        "department": "Hyvinvointi ja osallisuus",
        "responsible": "Kaisa Laine",
        "title": "Hyvinvointikumppanuus: ikäihmisten liikuntaryhmät",
        "initiated_by": PartnershipAgreement.InitiatedBy.STAFF,
        "goals": "Viikoittaiset liikunta- ja kerhoryhmät Länsi-Porissa; yksinäisyyden ehkäisy.",
        "valid_from": dt.date(2024, 6, 1),
        "valid_until": dt.date(2026, 12, 31),
        "reviews": [(dt.date(2025, 9, 1), "Ryhmät täynnä, uusi ryhmä syksyllä.", dt.date(2026, 9, 1))],
    },
]

STAFF_PERMISSIONS = ("association", "membership", "event", "partnershipagreement", "partnershipreview")


# Sports clubs get the fields of their own sport (a tennis club is not a winter sport); other
# stems keep the random choice. The random draw still happens, so the rest of the demo is unchanged.
STEM_FIELDS = {
    "Palloseura": ["Palloilu"],
    "Yleisurheilijat": ["Yleisurheilu"],
    "Uimarit": ["Vesiurheilu"],
    "Hiihtäjät": ["Talviurheilu"],
    "Salibandyseura": ["Palloilu"],
    "Tennisseura": ["Palloilu"],
    "Melojat": ["Vesiurheilu"],
    "Voimistelijat": ["Kuntoliikunta"],
    "Painijat": ["Kamppailulajit"],
    "Nyrkkeilijät": ["Kamppailulajit"],
    "Suunnistajat": ["Kuntoliikunta"],
    "Pyöräilijät": ["Kuntoliikunta"],
    "Golfseura": ["Kuntoliikunta"],
    "Jousiampujat": ["Kuntoliikunta"],
    "Keilaajat": ["Kuntoliikunta"],
    "Lentopalloseura": ["Palloilu"],
    "Koripalloseura": ["Palloilu"],
    "Jalkapalloseura": ["Palloilu"],
    "Taitoluistelijat": ["Talviurheilu"],
    "Sulkapalloseura": ["Palloilu"],
    "Kuntourheilijat": ["Kuntoliikunta"],
    "Judoseura": ["Kamppailulajit"],
    "Purjehtijat": ["Vesiurheilu"],
    "Soutajat": ["Vesiurheilu"],
}


def _fields_for(name, drawn):
    for stem, fields in STEM_FIELDS.items():
        if f" {stem} " in name:
            return fields
    return drawn


def load(*, stdout):
    # City-managed names are written and looked up in the city's own language (modeltranslation).
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        _load(stdout=stdout)


def _load(*, stdout):
    if settings.CITY == "poznan":
        from associations import demo_poznan

        demo_poznan.load(stdout=stdout)
        _staff_permissions()
        return
    rng = random.Random(20260420)  # the programme's date: the same demo every time
    languages = _languages()
    fields = _fields()
    areas = {a.name: a for a in ServiceArea.objects.all()}
    ages = list(AgeGroup.objects.all())
    used_numbers = set(Association.objects.exclude(register_number="").values_list("register_number", flat=True))

    def put(name, prh_class, place, field_names, age_indexes, language_codes, extra):
        slug = slugify(name)
        own = random.Random(slug)  # per-entry choices: the same on every run, whatever exists already
        existing = Association.objects.filter(slug=slug).first()
        defaults = {
            "name": name,
            "kind": extra.pop("kind", Association.Kind.REGISTERED),
            "prh_class": prh_class,
            "moderation_state": Association.ModerationState.APPROVED,
            **extra,
        }
        if existing is None:
            if defaults["kind"] == Association.Kind.REGISTERED:
                defaults["register_number"] = _register_number(own, used_numbers)
                if own.random() < 0.35:
                    defaults["business_id"] = _business_id(own)
            defaults.setdefault("founded_year", own.randint(1890, 2022))
            defaults.setdefault("last_confirmed_on", timezone.localdate() - dt.timedelta(days=own.randint(10, 600)))
        association, _created = Association.objects.update_or_create(slug=slug, defaults=defaults)
        association.fields_of_activity.set([fields[f] for f in field_names if f in fields])
        area_names = [place[1]] if place else []
        association.service_areas.set([areas[n] for n in area_names if n in areas])
        association.age_groups.set([ages[i] for i in age_indexes if i < len(ages)])
        association.languages.set([languages[c] for c in language_codes])
        return association

    signature_names = set()
    for data in SIGNATURE:
        data = dict(data)
        name = data.pop("name")
        signature_names.add(name)
        put(
            name,
            data.pop("prh_class"),
            data.pop("place"),
            data.pop("fields"),
            data.pop("ages"),
            data.pop("languages"),
            data,
        )

    for prh_class, count in DEMO_COUNTS.items():
        stems, field_names, age_indexes, sentence = CLASS_PARTS[prh_class]
        have = sum(1 for d in SIGNATURE if d["prh_class"] == prh_class)
        names = _names(rng, stems, count - have, taken=signature_names)
        for name, place in names:
            description = sentence.format(place_loc=_locative(place[0]))
            language_codes = ["fi"] + (["sv"] if rng.random() < 0.15 else []) + (["en"] if rng.random() < 0.1 else [])
            put(
                name,
                prh_class,
                place,
                _fields_for(name, rng.sample(field_names, k=min(len(field_names), rng.randint(1, 2)))),
                rng.sample(age_indexes, k=min(len(age_indexes), rng.randint(1, 2))),
                language_codes,
                {"description": description, "email": f"{slugify(name)[:40]}@yhdistys.example"},
            )

    for name, is_public, area, description in INFORMAL_GROUPS:
        put(
            name,
            PRH.UNCLASSIFIED,
            (None, area),
            ["Kerhotoiminta"],
            [4],
            ["fi"],
            {"kind": Association.Kind.INFORMAL, "is_public": is_public, "description": description},
        )

    _events()
    _agreements(stdout)
    _demo_representative()
    _staff_permissions()
    hearings_demo.load(stdout=stdout)
    stdout.write(
        f"  {Association.objects.count()} associations ({Association.objects.public().count()} public), "
        f"{Event.objects.count()} events, {PartnershipAgreement.objects.count()} partnership agreements."
    )


def _languages():
    return {
        code: Language.objects.update_or_create(code=code, defaults={"name": name, "order": order})[0]
        for code, name, order in LANGUAGES
    }


def _fields():
    by_name = {}
    for order, (main_name, children) in enumerate(FIELDS):
        main, _ = FieldOfActivity.objects.update_or_create(
            slug=slugify(main_name), defaults={"name": main_name, "parent": None, "order": order}
        )
        translate(main)
        by_name[main_name] = main
        for child_order, child_name in enumerate(children):
            child, _ = FieldOfActivity.objects.update_or_create(
                slug=slugify(child_name), defaults={"name": child_name, "parent": main, "order": child_order}
            )
            translate(child)
            by_name[child_name] = child
    return by_name


def _names(rng, stems, count, *, taken):
    """``count`` unique names "<place> <stem> ry", the commonest place (Pori) most often."""
    result, seen, attempts = [], set(taken), 0
    weighted_places = PLACES[:2] * 4 + PLACES[2:]
    while len(result) < count and attempts < 10_000:
        attempts += 1
        place = rng.choice(weighted_places)
        name = f"{place[0]} {rng.choice(stems)} ry"
        if name not in seen:
            seen.add(name)
            result.append((name, place))
    return result


def _locative(genitive):
    """ "Porin" → "Porissa", "Noormarkun" → "Noormarkussa": good enough for the demo's places."""
    special = {"Satakunnan": "Satakunnassa", "Ahlaisten": "Ahlaisissa", "Lavian": "Laviassa"}
    if genitive in special:
        return special[genitive]
    stem = genitive[:-1]
    if stem.endswith("Pori"):
        return f"{stem}ssa"
    if stem.endswith("ku"):
        return f"{stem[:-2]}kussa"
    back = any(v in stem.lower() for v in "aou")
    return f"{stem}{'ssa' if back else 'ssä'}"


def _register_number(rng, used):
    while True:
        number = rng.randint(100_000, 230_000)
        text = f"{number // 1000}.{number % 1000:03d}"
        if text not in used:
            used.add(text)
            return text


def _business_id(rng):
    while True:
        digits = f"{rng.randint(1_000_000, 3_400_000):07d}"
        check = business_id_check_digit(digits)
        candidate = f"{digits}-{check}"
        if check is not None and not Association.objects.filter(business_id=candidate).exists():
            return candidate


def _events():
    today = timezone.localdate()
    by_name = {a.name: a for a in Association.objects.filter(name__in={e[0] for e in EVENTS} | {PENDING_EVENT[0]})}
    for name, title, offset, start, length, place, kind, description in EVENTS:
        association = by_name.get(name)
        if association is None:
            continue
        start_date = today + dt.timedelta(days=offset)
        Event.objects.update_or_create(
            association=association,
            title=title,
            defaults={
                "kind": kind,
                "start_date": start_date,
                "start_time": dt.time.fromisoformat(start) if start else None,
                "end_date": start_date + dt.timedelta(days=length) if length else None,
                "place": place,
                "description": description,
                "moderation_state": Event.ModerationState.APPROVED,
                "report": "Kymmenet ikäihmiset oppivat videopuhelut ja pankkiasioinnin." if kind == "project" else "",
            },
        )
    name, title, offset, start, place = PENDING_EVENT
    if name in by_name:
        Event.objects.update_or_create(
            association=by_name[name],
            title=title,
            defaults={
                "start_date": today + dt.timedelta(days=offset),
                "start_time": dt.time.fromisoformat(start),
                "place": place,
                "moderation_state": Event.ModerationState.PENDING,
            },
        )


def _agreements(stdout):
    for data in AGREEMENTS:
        association = Association.objects.filter(name=data["association"]).first()
        department = Department.objects.filter(name=data["department"]).first()
        person = ContactPerson.objects.filter(name=data["responsible"]).first()
        if not (association and department and person):
            stdout.write(f"  Skipped the agreement {data['title']!r}: load portal's demo data first.")
            continue
        agreement, _created = PartnershipAgreement.objects.update_or_create(
            association=association,
            title=data["title"],
            defaults={
                "department": department,
                "responsible_person": person,
                "initiated_by": data["initiated_by"],
                "goals": data["goals"],
                "valid_from": data["valid_from"],
                "valid_until": data["valid_until"],
                "is_public": True,
            },
        )
        for held_on, notes, next_due_on in data["reviews"]:
            PartnershipReview.objects.update_or_create(
                agreement=agreement, held_on=held_on, defaults={"notes": notes, "next_due_on": next_due_on}
            )


def _demo_representative():
    """One representative of two associations, to show the "I act for …" chooser.

    No password is set: the admin sets one (or the person resets it) before signing in.
    """
    user_model = get_user_model()
    email = "edustaja@karhut.example"
    user, created = user_model.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    now = timezone.now()
    for name, role in (
        ("Porin Karhut ry", Membership.Role.ADMIN),
        ("Noormarkun Nuorisoseura ry", Membership.Role.MEMBER),
    ):
        association = Association.objects.filter(name=name).first()
        if association:
            Membership.objects.get_or_create(
                user=user,
                association=association,
                defaults={"role": role, "state": Membership.State.APPROVED, "approved_at": now},
            )


def _staff_permissions():
    """Department staff moderate the registry in the admin; agreements stay scoped by department."""
    perms = list(
        Permission.objects.filter(content_type__app_label="associations", content_type__model__in=STAFF_PERMISSIONS)
    )
    for department in Department.objects.exclude(staff_group=None).select_related("staff_group"):
        department.staff_group.permissions.add(*perms)
