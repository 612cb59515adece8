"""Demo data: Pori's association newsletter ("Yhdistysuutiskirje", as the site and the clock call it).

Seed 000: the newsletter is published four times a year and gathers the key matters of
cooperation. The 2026 issues follow the year of the new programme (approved by the city board
20.4.2026); the first quarter of 2027 is a draft for staff to assemble and edit. Subscribers are
made-up addresses on example domains, joined over 2025–2026 so the indicators have a history.
Idempotent: issues by (year, quarter, language), subscribers by (e-mail, request time).

Grant dates are never typed here: ``{grant_dates}`` in a body becomes the grant calls and report
deadlines the city's calendar (the grants app's rounds, the annual clock's plan) has in the
issue's three months, so the newsletter and the clock cannot disagree. ``finish`` fills them
again once the annual clock's demo has loaded.
"""

import datetime as dt

from django.utils import timezone, translation

from newsletter.consent import CONSENT_VERSION
from newsletter.models import Issue, Subscriber, SubscriberTopic, Topic
from newsletter.services.drafting import markdown_line, without_replaced
from portal.registries import calendar_items

GRANT_DATES = "{grant_dates}"
GRANT_KINDS = ("grant_application_period", "grant_round", "grant_reporting_deadline")
NO_GRANT_DATES = {
    "fi": "- Avustusten haku- ja raportointiajat näet portaalin vuosikellosta.",
    "sv": "- Tiderna för bidragsansökningar och redovisningar finns i portalens årsklocka.",
}

ISSUES = [
    {
        "year": 2026,
        "quarter": 1,
        "language": "fi",
        "planned_date": dt.date(2026, 2, 16),
        "sent": (2026, 2, 16, 9, 0),
        "subject": "Yhdistysuutiskirje 1/2026: uusi yhdistysyhteistyöohjelma tekeillä",
        "preheader": "Ohjelmaluonnos, kevään avustushaut ja maaliskuun yhdistysilta",
        "body": """Hyvä yhdistystoimija,

tervetuloa vuoden ensimmäisen yhdistysuutiskirjeen pariin.

## Yhdistysyhteistyöohjelma 2026–2029

Porin kaupungin uusi yhdistysyhteistyöohjelma on valmisteilla. Ohjelmaa on valmisteltu
keväällä 2025 järjestetyn yhdistysillan ja työpajan palautteiden pohjalta yhdessä
yhdistysyhteistyöryhmän kanssa. Ohjelman painopisteet ovat **yhteistyö ja
yhteiskehittäminen**, **tilat**, **avustukset** ja **viestintä**.

## Avustukset

{grant_dates}
- **Kevytavustus** sopii myös rekisteröimättömille ryhmille (neljäs sektori).
- Neuvontaa hakemiseen ja raportointiin saa avustusten yhteyshenkilöiltä.

## Tulossa

- **Maaliskuu:** yhdistysilta, teemana vapaaehtoistoiminnan uudet muodot
- **Maaliskuu:** Seuraparlamentti kokoontuu

Kysyttävää? Yhdistysyhteyshenkilö ohjaa oikealle asiantuntijalle myös silloin, kun aiempaa
yhteyttä kaupunkiin ei ole.
""",
    },
    {
        "year": 2026,
        "quarter": 2,
        "language": "fi",
        "planned_date": dt.date(2026, 5, 18),
        "sent": (2026, 5, 18, 9, 0),
        "subject": "Yhdistysuutiskirje 2/2026: yhdistysyhteistyöohjelma hyväksytty",
        "preheader": "Kaupunginhallitus hyväksyi ohjelman 20.4.2026 – mitä se tarkoittaa yhdistyksille",
        "body": """Hyvä yhdistystoimija,

kaupunginhallitus hyväksyi **yhdistysyhteistyöohjelman 2026–2029** 20.4.2026.

## Mitä ohjelma lupaa

- Yhdistysyhteistyöryhmä kokoontuu säännöllisesti.
- Kumppanuussopimusten vastuuhenkilöt käyvät vuosittain kumppanuuskeskustelut.
- Yhteiskäyttötilojen varaaminen tehdään sujuvaksi ja tiedot tiloista helposti löydettäviksi.
- Avustusten haku- ja raportointiohjeet sekä päätökset ovat nähtävillä verkkosivuilla.
- Yhdistysuutiskirje ilmestyy neljä kertaa vuodessa.

## Lähellä.fi

Ilmoita yhdistyksesi tapahtumat Lähellä.fi-palvelussa, niin ne näkyvät myös kaupungin
sivuilla.

## Kesän tilat

Koulujen liikuntasalit ja muut yhteiskäyttötilat ovat yhdistysten varattavissa myös kesällä.
""",
    },
    {
        "year": 2026,
        "quarter": 2,
        "language": "sv",
        "translation_of": (2026, 2, "fi"),
        "planned_date": dt.date(2026, 5, 18),
        "sent": (2026, 5, 18, 9, 0),
        "subject": "Nyhetsbrev för föreningar 2/2026: programmet för föreningssamarbete godkänt",
        "preheader": "Stadsstyrelsen godkände programmet 20.4.2026",
        "body": """Bästa föreningsaktör,

stadsstyrelsen godkände **programmet för föreningssamarbete 2026–2029** den 20 april 2026.

## Vad programmet lovar

- Arbetsgruppen för föreningssamarbete sammanträder regelbundet.
- Nyhetsbrevet för föreningar kommer ut fyra gånger om året.
- Information om stadens lokaler blir lätt att hitta.
""",
    },
    {
        "year": 2026,
        "quarter": 3,
        "language": "fi",
        "planned_date": dt.date(2026, 9, 14),
        "sent": (2026, 9, 14, 9, 0),
        "subject": "Yhdistysuutiskirje 3/2026: syksyn avustushaut ja yhdistysilta",
        "preheader": "Syksyn haut, kumppanuuskeskustelut ja lokakuun yhdistysilta",
        "body": """Hyvä yhdistystoimija,

syksy tuo mukanaan uudet avustushaut ja yhdistysillan.

## Avustukset

{grant_dates}

## Yhteistyö

- Kumppanuuskeskustelut käydään syksyn aikana jokaisen kumppanuussopimuksen osalta.
- **Lokakuu:** yhdistysilta, teemana avustuskäytännöt.

## Tilat

Yhteiskäyttötilojen kevätkauden vakiovuorot ovat haettavissa marraskuussa.
""",
    },
    {
        "year": 2026,
        "quarter": 4,
        "language": "fi",
        "planned_date": dt.date(2026, 11, 25),
        "scheduled": (2026, 11, 25, 9, 0),
        "subject": "Yhdistysuutiskirje 4/2026: vuosikello 2027 ja joulun tapahtumat",
        "preheader": "Ensi vuoden vuosikello, kevään haut ja joulukuun tapahtumat",
        "body": """Hyvä yhdistystoimija,

vuosi 2026 lähestyy loppuaan. Tässä kirjeessä kurkistamme ensi vuoteen.

## Vuosikello 2027

Yhdistysyhteistyön vuosikello 2027 on julkaistu portaalissa: siitä näet avustusten haku- ja
raportointiajat, yhdistysillat, työpajat ja uutiskirjeiden ajankohdat.

## Avustukset

{grant_dates}

## Palautetta

Kerro, miten yhteistyö on sujunut: vastaa yhdistyksille suunnattuun palautekyselyyn.
""",
    },
    {"year": 2027, "quarter": 1, "language": "fi", "planned_date": dt.date(2027, 2, 15)},
    {"year": 2027, "quarter": 2, "language": "fi", "planned_date": dt.date(2027, 5, 17)},
    {"year": 2027, "quarter": 3, "language": "fi", "planned_date": dt.date(2027, 9, 13)},
    {"year": 2027, "quarter": 4, "language": "fi", "planned_date": dt.date(2027, 11, 22)},
]

# (local part, domain, language, topics, confirmed (y, m, d), unsubscribed (y, m, d) or None)
SUBSCRIBERS = [
    ("sihteeri", "porinkarhut.example", "fi", ["grants", "facilities", "events"], (2025, 3, 4), None),
    ("puheenjohtaja", "porinkarhut.example", "fi", list(Topic.values), (2025, 3, 4), None),
    ("rahastonhoitaja", "meri-porinmartat.example", "fi", ["grants"], (2025, 5, 20), None),
    ("info", "porinkuorot.example", "fi", ["events", "training"], (2025, 8, 12), None),
    ("hallitus", "satakunnanpartio.example", "fi", list(Topic.values), (2025, 9, 1), None),
    ("kanslia", "porinseurakunnat.example", "fi", ["cooperation", "events"], (2025, 10, 2), (2026, 3, 1)),
    ("styrelsen", "bjorneborgssvenskar.example", "sv", ["events", "grants"], (2025, 11, 15), None),
    ("contact", "porimulticultural.example", "en", ["training", "events"], (2026, 1, 20), None),
    ("toiminta", "reposaarenkyla.example", "fi", ["facilities"], (2026, 2, 16), None),
    ("nuoret", "porinnuorisoseura.example", "fi", ["grants", "facilities"], (2026, 4, 22), None),
    ("liikunta", "porinpesis.example", "fi", ["facilities", "grants"], (2026, 5, 18), None),
    ("vapaaehtoiset", "porinsprkl.example", "fi", ["training"], (2026, 6, 3), (2026, 10, 9)),
    ("yhdistys", "ahlaistenkyla.example", "fi", ["cooperation"], (2026, 9, 14), None),
    ("sihteeri", "porinshakki.example", "fi", ["events"], (2026, 10, 30), None),
]


def grant_dates(*, issue):
    """The grant calls and report deadlines on the city's calendar in the issue's three months,
    as Markdown lines in the issue's language (as the annual clock shows them)."""
    start, end = issue.coming_period()
    items = [item for item in without_replaced(calendar_items(start, end)) if item.kind in GRANT_KINDS]
    if not items:
        return NO_GRANT_DATES.get(issue.language, NO_GRANT_DATES["fi"])
    with translation.override(issue.language):
        return "\n".join(markdown_line(item) for item in items)


def _with_grant_dates(issue, body):
    return body.replace(GRANT_DATES, grant_dates(issue=issue)) if GRANT_DATES in body else body


def _aware(parts):
    return timezone.make_aware(dt.datetime(*parts))


def _load_issues(stdout):
    by_key = {}
    for data in ISSUES:
        key = (data["year"], data["quarter"], data["language"])
        defaults = {
            "planned_date": data["planned_date"],
            "subject": data.get("subject", f"Yhdistysuutiskirje {data['quarter']}/{data['year']}"),
            "preheader": data.get("preheader", ""),
            "body": data.get("body", "Luonnos: kokoa sisältö portaalista ylläpidon painikkeella ja muokkaa."),
            "translation_of": by_key.get(data.get("translation_of")),
            "state": Issue.State.DRAFT,
            "scheduled_at": None,
            "sent_at": None,
        }
        if "sent" in data:
            defaults.update(state=Issue.State.SENT, sent_at=_aware(data["sent"]), scheduled_at=_aware(data["sent"]))
        elif "scheduled" in data:
            defaults.update(state=Issue.State.SCHEDULED, scheduled_at=_aware(data["scheduled"]))
        existing = Issue.objects.filter(year=key[0], quarter=key[1], language=key[2]).first()
        if existing is not None and existing.state in (Issue.State.SENDING, Issue.State.SENT) and "sent" not in data:
            by_key[key] = existing  # really sent from the running demo: leave it be
            continue
        issue, _created = Issue.objects.update_or_create(
            year=key[0], quarter=key[1], language=key[2], defaults=defaults
        )
        if GRANT_DATES in issue.body:
            issue.body = _with_grant_dates(issue, issue.body)
            issue.save(update_fields=["body"])
        by_key[key] = issue
    stdout.write(f"  newsletter: {len(by_key)} issues")


def _load_subscribers(stdout):
    for local, domain, language, topics, confirmed, ended in SUBSCRIBERS:
        confirmed_at = _aware((*confirmed, 10, 0))
        subscriber, _created = Subscriber.objects.update_or_create(
            email=f"{local}@{domain}".lower(),
            requested_at=confirmed_at - dt.timedelta(minutes=7),
            defaults={
                "language": language,
                "method": Subscriber.Method.DOUBLE_OPT_IN,
                "consent_source": f"/{language}/newsletter/subscribe/",
                "consent_version": CONSENT_VERSION,
                "confirmed_at": confirmed_at,
                "unsubscribed_at": _aware((*ended, 12, 0)) if ended else None,
                "unsubscribe_reason": Subscriber.Reason.ONE_CLICK if ended else "",
            },
        )
        SubscriberTopic.objects.filter(subscriber=subscriber).exclude(topic__in=topics).delete()
        for topic in topics:
            SubscriberTopic.objects.get_or_create(subscriber=subscriber, topic=topic)
    stdout.write(f"  newsletter: {len(SUBSCRIBERS)} subscriptions")


def load(*, stdout):
    _load_issues(stdout)
    _load_subscribers(stdout)


def finish(*, stdout):
    """After every app has loaded: the grant dates again, now with the annual clock's plan."""
    filled = 0
    for data in ISSUES:
        if GRANT_DATES not in data.get("body", ""):
            continue
        issue = Issue.objects.filter(year=data["year"], quarter=data["quarter"], language=data["language"]).first()
        really_sent = issue is not None and issue.state in (Issue.State.SENDING, Issue.State.SENT)
        if issue is None or (really_sent and "sent" not in data):
            continue  # sent from the running demo: leave it be, as ``load`` does
        issue.body = _with_grant_dates(issue, data["body"])
        issue.save(update_fields=["body"])
        filled += 1
    stdout.write(f"  newsletter: grant dates from the calendar in {filled} issues")
