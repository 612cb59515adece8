"""Importing an extract of the association register (yhdistysrekisteri, PRH) by register number."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from associations.services.registry import check_identifiers, save_association, unique_slug
from associations.validators import normalize_business_id, normalize_register_number


@dataclass
class ImportRowResult:
    line: int
    register_number: str
    name: str
    outcome: str  # "created" | "updated" | "unchanged" | "refused"
    reason: str = ""


IMPORT_MISSING_REGISTER_NUMBER = _("The register number is missing.")

IMPORT_MISSING_NAME = _("The name is missing.")

IMPORT_UNKNOWN_PRH_CLASS = _("Unknown PRH class %(value)s.")

IMPORT_BAD_YEAR = _("The founding year %(value)s is not a year between 1800 and 2100.")

IMPORT_COLUMNS = ("register_number", "name", "business_id", "prh_class", "founded_year", "website", "email")


def _prh_class_from(value):
    value = (value or "").strip()
    if not value:
        return Association.PRHClass.UNCLASSIFIED
    lowered = value.lower()
    for choice in Association.PRHClass:
        if lowered in {choice.value, str(choice.label).lower()}:
            return choice.value
    return None


def association_import_register_rows(*, rows, user) -> list[ImportRowResult]:
    """Import a register extract (CSV rows as dicts) idempotently by register number.

    An existing entry with the number is updated with the extract's facts (name, business ID,
    PRH class, founding year, and website/e-mail only when the entry has none); a new number
    creates an approved, public entry. Each row is its own transaction: a bad row is refused with
    the reason and the rest go on. Running the same file twice reports every row unchanged.
    """
    from django.core.validators import validate_email

    from associations.validators import validate_http_url

    results = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        raw_number = (row.get("register_number") or "").strip()
        name = " ".join((row.get("name") or "").split())[:200]
        result = ImportRowResult(line=line, register_number=raw_number, name=name, outcome="refused")
        results.append(result)
        try:
            if not raw_number:
                raise ValidationError(IMPORT_MISSING_REGISTER_NUMBER)
            number = normalize_register_number(raw_number)
            result.register_number = number
            if not name:
                raise ValidationError(IMPORT_MISSING_NAME)
            prh_class = _prh_class_from(row.get("prh_class"))
            if prh_class is None:
                raise ValidationError(IMPORT_UNKNOWN_PRH_CLASS, params={"value": row.get("prh_class")})
            year_text = (row.get("founded_year") or "").strip()
            founded_year = None
            if year_text:
                if not year_text.isdigit() or not 1800 <= int(year_text) <= 2100:
                    raise ValidationError(IMPORT_BAD_YEAR, params={"value": year_text})
                founded_year = int(year_text)
            business_id = normalize_business_id(row.get("business_id") or "")
            website = (row.get("website") or "").strip()
            if website:
                validate_http_url(website)
            email = (row.get("email") or "").strip()
            if email:
                validate_email(email)
            with transaction.atomic():
                association = Association.objects.select_for_update().filter(register_number=number).first()
                created = association is None
                if created:
                    association = Association(
                        register_number=number,
                        kind=Association.Kind.REGISTERED,
                        moderation_state=Association.ModerationState.APPROVED,
                        moderated_by=user,
                        moderated_at=timezone.now(),
                    )
                before = {
                    f: getattr(association, f)
                    for f in ("name", "business_id", "prh_class", "founded_year", "website", "email")
                }
                association.name = name
                if business_id:
                    association.business_id = business_id
                association.prh_class = prh_class
                if founded_year:
                    association.founded_year = founded_year
                if website and not association.website:
                    association.website = website
                if email and not association.email:
                    association.email = email
                after = {f: getattr(association, f) for f in before}
                if not created and before == after:
                    result.outcome = "unchanged"
                    continue
                if created:
                    association.slug = unique_slug(name)
                check_identifiers(association)
                association._history_user = user
                association._change_reason = "register import"
                save_association(association)
                result.outcome = "created" if created else "updated"
        except ValidationError as exc:
            result.outcome = "refused"
            result.reason = " ".join(str(m) for m in exc.messages)
    return results
