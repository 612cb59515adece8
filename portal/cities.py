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
        "logo": "img/pori-logo.svg",
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
    """``profile`` with ``portal_name`` in ``language`` when the city has named its site in it."""
    name = profile.get("portal_names", {}).get((language or "").split("-")[0])
    return {**profile, "portal_name": name} if name else profile
