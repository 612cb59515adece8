"""Open data: one association as a flat record of public fields (CSV and JSON share it).

Only what the public profile shows: no representatives, no moderation notes, no non-public
entries (the directory's queryset is public entries only).
"""

from associations.countries import POLAND, current_country

EXPORT_COLUMNS = [
    "name",
    "kind",
    "register_number",
    "business_id",
    "prh_class",
    "fields_of_activity",
    "service_areas",
    "age_groups",
    "languages",
    "website",
    "email",
    "phone",
    "founded_year",
    "last_confirmed_on",
    "url",
]


# A Polish city's register identity in place of Finland's (associations.countries).
FINNISH_COLUMNS = ["register_number", "business_id", "prh_class"]
POLISH_COLUMNS = ["legal_form", "krs_number", "nip", "regon", "public_benefit_spheres"]


def export_columns() -> list[str]:
    if current_country() != POLAND:
        return EXPORT_COLUMNS
    at = EXPORT_COLUMNS.index(FINNISH_COLUMNS[0])
    rest = [c for c in EXPORT_COLUMNS if c not in FINNISH_COLUMNS]
    return rest[:at] + POLISH_COLUMNS + rest[at:]


def export_row(association, *, base_url) -> dict:
    columns = export_columns()
    row = _all_fields(association, base_url=base_url, polish=columns is not EXPORT_COLUMNS)
    return {column: row[column] for column in columns}


def _all_fields(association, *, base_url, polish) -> dict:
    identity = (
        {
            "legal_form": association.legal_form,
            "krs_number": association.krs_number,
            "nip": association.nip,
            "regon": association.regon,
            # the points of art. 4 ust. 1, e.g. "1a", "17"
            "public_benefit_spheres": [s.point for s in association.public_benefit_spheres.all()],
        }
        if polish
        else {}
    )
    return {
        **identity,
        "name": association.name,
        "kind": association.kind,
        "register_number": association.register_number,
        "business_id": association.business_id,
        "prh_class": association.prh_class,
        "fields_of_activity": [
            f"{f.parent.name} › {f.name}" if f.parent_id else f.name for f in association.fields_of_activity.all()
        ],
        "service_areas": [a.name for a in association.service_areas.all()],
        "age_groups": [g.name for g in association.age_groups.all()],
        "languages": [lang.code for lang in association.languages.all()],
        "website": association.website,
        "email": association.email,
        "phone": association.phone,
        "founded_year": association.founded_year or "",
        "last_confirmed_on": association.last_confirmed_on.isoformat() if association.last_confirmed_on else "",
        "url": f"{base_url}{association.get_absolute_url()}",
    }
