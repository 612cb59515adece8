"""The programmes as demo data, idempotent: Pori 2026–2029 complete (seed 000) and Poznań (seed 004).

Every focus area, goal state (tavoitetila), action (teko) and indicator (mittari) of seed 000 is
here word for word. Each indicator is mapped to the portal's computed data where it has it (the
registry keys of annualclock, associations, portal, grants, facilities and newsletter), to a
survey question where it is a perception, and to staff entry otherwise (Lähellä.fi, for
instance). A computed key whose app is not installed shows "source missing", never an error.

Run by ``manage.py demo_data`` after the other apps (``portal.programme`` in ``DEMO_ORDER``).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from portal.models import Department
from portal.programme.models import (
    Action,
    ActionStatus,
    FocusArea,
    Indicator,
    IndicatorTarget,
    Programme,
    Survey,
    SurveyQuestion,
)

PORI_SLUG = "pori-2026-2029"
POZNAN_SLUG = "poznan-wspolpraca"
STEERING_GROUP = "Yhdistysyhteistyöohjelman ohjausryhmä"
STEERING_PERMISSIONS = ["view_programme_report", "change_report", "view_report"]
# Focus area → the department responsible for its actions (seed 001's named experts' departments).
RESPONSIBLE = ["Konsernihallinto", "Kaupunkiympäristö", "Sivistystoimiala", "Konsernihallinto"]
# Targets per year where the programme names one: "Yhdistysuutiskirje julkaistaan neljä kertaa vuodessa".
TARGETS = {"newsletter.issues_per_year": Decimal(4)}

PORI_FOCUS_AREAS = [
    {
        "title": "Yhteistyö ja yhteiskehittäminen",
        "goal_state": [
            "Porin kaupunki edistää asukkaiden hyvinvointia yhteistyössä yhdistysten kanssa. "
            "Yhdistysyhteistyötä ohjaavat avoimuus, luottamus ja jatkuva vuoropuhelu, jossa tietoa ja "
            "osaamista jaetaan molempiin suuntiin kaupungin ja yhdistysten välillä.",
            "Yhteistyö toteutuu monipuolisesti kaupungin ja yhdistysten yhteisissä verkostoissa, "
            "foorumeissa, arjen kohtaamisissa, kokeiluissa ja kehittämisessä. Yhdistyksillä on "
            "yhdenvertaiset mahdollisuudet osallistua vuoropuheluun, tuoda esiin näkemyksiään ja olla "
            "mukana rakentamassa asukkaiden hyvinvointia sekä elinympäristön viihtyvyyttä ja "
            "turvallisuutta tukevia ratkaisuja. Verkostot, yhteiset hankkeet ja kumppanuussopimukset "
            "tukevat pitkäjänteistä yhteistyötä sekä kaupungin strategisten tavoitteiden toteutumista.",
            "Kaupunki tunnistaa yhdistysten merkityksen matalan kynnyksen osallisuuden mahdollistajina "
            "ja asukkaiden äänen välittäjinä. Yhdistykset täydentävät kaupungin osallisuustyötä "
            "tavoittamalla eri väestöryhmiä, mukaan lukien haastavammin tavoitettavat asukkaat, ja "
            "tuomalla heidän näkemyksensä osaksi kaupungin kehittämistä. Yhdistykset toimivat "
            "yhteistyötahona alueiden, tilojen ja palveluiden suunnittelussa ja kehittämisessä. "
            "Kaupunki hyödyntää yhdistysten tuottamaa tietoa suunnittelussa ja päätöksenteossa.",
            "Kaupungin eri toimialat osallistavat yhdistyksiä aktiivisesti palvelujen suunnitteluun ja "
            "kehittämiseen. Yhdistyksiä osallistetaan erityisesti silloin, kun valmisteltavat asiat "
            "koskettavat yhdistystoimintaa tai yhdistysten toimintaedellytyksiä.",
            "Neljäs sektori toimii yhdistysten rinnalla tarjoten matalan kynnyksen "
            "osallistumismahdollisuuksia. Neljännen sektorin ja yhdistysten toiminnat tukevat toisiaan: "
            "kansalaistoimintaan osallistuminen voi kannustaa osallistumaan yhdistyksen toimintaan ja "
            "toisaalta yhdistystoiminnassa mukana olevien ihmisten kautta voi syntyä neljännen sektorin "
            "toimintaa.",
            "Yhdistysyhteistyötä koordinoidaan suunnitelmallisesti, ja kaupungilla toimii eri "
            "toimialojen asiantuntijoita yhteistyön mahdollistamiseksi. Sujuva tiedonvaihto ja selkeät "
            "yhteydenpitokanavat vahvistavat yhteistyön toimivuutta.",
        ],
        "actions": [
            "Yhdistysyhteistyöryhmä kokoontuu säännöllisesti käsittelemään yhdistysyhteistyöasioita. "
            "Ryhmään on nimetty kaupungin ja yhdistyksien edustajia.",
            "Seuraparlamentti kokoontuu säännöllisesti kehittämään ja tiivistämään kaupungin ja "
            "urheiluseurojen välistä yhteistyötä. Ryhmään kuuluu liikunta- ja seuratoimijoita ja kaupungin "
            "edustajia. Kaupunki järjestää säännöllisesti alueen yhdistyksille yhdistysiltoja vaihtuvien "
            "teemojen mukaisesti.",
            "Kaupunki osallistuu mahdollisuuksien mukaan myös yhdistysten järjestämiin tilaisuuksiin ja verkostoihin.",
            "Päätösten vaikutusten ennakoarvioinneissa huomioidaan tarpeen mukaan myös yhdistysten asiantuntemusta.",
            "Kaupunki osallistuu eri kokoisia ja eri aloilla toimivia yhdistyksiä palvelujen, toiminnan ja "
            "alueiden kehittämiseen.",
            "Kumppanuussopimukseen nimetyt kaupungin vastuhenkilöt käyvät vuosittain kumppanuuskeskustelut "
            "yhdistysten kanssa.",
            "Yhdistyksillä on mahdollisuus olla matalalla kynnyksellä yhteydessä kaupungin eri "
            "asiantuntijoihin tai kaupungin nimeämään yhteyshenkilöön, joka ohjaa eteenpäin oikealle "
            "taholle myös silloin, kun aiempaa kontaktia kaupunkiin ei ole.",
            "Kaupunki varmistaa omalta osaltaan, että yhteistyö kaupungin, yhdistysten ja "
            "hyvinvointialueen kesken on toimivaa.",
            "Hankeyhteistyötä kaupungin ja yhdistysten välillä kehitetään.",
            "Huomioidaan neljännen sektorin yhteistyömahdollisuudet.",
        ],
        "indicators": [
            {
                "name": "Yhdistysyhteistyöryhmän kokousten määrä/vuosi",
                "source": "computed",
                "spec": "annualclock.working_group_meetings",
                "unit": "kokousta",
            },
            {
                "name": "Yhdistysyhteistyöryhmässä käsiteltyjen yhdistysyhteistyötä edistävien asioiden määrä/vuosi",
                "source": "computed",
                "spec": "annualclock.matters_handled",
                "unit": "asiaa",
            },
            {
                "name": "Seuraparlamentin kokoontumiskerrat/vuosi",
                "source": "computed",
                "spec": "annualclock.sports_parliament_meetings",
                "unit": "kokoontumista",
            },
            {
                "name": "Yhdistysiltojen määrä/vuosi",
                "source": "computed",
                "spec": "annualclock.association_evenings",
                "unit": "yhdistysiltaa",
            },
            {
                "name": "Yhdistysten asiantuntemuksen hyödyntäminen päätösten vaikutusten "
                "ennakoarvioinneissa määrä/vuosi",
                "source": "computed",
                "spec": "associations.hearing_ex_ante_assessments",
                "unit": "kertaa",
            },
            {
                "name": "Keskeiset kehittämisprosessit, joihin yhdistyksiä on osallistettu",
                "source": "computed",
                "spec": "associations.hearing_development_processes",
                "unit": "prosessia",
            },
            {
                "name": "Keskeisten kaupungin ja yhdistysten välisten yhteistyöfoorumien ja verkostojen määrä",
                "source": "computed",
                "spec": "portal.forums_and_networks",
                "unit": "foorumia ja verkostoa",
            },
            {
                "name": "Kumppanuussopimusten määrä ja yhteistyön vaikuttavuuden seuranta",
                "source": "computed",
                "spec": "associations.partnership_agreements_valid,associations.partnership_discussions_held",
                "unit": "sopimusta",
            },
            {
                "name": "Yhteiset hankkeet kaupungin ja yhdistysten kanssa",
                "source": "computed",
                "spec": "associations.joint_projects",
                "unit": "hanketta",
            },
            {
                "name": "Yhdistysten kokemus yhteistyön toimivuudesta ja vaikuttamismahdollisuuksista",
                "source": "survey",
                "spec": "Kuinka hyvin yhteistyö kaupungin kanssa toimii ja kuinka hyvin yhdistyksenne voi "
                "vaikuttaa? (1–5)",
                "unit": "keskiarvo 1–5",
            },
        ],
    },
    {
        "title": "Tilat",
        "goal_state": [
            "Yhdistysten ja asukkaiden käyttöön tarjotaan yhteneväinen, saavutettava ja "
            "käyttäjäystävällinen palvelumalli kaupungin tilojen varaamisesta. Tieto kaupungin "
            "tarjoamista tiloista on helposti löydettävissä. Varausten tekeminen on sujuvaa ja käyttö "
            "vaivatonta, kun ohjeistukset tilojen käyttötarkoituksista, varausmahdollisuuksista, "
            "hinnoittelusta, varusteista ja käyttöehdoista ovat selkeät. Tilojen varaamista, vuokrausta "
            "ja käyttöä koskeva päätöksenteko on yhdenvertaista ja läpinäkyvää, ja yhdistyksiä "
            "kohdellaan tasapuolisesti.",
            "Tekniset ratkaisut mahdollistavat helppokäyttöisyyden, turvallisuuden ja joustavuuden. "
            "Ajantasainen ja käyttäjälähtöisesti koottu tieto tukee tilojen yhdenvertaista "
            "saavutettavuutta ja helpottaa sopivan tilan löytämistä erilaisiin tarpeisiin.",
            "Yhteiskäyttötilat ovat helposti saavutettavissa ja sijoittuvat eri palvelualueille. Tilat "
            "ovat aktiivisessa ja monipuolisessa käytössä. Yhdistykset ja muut toimijat hyödyntävät "
            "niitä järjestäen asukkaille matalan kynnyksen harrastus- ja ryhmätoimintaa, harjoituksia, "
            "tapahtumia ja turnauksia.",
        ],
        "actions": [
            "Kaupunki edistää yhteiskäyttötilojen aktiivista käyttöä kannustamalla yhdistyksiä "
            "järjestämään asukkaille avointa toimintaa ja tapahtumia.",
            "Kaupungin yhteiskäyttötilojen työryhmä ohjaa yhteiskäyttötilojen kehitystyötä ja varmistaa, "
            "että ratkaisut tukevat kaupungin strategia tavoitteita ja asukkaiden osallistumista.",
            "Kaupunki kehittää tilojen varaamista, vuokrausta ja käyttöä koskevia ohjeita ja käytäntöjä "
            "siten, että päätöksenteko on yhdenvertaista ja läpinäkyvää.",
            "Kaupunki kehittää tilojen varausprosesseja niin, että tilojen varaaminen lyhyt- ja "
            "pitkäaikaiseen käyttöön on yhdistyksille vaivatonta ja sujuvaa.",
            "Kaupunki varmistaa, että tiedot kaupungin tarjoamista tiloista, niiden varustelusta, "
            "hinnoittelusta, käyttömahdollisuuksista ja käyttöehdoista ovat selkeitä, ajantasaisia ja "
            "helposti löydettävissä.",
            "Yhdistyksiä kuullaan säännöllisesti tilavarauksiin, käyttöehtoihin ja tilojen toimivuuteen "
            "liittyvistä kokemuksista, ja palautetta hyödynnetään kehittämisessä.",
        ],
        "indicators": [
            {
                "name": "Yhdistysten palaute yhteiskäyttötiloista, muista tiloista ja tilavarauksesta",
                # The feedback given after each use of a space, with its number of answers (facilities).
                "source": "computed",
                "spec": "facilities.feedback_score",
                "unit": "keskiarvo 1–5",
            },
            {
                "name": "Tilavarauksen ja yhteiskäyttötilojen käytön sujuvuus",
                "source": "survey",
                "spec": "Kuinka sujuvaa tilojen varaaminen ja yhteiskäyttötilojen käyttö on? (1–5)",
                "unit": "keskiarvo 1–5",
            },
            {
                "name": "Yhteiskäyttötilojen käyttöaste ja yhdistysten osuus käytöstä (%)",
                "source": "computed",
                "spec": (
                    "facilities.shared_use_utilisation,facilities.association_share,"
                    "facilities.shared_use_utilisation_by_service_area"
                ),
                "unit": "%",
            },
        ],
    },
    {
        "title": "Avustukset",
        "goal_state": [
            "Avustuskäytännöt ovat ajantasaiset, selkeät ja läpinäkyvät, ja ne muodostavat "
            "johdonmukaisen perustan avustusten valmistelulle ja päätöksenteolle. Yhdistyksille "
            "tarjottava tieto avustusmuodoista, hakukriteereistä, aikatauluista ja "
            "raportointivelvoitteista on helposti saatavilla, ymmärrettävää ja yhdenmukaista.",
            "Avustukset kohdentuvat toimintaan, joka tukee kaupunkistrategian tavoitteiden toteutumista "
            "sekä täydentää olennaisella tavalla kaupungin itse järjestämiä palveluita.",
            "Hakemisen ja raportoinnin käytännöt ovat sujuvia, yhdenvertaisia ja oikeasuhtaisia "
            "avustuksen kokoon ja luonteeseen nähden, ja päätöksenteon perusteet esitetään selkeästi. "
            "Avustusperiaatteita päivitetään ja avustusprosesseja kehitetään yhdistyksiltä saatavaa "
            "arviointi- ja seurantatietoa hyödyntäen.",
        ],
        "actions": [
            "Avustukset julistetaan haettavaksi vuosittain talousarvion määrärahojen puitteissa ja niistä "
            "kuulutetaan kaupungin verkkosivuilla.",
            "Hakukriteerit ja arviointiperusteet kuvataan selkeästi hakuilmoituksissa ja ohjeissa.",
            "Hakemiseen ja raportointiin tarjotaan neuvontaa yhdistyksille.",
            "Avustuspäätökset tehdään vain talousarvioon varattujen määrärahojen puitteissa.",
            "Haku- ja raportointiohjeet sekä päätökset ovat nähtävillä kaupungin verkkosivuilla.",
            "Avustuskäytäntöjä, kuten haku- ja raportointiprosessia kehitetään yhdistyksiä kuulemalla ja "
            "palautetta hyödyntämällä.",
            "Yhdistysyhteistyöryhmä kokoaa avustuksiin liittyen yhdistyskentän palautetta ja kehittämistarpeita.",
            "Avustusperiaatteita ja -käytäntöjä tarkastellaan säännöllisesti ja päivitetään tarpeen "
            "mukaan. Avustusperiaatteiden päivitys toteutetaan tarvittaessa kerran vuodessa.",
            "Yhdistysilloissa välitetään ajantasaista tietoa kaupungin avustuskäytännöistä.",
        ],
        "indicators": [
            {
                "name": "Avustuskyselyjen tulokset",
                "source": "survey",
                "spec": "Kuinka tyytyväisiä olette avustusten hakemiseen ja raportointiin? (1–5)",
                "unit": "keskiarvo 1–5",
            },
            {
                "name": "Avustuksia hakeneiden ja saaneiden yhdistysten määrä/vuosi",
                "source": "computed",
                "spec": "grants.applicants_per_year,grants.recipients_per_year",
                "unit": "yhdistystä",
            },
            {
                "name": "Avustuksilla tuetun toiminnan kohdentuminen strategiaan tavoitteisiin",
                "source": "manual",
                "spec": "",
                "unit": "%",
            },
            {
                "name": "Avustetun toiminnan kohdistuminen palvelualueittain ja ikäryhmittäin",
                "source": "computed",
                "spec": "grants.amount_granted_per_year,grants.amount_by_service_area,grants.amount_by_age_group",
                "unit": "€",
            },
            {
                "name": "Yhdistysyhteistyöryhmän seurannan ja arvioinnin kautta esiin nousevat havainnot "
                "avustusasioden toimivuudesta",
                "source": "manual",
                "spec": "",
                "unit": "havaintoa",
            },
            {
                "name": "Yhdistyksille kohdennettujen palautekyselyjen tulokset avustusten osalta",
                "source": "survey",
                "spec": "Kuinka hyvin avustuksia koskeva tieto ja palvelu vastaavat yhdistyksenne tarpeita? (1–5)",
                "unit": "keskiarvo 1–5",
            },
        ],
    },
    {
        "title": "Viestintä",
        "goal_state": [
            "Porin kaupunki viestii yhdistysyhteistyöstä selkeästi, ennakoivasti ja oikea-aikaisesti. "
            "Yhdistyksillä ja asukkailla on helposti löydettävissä ajantasainen tieto "
            "yhdistysyhteistyöstä ja sen käytännöistä sekä yhdistyksiä koskevista ajankohtaisista "
            "asioista.",
            "Viestintä on monikanavaista ja kohderyhmät huomioivaa, ja yhdistykset tavoitetaan "
            "tarkoituksenmukaisilla kanavilla ja sisällöillä.",
            "Päätöksenteosta ja sen vaikutuksista yhdistykseen viestitään ennakoivasti sekä "
            "ymmärrettävässä ja saavutettavassa muodossa, jotta yhdistyksillä on mahdollisuus varautua "
            "ja vaikuttaa sekä hyödyntää tietoa oman toiminnan suunnittelussa.",
            "Yhteydenpito tukee molemminpuolista tiedonvaihtoa. Kaupunki jakaa tietoa yhdistyksille ja "
            "asukkaille, ja yhdistysten tuottama ajankohtainen tieto (lähellä.fi) saadaan näkyviin "
            "kaupungin verkkosivulle.",
        ],
        "actions": [
            "Yhdistysuutiskirje julkaistaan neljä kertaa vuodessa ja siihen kootaan yhdistysyhteistyön "
            "keskeiset asiat.",
            "Yhdistyksille suunnattu viestintä toteutetaan vuosikellon mukaisesti sekä huomioidaan "
            "ajankohtaiset tarpeet.",
            "Ylläpidetään kaupungin verkkosivuilla ajantasaista ja koottua tietoa yhdistysyhteistyöstä ja "
            "yhteistyön käytännöistä.",
            "Hyödynnetään Lähellä.fi-palvelua ajankohtaisten yhdistysten itse ilmoittamien toimintojen ja "
            "tapahtumien näkyväksi tekemisessä.",
            "Tuotetaan viestintää monikanavaisesti ja lisätään viestintää yhdistysyhteistyöstä myös asukkaille.",
            "Viestitään yhdistysyhteistyöstä selkeästi ja saavutettavasti. Huomioidaan selkeäkielisyys ja "
            "saavutettavuus myös yhdistyksille suunnatuissa uutisissa, verkkosivuilla ja "
            "esitysmateriaaleissa.",
            "Edistetään yhdistyksiä hyödyttävien kaupungin asiantuntijayhteystietojen löydettävyyttä.",
        ],
        "indicators": [
            {
                "name": "Yhdistysuutiskirjeen julkaisukerrat/vuosi",
                "source": "computed",
                "spec": "newsletter.issues_per_year",
                "unit": "numeroa",
            },
            {
                "name": "Yhdistysuutiskirjeen tilaajamäärän kehitys/vuosi",
                "source": "computed",
                "spec": "newsletter.subscriber_change,newsletter.subscribers_at_year_end",
                "unit": "tilaajaa",
            },
            {
                "name": "Lähellä.fi-palveluun rekisteröityneiden porilaisten yhdistysten määrä/vuosi",
                "source": "manual",
                "spec": "",
                "unit": "yhdistystä",
            },
            {
                "name": "Lähellä.fi-palvelussa ilmoitettujen tapahtuma- tai toimintailmoitusten määrän kehitys/vuosi",
                "source": "manual",
                "spec": "",
                "unit": "ilmoitusta",
            },
            {
                "name": "Yhdistyksille kohdistettujen palautekyselyjen tulokset viestinnän osalta",
                "source": "survey",
                "spec": "Kuinka hyvin kaupungin viestintä yhdistyksille palvelee yhdistystänne? (1–5)",
                "unit": "keskiarvo 1–5",
            },
            {
                "name": "Yhdistyksille tarkoitettujen kaupungin verkkosivujen kävijämäärät",
                "source": "computed",
                "spec": "portal.association_page_visitors",
                "unit": "kävijää",
            },
        ],
    },
]

POZNAN_GOALS = [
    {
        "title": "Zwiększanie roli organizacji pozarządowych w realizacji zadań publicznych Miasta",
        "actions": [
            "zlecanie realizacji zadań publicznych organizacjom pozarządowym poprzez otwarte konkursy "
            "ofert, tryb pozakonkursowy, regranting, zakup usług (w tym wykorzystanie klauzul "
            "społecznych);",
            "udział przedstawicieli organizacji pozarządowych w opiniowaniu ofert w ramach otwartych konkursów ofert;",
            "przygotowywanie i realizacja projektów partnerskich finansowanych ze środków zewnętrznych;",
            "współpraca organizacji pozarządowych z Urzędem Miasta Poznania w procesie przygotowywania i "
            "realizacji innowacji społecznych;",
            "partnerstwo pozafinansowe między Miastem a organizacjami pozarządowymi.",
        ],
    },
    {
        "title": "Stałe usprawnianie wzajemnej komunikacji między Urzędem Miasta a organizacjami pozarządowymi",
        "actions": [
            "wzajemne informowanie o planach, zamierzeniach i kierunkach działań, w szczególności: "
            "współprowadzenie portalu Pozarządowy Poznań i profilu na Facebooku o tej samej nazwie, "
            "prowadzenie Poznańskiej Bazy Organizacji Pozarządowych, wysyłanie newslettera, zapewnienie "
            "funkcjonowania portalu dedykowanego wolontariatowi w Poznaniu."
        ],
    },
    {
        "title": "Zwiększanie udziału organizacji pozarządowych w konsultacjach ogłaszanych przez Miasto",
        "actions": [
            "funkcjonowanie ciał konsultacyjno-doradczych i inicjatywno-doradczych, w szczególności "
            "Poznańskiej Rady Działalności Pożytku Publicznego i Komisji Dialogu Obywatelskiego oraz stałe "
            "rozwijanie współpracy pomiędzy nimi;",
            "współtworzenie i konsultowanie projektów aktów normatywnych z organizacjami pozarządowymi w "
            "dziedzinach dotyczących działalności statutowej danych organizacji pozarządowych na podstawie "
            "uchwały określającej szczegółowy sposób konsultowania.",
        ],
    },
    {
        "title": "Ułatwianie procesu składania ofert i sprawozdań z realizacji zadań publicznych",
        "actions": [
            "doradztwo i udzielanie pomocy merytorycznej organizacjom pozarządowym;",
            "wzmacnianie kompetencji organizacji w zakresie składania ofert na realizację zadań publicznych.",
        ],
    },
    {
        "title": "Zwiększanie roli Miasta w promocji działań organizacji pozarządowych",
        "actions": [
            "obejmowanie patronatem Prezydenta i Poznańskiej Rady Działalności Pożytku Publicznego "
            "przedsięwzięć podejmowanych przez organizacje pozarządowe."
        ],
    },
    {
        "title": "Zwiększanie roli rad osiedli we współpracy z organizacjami pozarządowymi",
        "actions": ["współrealizacja inicjatyw organizacji pozarządowych z radami osiedli."],
    },
    {
        "title": "Tworzenie warunków do społecznej aktywności",
        "actions": [
            "realizacja przedsięwzięć z udziałem mieszkańców poprzez inicjatywę lokalną;",
            "dbałość o rolę organizacji pozarządowych w estetyzacji i funkcjonowaniu społecznym "
            "przestrzeni publicznej.",
        ],
    },
    {
        "title": "Tworzenie warunków do współpracy między organizacjami pozarządowymi oraz nawiązywania relacji "
        "międzysektorowych organizacji z samorządem, biznesem, jednostkami naukowymi i podmiotami "
        "działającymi w ich otoczeniu",
        "actions": [
            "umożliwienie nawiązywania partnerstw biznesu, organizacji pozarządowych, samorządu, jednostek "
            "naukowych i podmiotów działających w ich otoczeniu, na rzecz Miasta i jego mieszkańców."
        ],
    },
    {
        "title": "Wspieranie stabilności organizacji pozarządowych oraz dbanie o ich rozwój",
        "actions": [
            "udzielanie rekomendacji i listów intencyjnych organizacjom współpracującym z Urzędem Miasta "
            "Poznania, które ubiegają się o dofinansowanie projektów finansowanych z innych źródeł "
            "zewnętrznych;",
            "współpraca organizacji pozarządowych z Urzędem Miasta Poznania w procesie przygotowywania i "
            "realizacji innowacji społecznych;",
            "zapewnienie ciągłości funkcjonowania Poznańskiego Centrum Wspierania Organizacji "
            "Pozarządowych i Wolontariatu oraz rozwijanie jego oferty szkoleniowej i doradczej;",
            "udostępnianie/wynajmowanie wolnych lokali użytkowych, z uwzględnieniem różnej formy tytułu "
            "prawnego, w tym najmu na preferencyjnych warunkach, adekwatnie do zapisów obowiązującego "
            "programu dedykowanego organizacjom pozarządowym lub zgodnie z procedurami wynajmu "
            "obowiązującymi u dysponenta lokali.",
        ],
    },
]


def _programme(*, slug, **fields):
    programme, _created = Programme.objects.get_or_create(slug=slug, defaults=fields)
    return programme


def _steering_group():
    group, _created = Group.objects.get_or_create(name=STEERING_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=STEERING_PERMISSIONS)
    )
    return group


def load_pori(*, today=None):
    today = today or timezone.localdate()
    programme = _programme(
        slug=PORI_SLUG,
        city="pori",
        name="Yhdistysyhteistyöohjelma 2026–2029",
        language="fi",
        start_year=2026,
        end_year=2029,
        approved_by="Porin kaupunginhallitus",
        approved_at=dt.date(2026, 4, 20),
    )
    departments = {d.name: d for d in Department.objects.all()}
    survey_year = min(max(today.year, programme.start_year), programme.end_year)
    for order, data in enumerate(PORI_FOCUS_AREAS, start=1):
        area, _created = FocusArea.objects.get_or_create(
            programme=programme,
            order=order,
            defaults={"title": data["title"], "goal_state": "\n\n".join(data["goal_state"])},
        )
        department = departments.get(RESPONSIBLE[order - 1])
        for position, text in enumerate(data["actions"], start=1):
            action, _created = Action.objects.get_or_create(
                focus_area=area, order=position, defaults={"text": text, "responsible_department": department}
            )
            ActionStatus.objects.get_or_create(
                action=action,
                year=survey_year,
                defaults={"status": ActionStatus.Status.ONGOING if position % 3 else ActionStatus.Status.IN_PROGRESS},
            )
        survey = None
        if any(item["source"] == "survey" for item in data["indicators"]):
            survey, _created = Survey.objects.get_or_create(
                programme=programme,
                focus_area=area,
                year=survey_year,
                defaults={
                    "title": f"Yhdistyskysely: {data['title']}",
                    "opens_on": dt.date(survey_year, 1, 1),
                    "closes_on": dt.date(survey_year, 12, 31),
                },
            )
        question_order = 0
        for position, item in enumerate(data["indicators"], start=1):
            question = None
            if item["source"] == "survey":
                question_order += 1
                question, _created = SurveyQuestion.objects.get_or_create(
                    survey=survey, order=question_order, defaults={"text": item["spec"]}
                )
            indicator, _created = Indicator.objects.get_or_create(
                focus_area=area,
                order=position,
                defaults={
                    "name": item["name"],
                    "source": item["source"],
                    "computed_key": item["spec"] if item["source"] == "computed" else "",
                    "survey_question": question,
                    "unit": item["unit"],
                    "responsible_department": department,
                },
            )
            target = TARGETS.get(indicator.computed_key)
            if target is not None:
                for year in programme.years:
                    IndicatorTarget.objects.get_or_create(indicator=indicator, year=year, defaults={"value": target})
        if survey is not None:
            SurveyQuestion.objects.get_or_create(
                survey=survey,
                order=question_order + 1,
                defaults={"text": "Mitä kaupungin pitäisi kehittää? (vapaa teksti)", "kind": SurveyQuestion.Kind.TEXT},
            )
    return programme


def load_poznan():
    programme = _programme(
        slug=POZNAN_SLUG,
        city="poznan",
        name="Program współpracy Miasta Poznania z organizacjami pozarządowymi",
        language="pl",
        start_year=2018,
        end_year=2030,
        approved_by="Rada Miasta Poznania, uchwała Nr LVII/1066/VII/2017",
        approved_at=dt.date(2017, 11, 21),
    )
    for order, goal in enumerate(POZNAN_GOALS, start=1):
        area, _created = FocusArea.objects.get_or_create(
            programme=programme, order=order, defaults={"title": goal["title"], "goal_state": goal["title"]}
        )
        for position, text in enumerate(goal["actions"], start=1):
            Action.objects.get_or_create(focus_area=area, order=position, defaults={"text": text})
    return programme


def load(*, stdout=None):
    _steering_group()
    pori = load_pori()
    load_poznan()
    if stdout is not None:
        stdout.write(
            f"Programme: {pori.name}, {Indicator.objects.filter(focus_area__programme=pori).count()} indicators."
        )
