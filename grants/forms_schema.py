"""Application forms kept as files (``grants/schemas/``): the statutory Polish offer forms.

A schema file holds ``title``, ``note``, ``fields`` and ``report_fields`` in the shape of
``FormVersion.fields`` (the offer and its statutory report).
``form_version_from_schema`` turns one into the grant type's next form version, so the statutory
form is versioned like any other (applications already made keep their own version).
"""

import json
from pathlib import Path

from django.db import transaction

from grants.models import FormVersion

SCHEMAS = Path(__file__).resolve().parent / "schemas"
# key → file; the grant kinds they belong to (Poland, seed 004).
FORM_SCHEMAS = {
    "pl-offer-2018": "pl-offer-2018.json",  # open competition of offers (otwarty konkurs ofert)
    "pl-simplified-offer-2018": "pl-simplified-offer-2018.json",  # small grant outside competition (art. 19a)
}


def load_schema(key):
    """The schema as a dict; its fields checked as a form version would check them."""
    data = json.loads((SCHEMAS / FORM_SCHEMAS[key]).read_text(encoding="utf-8"))
    data.setdefault("report_fields", [])
    FormVersion(fields=data["fields"], report_fields=data["report_fields"]).clean()
    return data


@transaction.atomic
def form_version_from_schema(*, grant_type, key, user=None) -> FormVersion:
    """The grant type's newest version if it already has the schema's fields, else a new version."""
    data = load_schema(key)
    latest = FormVersion.objects.select_for_update().filter(grant_type=grant_type).order_by("-number").first()
    if latest is not None and latest.fields == data["fields"] and latest.report_fields == data["report_fields"]:
        return latest
    version = FormVersion(
        grant_type=grant_type,
        number=(latest.number + 1) if latest else 1,
        fields=data["fields"],
        report_fields=data["report_fields"],
        note=data["title"][:300],
        created_by=user,
    )
    version.full_clean()
    version.save()
    return version
