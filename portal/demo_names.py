"""The demo's city-managed names in Swedish, English and Polish (Pori is bilingual: fi and sv).

``translate(obj)`` fills the other languages' columns of a name the demo created in Finnish and
leaves a name someone has already translated as it is, so loading the demo twice changes nothing.
"""

# Finnish name: (Swedish, English, Polish)
NAMES = {
    # Departments
    "Konsernihallinto": ("Koncernförvaltningen", "Group Administration", "Administracja miasta"),
    "Sivistystoimiala": ("Bildningssektorn", "Education and Culture", "Wydział Edukacji i Kultury"),
    "Kaupunkiympäristö": ("Stadsmiljö", "Urban Environment", "Środowisko miejskie"),
    "Hyvinvointi ja osallisuus": ("Välfärd och delaktighet", "Wellbeing and Participation", "Dobrostan i partycypacja"),
    # Service areas
    "Koko Pori": ("Hela Björneborg", "All of Pori", "Całe Pori"),
    "Keskusta": ("Centrum", "City centre", "Centrum"),
    "Länsi-Pori": ("Västra Björneborg", "West Pori", "Zachodnie Pori"),
    "Pohjois-Pori": ("Norra Björneborg", "North Pori", "Północne Pori"),
    "Itä-Pori": ("Östra Björneborg", "East Pori", "Wschodnie Pori"),
    "Etelä-Pori": ("Södra Björneborg", "South Pori", "Południowe Pori"),
    "Noormarkku": ("Norrmark", "Noormarkku", "Noormarkku"),
    "Ahlainen": ("Henriksdal", "Ahlainen", "Ahlainen"),
    "Lavia": ("Lavia", "Lavia", "Lavia"),
    # Age groups
    "Lapset (0–12 v.)": ("Barn (0–12 år)", "Children (0–12)", "Dzieci (0–12 lat)"),
    "Nuoret (13–28 v.)": ("Unga (13–28 år)", "Young people (13–28)", "Młodzież (13–28 lat)"),
    "Työikäiset (29–64 v.)": (
        "I arbetsför ålder (29–64 år)",
        "Working age (29–64)",
        "W wieku produkcyjnym (29–64 lat)",
    ),
    "Ikääntyneet (65+ v.)": ("Äldre (65+ år)", "Older people (65+)", "Seniorzy (65+ lat)"),
    "Kaikenikäiset": ("Alla åldrar", "All ages", "Wszystkie grupy wiekowe"),
    # Contact topics
    "Yhdistysyhteistyö ja neuvonta": (
        "Föreningssamarbete och rådgivning",
        "Association cooperation and advice",
        "Współpraca i doradztwo",
    ),
    "Avustukset": ("Understöd", "Grants", "Dotacje"),
    "Kumppanuussopimukset": ("Partnerskapsavtal", "Partnership agreements", "Umowy partnerskie"),
    "Tilat ja tilavaraukset": ("Lokaler och lokalbokning", "Premises and bookings", "Lokale i rezerwacje"),
    "Tapahtumayhteistyö": ("Evenemangssamarbete", "Event cooperation", "Współpraca przy wydarzeniach"),
    "Liikunta ja urheiluseurat": ("Motion och idrottsföreningar", "Sport and sports clubs", "Sport i kluby sportowe"),
    "Kulttuuri": ("Kultur", "Culture", "Kultura"),
    "Nuorisotyö": ("Ungdomsarbete", "Youth work", "Praca z młodzieżą"),
    "Viestintä ja uutiskirje": (
        "Kommunikation och nyhetsbrev",
        "Communication and newsletter",
        "Komunikacja i newsletter",
    ),
    "Mediayhteistyö": ("Mediesamarbete", "Media cooperation", "Współpraca z mediami"),
    "Yhdistysillat, työpajat ja vuosikello": (
        "Föreningskvällar, verkstäder och årsklocka",
        "Association evenings, workshops and the annual clock",
        "Wieczory organizacji, warsztaty i kalendarz roczny",
    ),
    # Forums
    "Yhdistysyhteistyöryhmä": (
        "Arbetsgruppen för föreningssamarbete",
        "Association cooperation working group",
        "Grupa robocza ds. współpracy",
    ),
    "Seuraparlamentti": ("Föreningsparlamentet", "Sports clubs' parliament", "Parlament klubów sportowych"),
    "Yhdistysillat": ("Föreningskvällar", "Association evenings", "Wieczory organizacji"),
    "Yhdistysten työpajat": ("Verkstäder för föreningar", "Workshops for associations", "Warsztaty dla organizacji"),
    "Yhteiskäyttötilojen työryhmä": (
        "Arbetsgruppen för samutnyttjade lokaler",
        "Shared premises working group",
        "Grupa robocza ds. lokali wspólnych",
    ),
    # Fields of activity
    "Liikunta ja urheilu": ("Motion och idrott", "Sport and exercise", "Sport i rekreacja"),
    "Palloilu": ("Bollsporter", "Ball games", "Gry zespołowe"),
    "Yleisurheilu": ("Friidrott", "Athletics", "Lekkoatletyka"),
    "Talviurheilu": ("Vintersport", "Winter sports", "Sporty zimowe"),
    "Vesiurheilu": ("Vattensport", "Water sports", "Sporty wodne"),
    "Kuntoliikunta": ("Motion", "Fitness", "Rekreacja ruchowa"),
    "Ratsastus": ("Ridsport", "Riding", "Jeździectwo"),
    "Kamppailulajit": ("Kampsporter", "Martial arts", "Sporty walki"),
    "Musiikki": ("Musik", "Music", "Muzyka"),
    "Teatteri": ("Teater", "Theatre", "Teatr"),
    "Kuvataide": ("Bildkonst", "Visual arts", "Sztuki plastyczne"),
    "Tanssi": ("Dans", "Dance", "Taniec"),
    "Kirjallisuus": ("Litteratur", "Literature", "Literatura"),
    "Kotiseututyö": ("Hembygdsarbete", "Local heritage", "Dziedzictwo lokalne"),
    "Lapset ja nuoret": ("Barn och unga", "Children and young people", "Dzieci i młodzież"),
    "Partio": ("Scouting", "Scouting", "Harcerstwo"),
    "Kerhotoiminta": ("Klubbverksamhet", "Clubs", "Kółka zainteresowań"),
    "Sosiaali- ja terveysala": ("Social- och hälsovård", "Social and health", "Zdrowie i pomoc społeczna"),
    "Vertaistuki": ("Kamratstöd", "Peer support", "Wsparcie rówieśnicze"),
    "Potilas- ja vammaisjärjestöt": (
        "Patient- och handikapporganisationer",
        "Patient and disability organisations",
        "Organizacje pacjentów i osób z niepełnosprawnościami",
    ),
    "Mielenterveys": ("Mental hälsa", "Mental health", "Zdrowie psychiczne"),
    "Päihdetyö": ("Missbruksarbete", "Substance abuse work", "Przeciwdziałanie uzależnieniom"),
    "Ikäihmiset": ("Äldre", "Older people", "Seniorzy"),
    "Eläkeläistoiminta": ("Pensionärsverksamhet", "Pensioners' activities", "Kluby emerytów"),
    "Senioriliikunta": ("Seniormotion", "Exercise for seniors", "Sport seniorów"),
    "Asukas- ja kylätoiminta": ("Invånar- och byaverksamhet", "Residents and villages", "Mieszkańcy i wsie"),
    "Kyläyhdistykset": ("Byaföreningar", "Village associations", "Stowarzyszenia wiejskie"),
    "Asukasyhdistykset": ("Invånarföreningar", "Residents' associations", "Stowarzyszenia mieszkańców"),
    "Luonto ja ympäristö": ("Natur och miljö", "Nature and environment", "Przyroda i środowisko"),
    "Luonnonsuojelu": ("Naturskydd", "Nature conservation", "Ochrona przyrody"),
    "Metsästys ja kalastus": ("Jakt och fiske", "Hunting and fishing", "Łowiectwo i wędkarstwo"),
    "Puutarha": ("Trädgård", "Gardening", "Ogrodnictwo"),
    "Monikulttuurisuus ja kansainvälisyys": (
        "Mångkultur och internationalitet",
        "Multicultural and international",
        "Wielokulturowość i współpraca międzynarodowa",
    ),
    "Kotoutuminen": ("Integration", "Integration", "Integracja"),
    "Ystävyysseurat": ("Vänskapsföreningar", "Friendship societies", "Towarzystwa przyjaźni"),
    "Vaikuttaminen ja ammatit": ("Påverkan och yrken", "Advocacy and professions", "Rzecznictwo i zawody"),
    "Poliittinen toiminta": ("Politisk verksamhet", "Politics", "Działalność polityczna"),
    "Ammatti- ja elinkeinojärjestöt": (
        "Yrkes- och näringslivsorganisationer",
        "Professional and trade organisations",
        "Organizacje zawodowe i gospodarcze",
    ),
    "Turvallisuus ja maanpuolustus": ("Säkerhet och försvar", "Safety and defence", "Bezpieczeństwo i obronność"),
    "Vapaapalokunnat": ("Frivilliga brandkårer", "Volunteer fire brigades", "Ochotnicze straże pożarne"),
    "Maanpuolustus": ("Försvar", "National defence", "Obronność"),
    "Hengellinen toiminta": ("Andlig verksamhet", "Religious activities", "Działalność religijna"),
}
LANGUAGES = ("sv", "en", "pl")


def translate(obj, field="name", source_language="fi"):
    """Fill ``obj``'s empty Swedish, English and Polish names from ``NAMES``; save what changed."""
    source = getattr(obj, f"{field}_{source_language}", None)
    translations = NAMES.get(source)
    if not translations:
        return
    changed = []
    for language, text in zip(LANGUAGES, translations, strict=True):
        column = f"{field}_{language}"
        if not getattr(obj, column, None):
            setattr(obj, column, text)
            changed.append(column)
    if changed:
        type(obj).objects.filter(pk=obj.pk).update(**{column: getattr(obj, column) for column in changed})
