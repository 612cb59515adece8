"""The country layer under the city profile: which register identity and search the registry uses.

The city profile (``portal/cities.py``) names its ``country``; everything Finnish or Polish about
the registry is chosen here, never by a literal elsewhere:

- **FI**: the PRH register number, the business ID (Y-tunnus) and the nine PRH classes; the
  ``finnish`` full-text configuration (stemming).
- **PL**: the KRS number, NIP, REGON, the legal form (art. 3 of the public benefit act) and the
  spheres of public benefit (art. 4 ust. 1) as the classification; PostgreSQL has no Polish
  stemmer, so the ``simple`` configuration over the text without diacritics ("Przyjaciol" finds
  "Przyjaciół"), with the trigram step for typos as in Finland.

Both countries' columns exist in every database (one schema, one set of migrations); a form shows
only its country's, and the database checks each column's format whatever the city.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Country:
    code: str
    # The profile fields of this country's register identity, in the order the form shows them.
    identity_fields: tuple[str, ...]
    # The directory's classification filter (a GET parameter of ``AssociationFilter``).
    classification_filter: str
    # ``associations.search``: the text-search configuration and the stored vector it reads.
    search_config: str
    search_vector_field: str
    search_unaccented: bool


FINLAND = Country(
    code="FI",
    identity_fields=("register_number", "business_id", "prh_class"),
    classification_filter="prh_class",
    search_config="finnish",
    search_vector_field="search_vector",
    search_unaccented=False,
)
POLAND = Country(
    code="PL",
    identity_fields=("legal_form", "krs_number", "nip", "regon", "public_benefit_spheres"),
    classification_filter="sphere",
    search_config="simple",
    search_vector_field="search_vector_plain",
    search_unaccented=True,
)
COUNTRIES = {country.code: country for country in (FINLAND, POLAND)}
ALL_IDENTITY_FIELDS = frozenset(name for country in COUNTRIES.values() for name in country.identity_fields)


def current_country() -> Country:
    """The country of the city profile in use (``settings.CITY_PROFILE["country"]``)."""
    return COUNTRIES[settings.CITY_PROFILE["country"]]


def other_countries_fields(country=None) -> frozenset[str]:
    """Identity fields that belong to other countries: hidden from this city's forms and pages."""
    country = country or current_country()
    return ALL_IDENTITY_FIELDS - set(country.identity_fields)
