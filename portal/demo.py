"""Pori's demo data for the portal core, idempotent: a second run changes nothing.

Everything is found by its natural key (name, slug, e-mail, slug + language) and created only
when missing, so what staff have edited in the admin is kept. Sources: seed 000 (the 2026–2029
programme: the cooperation working group, Seuraparlamentti, association evenings, the shared-use
premises working group), seed 001 (the association coordinator, yhdistysyhteyshenkilö; the named
experts for grants, partnerships, premises and events), seed 002 (the networks Pori belongs to)
and seed 003 item 4 (a page on how to use the site).

Other apps' demo data may rely on the department names in ``DEPARTMENTS`` and the topic slugs in
``TOPICS``.
"""

import re
import sys

from django.conf import settings
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from portal.demo_names import translate
from portal.models import AgeGroup, ContactPerson, Department, Forum, Page, ServiceArea, Topic

# (name, short name). Pori's organisation: the group administration coordinates association
# cooperation; the education and culture department runs sport, culture and youth work; the urban
# environment department manages the premises; wellbeing and participation work sits beside them.
DEPARTMENTS = [
    ("Konsernihallinto", "KH"),
    ("Sivistystoimiala", "SIV"),
    ("Kaupunkiympäristö", "KYMP"),
    ("Hyvinvointi ja osallisuus", "HYV"),
]
KONSERNIHALLINTO, SIVISTYSTOIMIALA, KAUPUNKIYMPARISTO, HYVINVOINTI = (name for name, _short in DEPARTMENTS)

# Pori's service areas (palvelualueet) in their usual order, and the whole city for city-wide work.
SERVICE_AREAS = [
    "Koko Pori",
    "Keskusta",
    "Länsi-Pori",
    "Pohjois-Pori",
    "Itä-Pori",
    "Etelä-Pori",
    "Noormarkku",
    "Ahlainen",
    "Lavia",
]

# (name, min age, max age). Young people are under 29 as in the Youth Act (1285/2016).
AGE_GROUPS = [
    ("Lapset (0–12 v.)", 0, 12),
    ("Nuoret (13–28 v.)", 13, 28),
    ("Työikäiset (29–64 v.)", 29, 64),
    ("Ikääntyneet (65+ v.)", 65, None),
    ("Kaikenikäiset", None, None),
]

# (slug, name): what people ask the city about.
TOPICS = [
    ("yhdistysyhteistyo", "Yhdistysyhteistyö ja neuvonta"),
    ("avustukset", "Avustukset"),
    ("kumppanuussopimukset", "Kumppanuussopimukset"),
    ("tilat", "Tilat ja tilavaraukset"),
    ("tapahtumat", "Tapahtumayhteistyö"),
    ("liikunta", "Liikunta ja urheiluseurat"),
    ("kulttuuri", "Kulttuuri"),
    ("nuoriso", "Nuorisotyö"),
    ("hyvinvointi", "Hyvinvointi ja osallisuus"),
    ("viestinta", "Viestintä ja uutiskirje"),
    ("media", "Mediayhteistyö"),
    ("vuosikello", "Yhdistysillat, työpajat ja vuosikello"),
]

# The people are invented; their addresses are on the reserved .example domain so that a demo
# never mails a real person. The coordinator uses the city's real association mailbox.
CONTACTS = [
    {
        "name": "Sanna Lehtinen",
        "title": "Yhdistyskoordinaattori (yhdistysyhteyshenkilö)",
        "department": KONSERNIHALLINTO,
        "email": None,  # the city profile's coordinator mailbox
        "is_coordinator": True,
        "topics": ["yhdistysyhteistyo", "vuosikello", "avustukset", "kumppanuussopimukset", "viestinta"],
    },
    {
        "name": "Mikko Saarinen",
        "title": "Avustusasiantuntija",
        "department": SIVISTYSTOIMIALA,
        "email": "mikko.saarinen@pori.example",
        "topics": ["avustukset"],
    },
    {
        "name": "Laura Heikkilä",
        "title": "Liikuntasuunnittelija, seurayhteistyö",
        "department": SIVISTYSTOIMIALA,
        "email": "laura.heikkila@pori.example",
        "topics": ["liikunta", "avustukset", "tilat"],
    },
    {
        "name": "Emilia Mäkelä",
        "title": "Kulttuurituottaja",
        "department": SIVISTYSTOIMIALA,
        "email": "emilia.makela@pori.example",
        "topics": ["kulttuuri", "tapahtumat", "avustukset"],
    },
    {
        "name": "Tuomas Nieminen",
        "title": "Nuorisotyön suunnittelija",
        "department": SIVISTYSTOIMIALA,
        "email": "tuomas.nieminen@pori.example",
        "topics": ["nuoriso", "avustukset"],
    },
    {
        "name": "Jari Koskinen",
        "title": "Tilavarauskoordinaattori, tilapalvelut",
        "department": KAUPUNKIYMPARISTO,
        "email": "jari.koskinen@pori.example",
        "topics": ["tilat"],
    },
    {
        "name": "Henna Järvinen",
        "title": "Tapahtumakoordinaattori",
        "department": KAUPUNKIYMPARISTO,
        "email": "henna.jarvinen@pori.example",
        "topics": ["tapahtumat", "tilat"],
    },
    {
        "name": "Kaisa Laine",
        "title": "Hyvinvointikoordinaattori",
        "department": HYVINVOINTI,
        "email": "kaisa.laine@pori.example",
        "topics": ["hyvinvointi", "avustukset"],
    },
    {
        "name": "Antti Virtanen",
        "title": "Kehittämispäällikkö, kumppanuudet",
        "department": KONSERNIHALLINTO,
        "email": "antti.virtanen@pori.example",
        "topics": ["kumppanuussopimukset", "yhdistysyhteistyo"],
    },
    {
        "name": "Petra Salonen",
        "title": "Viestintäsuunnittelija",
        "department": KONSERNIHALLINTO,
        "email": "petra.salonen@pori.example",
        "topics": ["viestinta", "media"],
    },
]

# Seed 000 (cooperation and co-development, Teot; premises, Teot): the city's own forums.
BODIES = [
    {
        "name": "Yhdistysyhteistyöryhmä",
        "slug": "yhdistysyhteistyoryhma",
        "kind": Forum.Kind.WORKING_GROUP,
        "department": KONSERNIHALLINTO,
        "description": (
            "Yhdistysyhteistyöryhmä kokoontuu säännöllisesti käsittelemään yhdistysyhteistyöasioita. "
            "Ryhmään on nimetty kaupungin ja yhdistysten edustajia.\n\n"
            "Ryhmä seuraa ja arvioi yhdistysyhteistyöohjelman 2026–2029 toteutumista, kokoaa "
            "yhdistyskentän palautetta ja kehittämistarpeita esimerkiksi avustuksista ja toimii "
            "ohjelman ohjausryhmänä."
        ),
    },
    {
        "name": "Seuraparlamentti",
        "slug": "seuraparlamentti",
        "kind": Forum.Kind.SPORTS_PARLIAMENT,
        "department": SIVISTYSTOIMIALA,
        "description": (
            "Seuraparlamentti kokoontuu säännöllisesti kehittämään ja tiivistämään kaupungin ja "
            "urheiluseurojen välistä yhteistyötä. Ryhmään kuuluu liikunta- ja seuratoimijoita sekä "
            "kaupungin edustajia."
        ),
    },
    {
        "name": "Yhdistysillat",
        "slug": "yhdistysillat",
        "kind": Forum.Kind.ASSOCIATION_EVENING,
        "department": KONSERNIHALLINTO,
        "description": (
            "Kaupunki järjestää säännöllisesti alueen yhdistyksille yhdistysiltoja vaihtuvien "
            "teemojen mukaisesti. Illoissa kerrotaan ajankohtaista tietoa muun muassa kaupungin "
            "avustuskäytännöistä, kuullaan yhdistysten näkemyksiä ja verkostoidutaan.\n\n"
            "Keväällä 2025 yhteinen yhdistysilta ja työpaja arvioi yhdistysyhteistyön nykytilaa ja "
            "tulevaisuutta, ja sen ideoita hyödynnettiin ohjelmaa 2026–2029 valmisteltaessa."
        ),
    },
    {
        "name": "Yhdistysten työpajat",
        "slug": "yhdistysten-tyopajat",
        "kind": Forum.Kind.WORKSHOP,
        "department": KONSERNIHALLINTO,
        "description": (
            "Yhdistyksille järjestetään info-, keskustelu-, verkostoitumis- ja työpajatilaisuuksia "
            "ajankohtaisista teemoista. Työpajoissa yhdistykset ja kaupungin asiantuntijat kehittävät "
            "yhdessä esimerkiksi avustusten haku- ja raportointikäytäntöjä."
        ),
    },
    {
        "name": "Yhteiskäyttötilojen työryhmä",
        "slug": "yhteiskayttotilojen-tyoryhma",
        "kind": Forum.Kind.OTHER,
        "department": KAUPUNKIYMPARISTO,
        "description": (
            "Kaupungin yhteiskäyttötilojen työryhmä ohjaa yhteiskäyttötilojen kehitystyötä ja "
            "varmistaa, että ratkaisut tukevat kaupungin strategian tavoitteita ja asukkaiden "
            "osallistumista. Yhteiskäyttötilat ovat päivisin esimerkiksi koulujen käytössä ja "
            "iltaisin ja viikonloppuisin asukkaiden ja yhdistysten varattavissa."
        ),
    },
]

# Seed 002: the networks Pori belongs to, in its words. Websites only where certain.
NETWORKS = [
    (
        "Aalto-kaupungit",
        KONSERNIHALLINTO,
        None,
        "",
        "Alvar Aalto -kaupungit muodostavat keskenään tasavertaisen toimijaverkoston riippumatta "
        "paikkakunnan koosta tai Aalto-kohteiden lukumäärästä. Verkoston tavoitteena on lisätä "
        "Aalto-tietoutta Suomessa ja ulkomailla yhdistämällä voimia matkailussa, viestinnässä ja "
        "markkinoinnissa. Porin Alvar Aalto -kohde Villa Mairea sijaitsee Noormarkussa.",
    ),
    (
        "HINKU-verkosto",
        KAUPUNKIYMPARISTO,
        None,
        "https://www.hinku-foorumi.fi/",
        "Pori on sitoutunut vähentämään koko alueensa kasvihuonekaasupäästöjä 80 % vuoden 2007 "
        "tasosta vuoteen 2030 mennessä. Hiilineutraalit kunnat -verkoston kautta kaupunki pyrkii "
        "vaikuttamaan myös alueensa toimijoihin hiilineutraaliuden saavuttamiseksi.",
    ),
    (
        "ICLEI",
        KAUPUNKIYMPARISTO,
        None,
        "https://iclei.org/",
        "ICLEI on kuntien kansainvälinen ympäristöverkosto, joka kannustaa paikallishallintoja "
        "kestävän kehityksen toimiin ilmastonmuutoksen, kaupungistumisen sekä talouden ja väestön "
        "vaihteluiden haasteissa. Verkostoon kuuluu 14 suomalaista kaupunkia.",
    ),
    (
        "Ilmastoviisas Satakunta -hanke",
        KAUPUNKIYMPARISTO,
        None,
        "",
        "Hanke aktivoi Satakunnassa toimintaa, joka vähentää päästökaupan ulkopuolisia "
        "kasvihuonekaasupäästöjä, ja tukee ilmasto-ohjelmien ja Hinku-toiminnan käytännön "
        "toteutusta muun muassa energiatehokkuussopimuksen kautta.",
    ),
    (
        "Kansallinen kaupunkipuisto",
        KAUPUNKIYMPARISTO,
        None,
        "",
        "Pori kuuluu ympäristöministeriön päätöksellä perustettujen kansallisten kaupunkipuistojen "
        "verkostoon. Kaupunkipuistojen tarkoitus on säilyttää kaupunkiluontoa ja rakennettua "
        "kulttuuriympäristöä laajana ja eheänä kokonaisuutena.",
    ),
    (
        "MAL-verkosto",
        KAUPUNKIYMPARISTO,
        None,
        "",
        "Valtakunnallinen maankäytön, asumisen ja liikenteen kehittämisverkosto, joka perustuu "
        "valtion ja suurten kaupunkiseutujen kaupunkipolitiikkaan ja seudullisen strategisen "
        "suunnittelun edistämiseen.",
    ),
    (
        "Osaava Satakunta",
        SIVISTYSTOIMIALA,
        None,
        "",
        "Seudullinen verkosto, joka ylläpitää ja kehittää satakuntalaisten kuntien "
        "sivistystoimialan henkilöstön osaamista ja tuottaa ammatillista täydennyskoulutusta.",
    ),
    (
        "Pyöräilykuntien verkosto",
        KAUPUNKIYMPARISTO,
        None,
        "https://www.pyorailykuntienverkosto.fi/",
        "Kuntien, valtionhallinnon, yritysten, järjestöjen ja muiden tahojen yhteistyöverkosto, "
        "jonka päätavoite on lisätä pyöräilyä ja kävelyä kestävinä liikennemuotoina ja "
        "arkiliikuntana.",
    ),
    (
        "Reilun kaupan kaupunki",
        KONSERNIHALLINTO,
        None,
        "https://reilukauppa.fi/",
        "Pori on kaupunginvaltuuston päätöksellä sitoutunut edistämään reilua kauppaa: tarjoamaan "
        "tilaisuuksissaan reilusti tuotettua kahvia ja teetä, tiedottamaan Reilusta kaupasta ja "
        "lisäämään kestäviä hankintoja. Pääkirjaston yhteydessä on Reilun kaupan infotila.",
    ),
    (
        "Satakunnan Järjestöyhteistyöryhmä JYTRY",
        HYVINVOINTI,
        None,
        "",
        "Maakunnan yhdistys- ja vapaaehtoistoimijoiden keskustelu-, kehittämis- ja "
        "yhteistyöfoorumi. JYTRY lisää yhdistys- ja vapaaehtoistoiminnan näkyvyyttä ja "
        "saavutettavuutta sekä edistää yhdistysten yhteistyötä maakunnan, kuntien, yritysten, "
        "seurakuntien ja oppilaitosten kanssa.",
    ),
    (
        "Satakunnan Lastenkulttuuriverkosto",
        SIVISTYSTOIMIALA,
        None,
        "",
        "Verkosto edistää monipuolisten ja laadukkaiden taide- ja kulttuuripalveluiden "
        "saavutettavuutta ja lasten kulttuurisia oikeuksia. Porin lastenkulttuurikeskuksen kautta "
        "valtakunnallisen lastenkulttuurituen piiriin kuuluvat Porin lisäksi Eura, Eurajoki, "
        "Merikarvia, Nakkila ja Rauma.",
    ),
    (
        "Selkämeren kansallispuisto / Natura 2000 -verkosto",
        KAUPUNKIYMPARISTO,
        None,
        "",
        "Euroopan unionin Natura 2000 -verkosto suojelee luontoalueita ja luonnon monimuotoisuutta. "
        "Porissa on Selkämeren kansallispuistoon kuuluvia suojelualueita, kuten Yyteri.",
    ),
    (
        "Suomen lastenkulttuurikeskusten liitto",
        SIVISTYSTOIMIALA,
        None,
        "",
        "Liitto edistää lasten- ja nuortenkulttuurikeskusten toimintaedellytyksiä ja järjestää "
        "vuosittain Valtakunnallisen lastenkulttuurifoorumin. Pori on liiton perustajajäsen.",
    ),
    (
        "Terve Kunta -verkosto",
        HYVINVOINTI,
        None,
        "",
        "THL:n koordinoima verkosto kehittää kuntien hyvinvoinnin ja terveyden edistämisen "
        "strategista johtamista, toimintamuotoja ja arviointia. Se on osa maailmanlaajuista WHO "
        "Healthy Cities -verkostoa.",
    ),
    (
        "UBC Union of Baltic Cities",
        KONSERNIHALLINTO,
        1997,
        "https://www.ubc.net/",
        "Itämeren kaupunkien liitto on vapaaehtoiseen osallisuuteen perustuva kaupunkiverkosto, "
        "joka on osallistunut Itämeren alueen kehittämiseen ja integraatioon vuodesta 1991. Pori "
        "liittyi verkostoon vuonna 1997 ja on aktiivinen erityisesti kulttuuri-, ympäristö-, "
        "liikunta- ja kaupunkisuunnitteluasioissa.",
    ),
    (
        "UNICEF Lapsiystävällinen kunta",
        HYVINVOINTI,
        None,
        "https://www.lapsiystavallinenkunta.fi/",
        "UNICEFin Lapsiystävällinen kunta -malli auttaa kuntia edistämään lapsen oikeuksien "
        "toteutumista. Tunnustus myönnetään sitoutuneesta ja aktiivisesta kehittämistyöstä kahdeksi "
        "vuodeksi kerrallaan.",
    ),
]

# Content pages in every language. Texts live in portal/templates/portal/demo/<slug>.<lang>.md:
# the first line is "# Title", the rest the Markdown body, rendered with the city profile.
PAGE_SLUGS = ["how-to-use", "accessibility", "privacy"]
PAGE_LANGUAGES = ["fi", "sv", "en", "pl"]


def city_data():
    """This module for Pori; ``portal.demo_poznan`` (the same names) for Poznań."""
    if settings.CITY == "poznan":
        from portal import demo_poznan

        return demo_poznan
    return sys.modules[__name__]


def load(*, stdout):
    # City-managed names are written and looked up in the city's own language (modeltranslation).
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        _load(stdout=stdout, data=city_data())


def _load(*, stdout, data):
    departments = _departments(data.DEPARTMENTS)
    for order, name in enumerate(data.SERVICE_AREAS):
        translate(ServiceArea.objects.get_or_create(name=name, defaults={"order": order})[0])
    for order, (name, min_age, max_age) in enumerate(data.AGE_GROUPS):
        translate(
            AgeGroup.objects.get_or_create(
                name=name, defaults={"min_age": min_age, "max_age": max_age, "order": order}
            )[0]
        )
    topics = {slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in data.TOPICS}
    for topic in topics.values():
        translate(topic)
    _contacts(departments, topics, data.CONTACTS)
    _forums(departments, data.BODIES, data.NETWORKS)
    _pages()
    stdout.write(
        f"  {Department.objects.count()} departments, {ServiceArea.objects.count()} service areas, "
        f"{ContactPerson.objects.count()} contact persons, {Forum.objects.count()} forums and networks, "
        f"{Page.objects.count()} pages."
    )


def _departments(names=DEPARTMENTS):
    departments = {}
    for name, short_name in names:
        department, _created = Department.objects.get_or_create(name=name, defaults={"short_name": short_name})
        if department.staff_group_id is None:
            department.staff_group, _created = Group.objects.get_or_create(name=f"{name} staff")
            department.save(update_fields=["staff_group"])
        translate(department)
        departments[name] = department
    return departments


def _contacts(departments, topics, contacts=CONTACTS):
    has_coordinator = ContactPerson.objects.filter(is_coordinator=True).exists()
    for data in contacts:
        email = data["email"] or settings.CITY_PROFILE["coordinator_email"]
        contact, created = ContactPerson.objects.get_or_create(
            email=email,
            defaults={
                "name": data["name"],
                "title": data["title"],
                "department": departments[data["department"]],
                "is_coordinator": data.get("is_coordinator", False) and not has_coordinator,
            },
        )
        if created:
            contact.topics.set([topics[slug] for slug in data["topics"]])


def _forums(departments, bodies=BODIES, networks=NETWORKS):
    for data in bodies:
        forum, _created = Forum.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "kind": data["kind"],
                "department": departments[data["department"]],
                "description": data["description"],
            },
        )
        translate(forum)
    for name, department, joined_year, website, description in networks:
        Forum.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "kind": Forum.Kind.NETWORK,
                "department": departments[department],
                "joined_year": joined_year,
                "website": website,
                "description": description,
            },
        )


def page_text(slug, language, site_url=None):
    """(title, body) of a demo page, rendered with the city profile."""
    text = render_to_string(
        f"portal/demo/{slug}.{language}.md",
        {"city": settings.CITY_PROFILE, "SITE_URL": settings.SITE_URL if site_url is None else site_url},
    ).strip()
    first_line, _newline, body = text.partition("\n")
    return first_line.removeprefix("# ").strip(), body.strip()


_ADDRESS_MARK = "\x00site-url\x00"


def _follow_site_url(page, slug, language):
    """A demo page nobody edited, loaded when the portal answered at another address (``make run
    HOST=…``), names the address it answers at now; a page staff changed is left alone."""
    _title, body = page_text(slug, language)
    if page.body == body:
        return
    _title, marked = page_text(slug, language, site_url=_ADDRESS_MARK)
    pattern = re.escape(marked).replace(re.escape(_ADDRESS_MARK), r"https?://[^\s)]+")
    if re.fullmatch(pattern, page.body):
        page.body = body
        page.save(update_fields=["body"])


def _pages():
    for slug in PAGE_SLUGS:
        for language in PAGE_LANGUAGES:
            existing = Page.objects.filter(slug=slug, language=language).first()
            if existing is not None:
                _follow_site_url(existing, slug, language)
                continue
            title, body = page_text(slug, language)
            Page.objects.create(slug=slug, language=language, title=title, body=body, show_in_footer=True)
