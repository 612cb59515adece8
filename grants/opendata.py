"""Open data of the decisions, shaped after the 360Giving Data Standard.

Each published positive decision is one grant with the standard's required fields: ``id``,
``title``, ``description``, ``currency``, ``amountAwarded``, ``awardDate``,
``recipientOrganization`` and ``fundingOrganization``. A registered recipient is identified by
its Finnish business ID (``FI-PRO-1234567-8``, the org-id.guide list of the Finnish Patent and
Registration Office); one without is given an identifier under the publisher's own prefix.
``grants/schemas/360giving-grant.schema.json`` is the schema the export is tested against.
"""

from django.conf import settings
from django.utils import timezone

BUSINESS_ID_SCHEME = "FI-PRO"
CSV_COLUMNS = [
    ("id", "Identifier"),
    ("title", "Title"),
    ("description", "Description"),
    ("currency", "Currency"),
    ("amountAwarded", "Amount Awarded"),
    ("awardDate", "Award Date"),
    ("recipient_id", "Recipient Org:Identifier"),
    ("recipient_name", "Recipient Org:Name"),
    ("funder_id", "Funding Org:Identifier"),
    ("funder_name", "Funding Org:Name"),
    ("programme", "Grant Programme:Title"),
    ("department", "Funding Org:Department"),
    ("url", "URL"),
]


def id_prefix():
    """The publisher's 360Giving prefix: ``360G-<city>``."""
    return getattr(settings, "GRANTS_360_PREFIX", f"360G-{settings.CITY_PROFILE['key']}")


def funder():
    return {
        "id": getattr(settings, "GRANTS_FUNDER_ID", id_prefix()),
        "name": settings.CITY_PROFILE.get("city_name") or settings.CITY_PROFILE["name"],
    }


def recipient_id(association):
    if association.business_id:
        return f"{BUSINESS_ID_SCHEME}-{association.business_id}"
    return f"{id_prefix()}-association-{association.pk}"


def grant_record(decision, *, base_url) -> dict:
    application = decision.application
    round_ = application.round
    association = application.association
    return {
        "id": f"{id_prefix()}-grant-{decision.pk}",
        "title": application.title,
        "description": application.summary or application.title,
        "currency": round_.currency,
        "amountAwarded": float(decision.amount),
        "awardDate": timezone.localtime(decision.decided_at).date().isoformat(),
        "recipientOrganization": [{"id": recipient_id(association), "name": association.name}],
        "fundingOrganization": [{**funder(), "department": round_.department.name}],
        "grantProgramme": [{"title": round_.title, "code": round_.slug}],
        "url": f"{base_url}{round_.get_absolute_url()}",
    }


def grant_row(record) -> dict:
    flat = {
        **record,
        "recipient_id": record["recipientOrganization"][0]["id"],
        "recipient_name": record["recipientOrganization"][0]["name"],
        "funder_id": record["fundingOrganization"][0]["id"],
        "funder_name": record["fundingOrganization"][0]["name"],
        "department": record["fundingOrganization"][0]["department"],
        "programme": record["grantProgramme"][0]["title"],
        "amountAwarded": f"{record['amountAwarded']:.2f}",
    }
    return {header: flat[key] for key, header in CSV_COLUMNS}
