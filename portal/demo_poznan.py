"""Poznań's demo data for the portal core, in the shapes of ``portal.demo`` (which loads it when
``CITY=poznan``). Sources: seed 004, the programme of cooperation of resolution LVII/1066/VII/2017
(goal 3: the Poznań Council for Public Benefit and the Civic Dialogue Commissions; goal 6: the
councils of the osiedla, Poznań's auxiliary units, as service areas; goal 9: the support centre).

The people are invented and their addresses are on the reserved .example domain; the
coordinator uses the city profile's mailbox.
"""

from portal.models import Forum

# (name, short name): the City Hall's departments that cooperate with organisations.
DEPARTMENTS = [
    ("Gabinet Prezydenta", "GP"),
    ("Wydział Zdrowia i Spraw Społecznych", "ZSS"),
    ("Wydział Sportu", "WS"),
    ("Wydział Kultury", "WK"),
]
GABINET, ZDROWIE, SPORT, KULTURA = (name for name, _short in DEPARTMENTS)

# The whole city, the five traditional districts, and osiedla whose councils cooperate with
# organisations (goal 6 of the programme).
SERVICE_AREAS = [
    "Cały Poznań",
    "Stare Miasto",
    "Nowe Miasto",
    "Jeżyce",
    "Grunwald",
    "Wilda",
    "Osiedle Św. Łazarz",
    "Osiedle Rataje",
    "Osiedle Piątkowo",
    "Osiedle Winiary",
    "Osiedle Naramowice",
    "Osiedle Ostrów Tumski-Śródka-Zawady-Komandoria",
    "Osiedle Zielony Dębiec",
    "Osiedle Strzeszyn",
]

AGE_GROUPS = [
    ("Dzieci (0–12 lat)", 0, 12),
    ("Młodzież (13–25 lat)", 13, 25),
    ("Dorośli (26–59 lat)", 26, 59),
    ("Seniorzy (60+ lat)", 60, None),
    ("Wszystkie grupy wiekowe", None, None),
]

TOPICS = [
    ("wspolpraca", "Współpraca z organizacjami i doradztwo"),
    ("konkursy", "Otwarte konkursy ofert i dotacje"),
    ("lokale", "Lokale użytkowe na preferencyjnych warunkach"),
    ("patronaty", "Patronaty i listy rekomendacyjne"),
    ("inicjatywa-lokalna", "Inicjatywa lokalna"),
    ("konsultacje", "Konsultacje aktów prawa miejscowego"),
    ("sport", "Sport i kluby sportowe"),
    ("kultura", "Kultura"),
    ("spoleczne", "Zdrowie i sprawy społeczne"),
]

CONTACTS = [
    {
        "name": "Anna Nowicka",
        "title": "Koordynatorka współpracy z organizacjami pozarządowymi",
        "department": GABINET,
        "email": None,  # the city profile's coordinator mailbox
        "is_coordinator": True,
        "topics": ["wspolpraca", "konsultacje", "patronaty", "inicjatywa-lokalna"],
    },
    {
        "name": "Piotr Zieliński",
        "title": "Specjalista ds. otwartych konkursów ofert",
        "department": ZDROWIE,
        "email": "piotr.zielinski@poznan.example",
        "topics": ["konkursy", "spoleczne"],
    },
    {
        "name": "Katarzyna Wiśniewska",
        "title": "Inspektorka, współpraca z klubami sportowymi",
        "department": SPORT,
        "email": "katarzyna.wisniewska@poznan.example",
        "topics": ["sport", "konkursy"],
    },
    {
        "name": "Tomasz Kaczmarek",
        "title": "Specjalista ds. kultury",
        "department": KULTURA,
        "email": "tomasz.kaczmarek@poznan.example",
        "topics": ["kultura", "konkursy", "lokale"],
    },
]

# Seed 004, goal 3: the consultative and advisory bodies.
BODIES = [
    {
        "name": "Poznańska Rada Działalności Pożytku Publicznego",
        "slug": "poznanska-rada-dzialalnosci-pozytku-publicznego",
        "kind": Forum.Kind.WORKING_GROUP,
        "department": GABINET,
        "description": (
            "Poznańska Rada Działalności Pożytku Publicznego jest ciałem konsultacyjno-doradczym "
            "Prezydenta Miasta (art. 41e ustawy o działalności pożytku publicznego i o wolontariacie). "
            "Zasiadają w niej przedstawiciele organizacji pozarządowych, Rady Miasta i Prezydenta.\n\n"
            "Rada opiniuje projekt rocznego programu współpracy i sprawozdanie z jego realizacji, "
            "obejmuje patronatem przedsięwzięcia organizacji i współpracuje z Komisjami Dialogu "
            "Obywatelskiego."
        ),
    },
    {
        "name": "Komisja Dialogu Obywatelskiego ds. Sportu",
        "slug": "kdo-sport",
        "kind": Forum.Kind.SPORTS_PARLIAMENT,
        "department": SPORT,
        "description": (
            "Komisja Dialogu Obywatelskiego ds. Sportu skupia kluby i stowarzyszenia sportowe. "
            "Opiniuje ogłoszenia otwartych konkursów ofert w dziedzinie kultury fizycznej i "
            "przedstawia Miastu potrzeby środowiska."
        ),
    },
    {
        "name": "Komisja Dialogu Obywatelskiego ds. Kultury",
        "slug": "kdo-kultura",
        "kind": Forum.Kind.OTHER,
        "department": KULTURA,
        "description": (
            "Komisja Dialogu Obywatelskiego ds. Kultury jest forum organizacji pozarządowych "
            "działających w kulturze; konsultuje priorytety konkursów i projekty uchwał."
        ),
    },
    {
        "name": "Komisja Dialogu Obywatelskiego ds. Pomocy Społecznej",
        "slug": "kdo-pomoc-spoleczna",
        "kind": Forum.Kind.OTHER,
        "department": ZDROWIE,
        "description": (
            "Komisja Dialogu Obywatelskiego ds. Pomocy Społecznej skupia organizacje działające na "
            "rzecz osób i rodzin w trudnej sytuacji życiowej."
        ),
    },
    {
        "name": "Spotkania organizacji pozarządowych",
        "slug": "spotkania-organizacji",
        "kind": Forum.Kind.ASSOCIATION_EVENING,
        "department": GABINET,
        "description": (
            "Otwarte spotkania informacyjne dla organizacji: zmiany w konkursach ofert, "
            "sprawozdawczość i nowe formy współpracy."
        ),
    },
    {
        "name": "Warsztaty Poznańskiego Centrum Wspierania Organizacji Pozarządowych i Wolontariatu",
        "slug": "warsztaty-centrum-wspierania",
        "kind": Forum.Kind.WORKSHOP,
        "department": GABINET,
        "description": (
            "Szkolenia i doradztwo przy składaniu ofert i sprawozdań z realizacji zadań publicznych "
            "(cel 4 i 9 programu współpracy)."
        ),
    },
]

NETWORKS = [
    (
        "Unia Metropolii Polskich",
        GABINET,
        None,
        "https://metropolie.pl/",
        "Stowarzyszenie największych polskich miast, w którym Poznań współpracuje z innymi "
        "metropoliami także w sprawach organizacji pozarządowych i partycypacji.",
    ),
    (
        "Eurocities",
        GABINET,
        None,
        "https://eurocities.eu/",
        "Sieć dużych miast europejskich; Poznań wymienia w niej doświadczenia m.in. w dziedzinie "
        "włączenia społecznego i współpracy z mieszkańcami.",
    ),
]
