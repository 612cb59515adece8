"""City profiles: the per-city facts templates and services read instead of literals.

Choose one with the ``CITY`` environment variable. Pori is the default; Poznań shows that a
Polish city with another currency, language and programme shape works from the same code.
"""

CITY_PROFILES = {
    "pori": {
        "key": "pori",
        "name": "Pori",
        "portal_name": "Porin yhdistysportaali",
        # The site's name in the other languages; a language without one shows ``portal_name``.
        "portal_names": {
            "sv": "Föreningsportalen i Björneborg",
            "en": "Pori associations portal",
            "pl": "Portal organizacji miasta Pori",
        },
        # The coat of arms, drawn simplified for the header and the favicon; its text alternative
        # per language (``logo_alt`` after ``localized_profile``), Finnish where a language has none.
        "logo": "img/pori-logo.svg",
        "logo_alts": {
            "fi": "Porin vaakuna",
            "sv": "Björneborgs stadsvapen",
            "en": "Coat of arms of Pori",
            "pl": "Herb miasta Pori",
        },
        "colours": {"primary": "#00549f", "primary_dark": "#003a70", "accent": "#e4003a", "surface": "#f4f7fb"},
        "currency": "EUR",
        "time_zone": "Europe/Helsinki",
        "default_language": "fi",
        "country": "FI",
        "coordinator_email": "yhdistysyhteistyo@pori.fi",
        "programme": "Yhdistysyhteistyöohjelma 2026–2029",
    },
    "poznan": {
        "key": "poznan",
        "name": "Poznań",
        "portal_name": "Poznań — organizacje pozarządowe",
        "portal_names": {"en": "Poznań — non-governmental organisations"},
        "logo": "img/poznan-logo.svg",
        "logo_alts": {
            "pl": "Herb Poznania",
            "en": "Coat of arms of Poznań",
            "fi": "Poznańin vaakuna",
            "sv": "Poznańs stadsvapen",
        },
        "colours": {"primary": "#1d4f91", "primary_dark": "#123563", "accent": "#c8102e", "surface": "#f5f6f8"},
        "currency": "PLN",
        "time_zone": "Europe/Warsaw",
        "default_language": "pl",
        "country": "PL",
        "coordinator_email": "ngo@um.poznan.pl",
        "programme": "Program współpracy z organizacjami pozarządowymi",
        # The yearly report's statutory outline (portal/programme/outlines.py): art. 5a ust. 3.
        "report_outline": "pl_statutory",
    },
}


def localized_profile(profile, language):
    """``profile`` with ``portal_name`` in ``language`` when the city has named its site in it, and
    ``logo_alt``: the logo's text in ``language``, else in the city's default language."""
    code = (language or "").split("-")[0]
    alts = profile.get("logo_alts", {})
    localized = {**profile, "logo_alt": alts.get(code) or alts.get(profile.get("default_language"), profile["name"])}
    name = profile.get("portal_names", {}).get(code)
    return {**localized, "portal_name": name} if name else localized
