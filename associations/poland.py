"""The Polish register identity of an organisation: KRS, NIP, REGON, legal form, public-benefit spheres.

Used when the city profile's ``country`` is ``PL`` (``associations.countries``). Sources: the act
on public benefit activity and volunteering (ustawa z dnia 24 kwietnia 2003 r. o działalności
pożytku publicznego i o wolontariacie): art. 3 ust. 2–3 (who may cooperate with the city) and
art. 4 ust. 1 (the spheres of public tasks, "sfera zadań publicznych"); the KRS act (a ten-digit
number, no check digit); the NIP and REGON check-digit rules of the Ministry of Finance and GUS.

Messages are constants the tests assert on; the check digits are also held by the database
(``pl_nip_valid`` and ``pl_regon_valid``, migration 0011).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

KRS_INVALID = _("Enter the KRS number as ten digits, for example 0000123456.")
NIP_INVALID = _("Enter the NIP as ten digits with a valid check digit, for example 341-672-11-09.")
REGON_INVALID = _("Enter the REGON as 9 or 14 digits with a valid check digit, for example 723440104.")
KRS_TAKEN = _("Another organisation in the registry already has this KRS number.")
NIP_TAKEN = _("Another organisation in the registry already has this NIP.")
REGON_TAKEN = _("Another organisation in the registry already has this REGON.")

KRS_DB_REGEX = r"^[0-9]{10}$"
NIP_DB_REGEX = r"^[0-9]{10}$"
REGON_DB_REGEX = r"^([0-9]{9}|[0-9]{14})$"

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
_REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
# What people type around the digits: spaces, dashes, dots; a NIP may carry the EU prefix "PL".
_SEPARATORS = re.compile(r"[\s\-.]")


def _digits(value, *, prefix=""):
    value = _SEPARATORS.sub("", (value or "").strip())
    if prefix and value.upper().startswith(prefix):
        value = value[len(prefix) :]
    return value


def _checksum(digits, weights, *, ten_is_zero):
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 10:
        return 0 if ten_is_zero else None
    return remainder


def nip_is_valid(digits: str) -> bool:
    return bool(re.fullmatch(NIP_DB_REGEX, digits)) and _checksum(digits[:9], _NIP_WEIGHTS, ten_is_zero=False) == int(
        digits[9]
    )


def regon_is_valid(digits: str) -> bool:
    if re.fullmatch(r"[0-9]{9}", digits):
        return _checksum(digits[:8], _REGON9_WEIGHTS, ten_is_zero=True) == int(digits[8])
    if re.fullmatch(r"[0-9]{14}", digits):
        return _checksum(digits[:13], _REGON14_WEIGHTS, ten_is_zero=True) == int(digits[13])
    return False


def normalize_krs(value: str) -> str:
    """The KRS number as ten digits (``0000123456``). Empty stays empty."""
    digits = _digits(value)
    if not digits:
        return ""
    if not re.fullmatch(KRS_DB_REGEX, digits):
        raise ValidationError(KRS_INVALID, code="krs")
    return digits


def normalize_nip(value: str) -> str:
    """The NIP as ten digits; ``778-14-13-251``, ``778 141 32 51`` and ``PL7781413251`` are accepted."""
    digits = _digits(value, prefix="PL")
    if not digits:
        return ""
    if not nip_is_valid(digits):
        raise ValidationError(NIP_INVALID, code="nip")
    return digits


def normalize_regon(value: str) -> str:
    """The REGON as 9 digits (an organisation) or 14 digits (its local unit), check digit valid."""
    digits = _digits(value)
    if not digits:
        return ""
    if not regon_is_valid(digits):
        raise ValidationError(REGON_INVALID, code="regon")
    return digits


class LegalForm(models.TextChoices):
    """Who may cooperate with the city under art. 3 ust. 2–3 of the public benefit act."""

    ASSOCIATION = "stowarzyszenie", _("Association (stowarzyszenie)")
    ORDINARY_ASSOCIATION = "stowarzyszenie_zwykle", _("Ordinary association (stowarzyszenie zwykłe)")
    FOUNDATION = "fundacja", _("Foundation (fundacja)")
    CHURCH_LEGAL_PERSON = "koscielna_osoba_prawna", _("Church legal person (kościelna osoba prawna)")
    LOCAL_GOVERNMENT_ASSOCIATION = "stowarzyszenie_jst", _("Association of local government units")
    SOCIAL_COOPERATIVE = "spoldzielnia_socjalna", _("Social cooperative (spółdzielnia socjalna)")
    NON_PROFIT_COMPANY = "spolka_non_profit", _("Non-profit company or sports club company")
    RURAL_WOMENS_CLUB = "kolo_gospodyn_wiejskich", _("Rural women's club (koło gospodyń wiejskich)")
    OTHER = "inna", _("Other body under art. 3 ust. 3 of the public benefit act")


# Art. 4 ust. 1 of the public benefit act: (point, Polish as in the act, English, Finnish, Swedish).
# The law's own wording is the Polish; the other languages are working translations. Check the
# list against the consolidated text in force when the act is amended.
PUBLIC_BENEFIT_SPHERES = [
    (
        "1",
        "pomoc społeczna, w tym pomoc rodzinom i osobom w trudnej sytuacji życiowej oraz wyrównywanie szans tych rodzin i osób",  # noqa: E501
        "social assistance, including help to families and people in a difficult situation and equal opportunities for them",  # noqa: E501
        "sosiaalihuolto, myös vaikeassa elämäntilanteessa olevien perheiden ja ihmisten tukeminen",
        "socialhjälp, även stöd till familjer och personer i en svår livssituation",
    ),
    (
        "1a",
        "wspieranie rodziny i systemu pieczy zastępczej",
        "support for families and the foster care system",
        "perheiden ja sijaishuollon tukeminen",
        "stöd till familjer och familjehemsvården",
    ),
    (
        "1b",
        "udzielanie nieodpłatnej pomocy prawnej oraz zwiększanie świadomości prawnej społeczeństwa",
        "free legal aid and legal awareness",
        "maksuton oikeusapu ja oikeustietoisuuden lisääminen",
        "kostnadsfri rättshjälp och ökad rättsmedvetenhet",
    ),
    (
        "2",
        "działalność na rzecz integracji i reintegracji zawodowej i społecznej osób zagrożonych wykluczeniem społecznym",  # noqa: E501
        "social and vocational integration of people at risk of social exclusion",
        "syrjäytymisvaarassa olevien ammatillinen ja sosiaalinen integraatio",
        "social och yrkesmässig integration av personer i risk för utanförskap",
    ),
    ("3", "działalność charytatywna", "charity", "hyväntekeväisyys", "välgörenhet"),
    (
        "4",
        "podtrzymywanie i upowszechnianie tradycji narodowej, pielęgnowanie polskości oraz rozwój świadomości narodowej, obywatelskiej i kulturowej",  # noqa: E501
        "national tradition and civic and cultural awareness",
        "kansallisen perinteen sekä kansalais- ja kulttuuritietoisuuden vaaliminen",
        "nationell tradition samt medborgerlig och kulturell medvetenhet",
    ),
    (
        "5",
        "działalność na rzecz mniejszości narodowych i etnicznych oraz języka regionalnego",
        "national and ethnic minorities and the regional language",
        "kansalliset ja etniset vähemmistöt sekä alueellinen kieli",
        "nationella och etniska minoriteter samt regionalspråket",
    ),
    (
        "5a",
        "działalność na rzecz integracji cudzoziemców",
        "integration of foreigners",
        "maahanmuuttajien kotoutuminen",
        "integration av utlänningar",
    ),
    (
        "6",
        "ochrona i promocja zdrowia, w tym działalność lecznicza",
        "health protection and promotion, including medical activity",
        "terveyden suojelu ja edistäminen, myös terveydenhuolto",
        "skydd och främjande av hälsa, även hälso- och sjukvård",
    ),
    (
        "7",
        "działalność na rzecz osób niepełnosprawnych",
        "people with disabilities",
        "vammaiset henkilöt",
        "personer med funktionsnedsättning",
    ),
    (
        "8",
        "promocja zatrudnienia i aktywizacja zawodowa osób pozostających bez pracy i zagrożonych zwolnieniem z pracy",
        "employment of the unemployed and of those at risk of losing their jobs",
        "työttömien ja irtisanomisuhan alaisten työllistäminen",
        "sysselsättning för arbetslösa och dem som riskerar att bli uppsagda",
    ),
    (
        "9",
        "działalność na rzecz równych praw kobiet i mężczyzn",
        "equal rights of women and men",
        "naisten ja miesten tasa-arvo",
        "jämställdhet mellan kvinnor och män",
    ),
    (
        "10",
        "działalność na rzecz osób w wieku emerytalnym",
        "people of retirement age",
        "eläkeikäiset",
        "personer i pensionsåldern",
    ),
    (
        "11",
        "działalność wspomagająca rozwój gospodarczy, w tym rozwój przedsiębiorczości",
        "economic development, including entrepreneurship",
        "taloudellinen kehitys ja yrittäjyys",
        "ekonomisk utveckling och företagande",
    ),
    (
        "12",
        "działalność wspomagająca rozwój techniki, wynalazczości i innowacyjności oraz rozpowszechnianie i wdrażanie nowych rozwiązań technicznych w praktyce gospodarczej",  # noqa: E501
        "technology, invention and innovation",
        "tekniikka, keksinnöt ja innovaatiot",
        "teknik, uppfinningar och innovation",
    ),
    (
        "13",
        "działalność wspomagająca rozwój wspólnot i społeczności lokalnych",
        "development of local communities",
        "paikallisyhteisöjen kehittäminen",
        "utveckling av lokalsamhällen",
    ),
    (
        "14",
        "nauka, szkolnictwo wyższe, edukacja, oświata i wychowanie",
        "science, higher education, education and upbringing",
        "tiede, korkeakoulutus, koulutus ja kasvatus",
        "vetenskap, högre utbildning, utbildning och fostran",
    ),
    (
        "15",
        "działalność na rzecz dzieci i młodzieży, w tym wypoczynek dzieci i młodzieży",
        "children and young people, including their holidays",
        "lapset ja nuoret, myös heidän lomatoimintansa",
        "barn och unga, även deras lov och rekreation",
    ),
    (
        "16",
        "kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego",
        "culture, the arts and national heritage",
        "kulttuuri, taide ja kansallisperintö",
        "kultur, konst och nationellt kulturarv",
    ),
    (
        "17",
        "wspieranie i upowszechnianie kultury fizycznej",
        "physical culture and sport",
        "liikunta ja urheilu",
        "idrott och motion",
    ),
    (
        "18",
        "ekologia i ochrona zwierząt oraz ochrona dziedzictwa przyrodniczego",
        "ecology, animal welfare and natural heritage",
        "ympäristö, eläinsuojelu ja luonnonperintö",
        "miljö, djurskydd och naturarv",
    ),
    (
        "19",
        "turystyka i krajoznawstwo",
        "tourism and sightseeing",
        "matkailu ja kotiseutuharrastus",
        "turism och hembygd",
    ),
    (
        "20",
        "porządek i bezpieczeństwo publiczne",
        "public order and safety",
        "yleinen järjestys ja turvallisuus",
        "allmän ordning och säkerhet",
    ),
    (
        "21",
        "obronność państwa i działalność Sił Zbrojnych Rzeczypospolitej Polskiej",
        "national defence and the Polish Armed Forces",
        "maanpuolustus ja Puolan asevoimat",
        "landets försvar och Polens väpnade styrkor",
    ),
    (
        "21a",
        "działalność na rzecz weteranów i weteranów poszkodowanych",
        "veterans and injured veterans",
        "veteraanit ja vammautuneet veteraanit",
        "veteraner och skadade veteraner",
    ),
    (
        "22",
        "upowszechnianie i ochrona wolności i praw człowieka oraz swobód obywatelskich, a także działania wspomagające rozwój demokracji",  # noqa: E501
        "human rights, civil liberties and democracy",
        "ihmisoikeudet, kansalaisvapaudet ja demokratia",
        "mänskliga rättigheter, medborgerliga fri- och rättigheter och demokrati",
    ),
    (
        "23",
        "ratownictwo i ochrona ludności",
        "rescue and civil protection",
        "pelastustoimi ja väestönsuojelu",
        "räddning och befolkningsskydd",
    ),
    (
        "24",
        "pomoc ofiarom katastrof, klęsk żywiołowych, konfliktów zbrojnych i wojen w kraju i za granicą",
        "help to victims of disasters, armed conflicts and wars",
        "katastrofien, luonnononnettomuuksien ja sotien uhrien auttaminen",
        "hjälp till offer för katastrofer, naturolyckor och krig",
    ),
    (
        "25",
        "upowszechnianie i ochrona praw konsumentów",
        "consumer rights",
        "kuluttajansuoja",
        "konsumenträtt",
    ),
    (
        "26",
        "działalność na rzecz integracji europejskiej oraz rozwijanie kontaktów i współpracy między społeczeństwami",
        "European integration and cooperation between societies",
        "Euroopan integraatio ja kansojen välinen yhteistyö",
        "europeisk integration och samarbete mellan samhällen",
    ),
    ("27", "promocja i organizacja wolontariatu", "volunteering", "vapaaehtoistoiminta", "frivilligarbete"),
    (
        "28",
        "pomoc Polonii i Polakom za granicą",
        "help to the Polish diaspora and Poles abroad",
        "puolalaisen diasporan ja ulkomailla asuvien puolalaisten tukeminen",
        "stöd till den polska diasporan och polacker utomlands",
    ),
    (
        "29",
        "działalność na rzecz kombatantów i osób represjonowanych",
        "war veterans and victims of repression",
        "sotaveteraanit ja vainotut",
        "krigsveteraner och förföljda",
    ),
    (
        "30",
        "promocja Rzeczypospolitej Polskiej za granicą",
        "promotion of Poland abroad",
        "Puolan tunnetuksi tekeminen ulkomailla",
        "marknadsföring av Polen utomlands",
    ),
    (
        "31",
        "działalność na rzecz rodziny, macierzyństwa, rodzicielstwa, upowszechniania i ochrony praw dziecka",
        "family, parenthood and children's rights",
        "perhe, vanhemmuus ja lapsen oikeudet",
        "familj, föräldraskap och barnets rättigheter",
    ),
    (
        "32",
        "przeciwdziałanie uzależnieniom i patologiom społecznym",
        "prevention of addiction and social problems",
        "päihde- ja riippuvuustyö sekä sosiaalisten ongelmien ehkäisy",
        "förebyggande av missbruk och sociala problem",
    ),
    ("32a", "rewitalizacja", "urban regeneration", "kaupunkiuudistus", "stadsförnyelse"),
    (
        "33",
        "działalność wspomagająca technicznie, szkoleniowo, informacyjnie lub finansowo organizacje pozarządowe",
        "technical, training, information or financial support for NGOs",
        "järjestöjen tukeminen teknisesti, koulutuksella, tiedolla tai rahoituksella",
        "tekniskt, utbildnings-, informations- eller ekonomiskt stöd till organisationer",
    ),
]


def public_benefit_spheres_ensure(model):
    """Create the spheres the act lists and that are missing (idempotent; staff edits are kept).

    ``model`` is ``PublicBenefitSphere`` (or its historical version in a migration).
    """
    for order, (point, pl, en, fi, sv) in enumerate(PUBLIC_BENEFIT_SPHERES, start=1):
        model.objects.get_or_create(
            point=point,
            defaults={"order": order, "name": pl, "name_pl": pl, "name_en": en, "name_fi": fi, "name_sv": sv},
        )
