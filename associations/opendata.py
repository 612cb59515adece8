"""Open data: one association as a flat record of public fields (CSV and JSON share it).

Only what the public profile shows: no representatives, no moderation notes, no non-public
entries (the directory's queryset is public entries only).
"""

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


def export_row(association, *, base_url) -> dict:
    return {
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
