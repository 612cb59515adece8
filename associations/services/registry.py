"""The registry's entries: adding, editing and confirming a profile, and staff moderation of new ones.

Each function validates, locks, saves (with history naming the person) and queues e-mail through
the outbox in one transaction, so an e-mail exists exactly when the change it announces does.
Association e-mails are in the site's default language (associations have no language of their
own), links too.
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from associations.models import Association, Membership
from associations.poland import KRS_TAKEN, NIP_TAKEN, REGON_TAKEN, normalize_krs, normalize_nip, normalize_regon
from associations.services.memberships import association_admin_emails, membership_decide
from associations.tokens import confirmation_token
from associations.validators import (
    BUSINESS_ID_TAKEN,
    REGISTER_NUMBER_TAKEN,
    normalize_business_id,
    normalize_register_number,
)
from portal.db import assign_fields, set_many_to_many, violated_constraint
from portal.links import absolute_url
from portal.moderation import clean_reason, moderation_approve, moderation_reject
from portal.outbox import change_key, coordinator_email, notify, site_language

# The profile's fields, in the order the form shows them: ``AssociationProfileForm.Meta.fields``
# is this list, so the form and the service cannot drift apart. The logo is a checked upload and
# comes separately.
PROFILE_FIELDS = (
    "name",
    "kind",
    "register_number",
    "business_id",
    "prh_class",
    # Poland's (associations.countries: a form shows only its country's identity fields)
    "legal_form",
    "krs_number",
    "nip",
    "regon",
    "public_benefit_spheres",
    "fields_of_activity",
    "description",
    "website",
    "email",
    "phone",
    "service_areas",
    "age_groups",
    "languages",
    "founded_year",
    "logo",
    "is_public",
)
PROFILE_FILES = ("logo",)
CONFIRMATION_INTERVAL_DAYS = 365


# Letters slugify() would drop, not decompose: "Przyjaciół" must become "przyjaciol", not "przyjacio".
SLUG_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss"})


def unique_slug(name, *, exclude_pk=None):
    """A slug for ``name`` not used by another association: ``porin-karhut``, ``porin-karhut-2`` …"""
    from associations.urls import RESERVED_SLUGS

    base = slugify(name.translate(SLUG_LETTERS))[:200] or "association"
    if base in RESERVED_SLUGS:
        base = f"{base}-ry"
    slug, n = base, 1
    existing = Association.objects.all()
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    while existing.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def check_identifiers(association):
    """Normalise register number and business ID and refuse ones another entry has.

    The database constraints hold the rule under concurrency; this gives the clear message first.
    """
    errors = {}
    try:
        association.register_number = normalize_register_number(association.register_number)
    except ValidationError as exc:
        errors["register_number"] = exc.messages
    try:
        association.business_id = normalize_business_id(association.business_id)
    except ValidationError as exc:
        errors["business_id"] = exc.messages
    for field, normalize in POLISH_IDENTIFIERS.items():
        try:
            setattr(association, field, normalize(getattr(association, field)))
        except ValidationError as exc:
            errors[field] = exc.messages
    others = Association.objects.exclude(pk=association.pk)
    for field, message in IDENTIFIER_TAKEN.items():
        value = getattr(association, field)
        if field not in errors and value and others.filter(**{field: value}).exists():
            errors[field] = [message]
    if errors:
        raise ValidationError(errors)


POLISH_IDENTIFIERS = {"krs_number": normalize_krs, "nip": normalize_nip, "regon": normalize_regon}
IDENTIFIER_TAKEN = {
    "register_number": REGISTER_NUMBER_TAKEN,
    "business_id": BUSINESS_ID_TAKEN,
    "krs_number": KRS_TAKEN,
    "nip": NIP_TAKEN,
    "regon": REGON_TAKEN,
}
# A lost race on a unique identifier, by the constraint's name: the field and its message.
UNIQUE_IDENTIFIER_CONSTRAINTS = {
    "association_register_number_unique": "register_number",
    "association_business_id_unique": "business_id",
    "association_krs_number_unique": "krs_number",
    "association_nip_unique": "nip",
    "association_regon_unique": "regon",
}

# PostgreSQL's name for the slug field's UNIQUE (``unique=True``, migration 0001).
SLUG_CONSTRAINT = "associations_association_slug_key"


def save_association(association, *, update_fields=None, attempts=5):
    """Save, turning a lost race on a unique value into the same message the form gives.

    Two people adding the same association at once: the register number (or business ID)
    goes to the first; the second gets the "already has" message. A slug taken in the
    meantime is replaced by a fresh one.
    """
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                association.save(update_fields=update_fields)
            return
        except IntegrityError as exc:
            constraint = violated_constraint(exc)
            if constraint in UNIQUE_IDENTIFIER_CONSTRAINTS:
                field = UNIQUE_IDENTIFIER_CONSTRAINTS[constraint]
                raise ValidationError({field: [IDENTIFIER_TAKEN[field]]}) from exc
            if constraint == SLUG_CONSTRAINT and attempt < attempts - 1:
                association.slug = f"{unique_slug(association.name)[:200]}-{secrets.token_hex(2)}"
                continue
            raise


def _apply_profile(association, data, *, logo=None, clear_logo=False) -> dict:
    """Copy the form's data; returns the many-to-many values to set after the save."""
    many = assign_fields(association, data, PROFILE_FIELDS, files=PROFILE_FILES)
    if logo is not None:
        association.logo = logo
    elif clear_logo:
        association.logo = ""
    return many


@transaction.atomic
def association_create(*, user, data, logo=None) -> Association:
    """A representative adds a new entry. It waits for staff moderation before it is public;
    the creator's membership (as the entry's administrator) is decided with it."""
    association = Association(moderation_state=Association.ModerationState.PENDING, created_by=user)
    many = _apply_profile(association, data, logo=logo)
    association.slug = unique_slug(association.name)
    association.last_confirmed_on = timezone.localdate()
    check_identifiers(association)
    association._history_user = user
    save_association(association)
    set_many_to_many(association, many)
    Membership.objects.create(
        user=user, association=association, role=Membership.Role.ADMIN, state=Membership.State.PENDING
    )
    notify(
        key=f"association-{association.pk}-submitted",
        to=coordinator_email(),
        template="association-submitted",
        context={
            "association": association,
            "user_email": user.email,
            "admin_url": absolute_url(
                "admin:associations_association_change", args=[association.pk], language=site_language()
            ),
        },
        language=site_language(),
    )
    return association


@transaction.atomic
def association_update_profile(*, association, user, data, logo=None, clear_logo=False) -> Association:
    """A representative edits the profile (seed 003): public at once, kept in history for staff.

    Saving the form also confirms that the profile is current.
    """
    association = Association.objects.select_for_update().get(pk=association.pk)
    many = _apply_profile(association, data, logo=logo, clear_logo=clear_logo)
    association.slug = association.slug or unique_slug(association.name)
    association.last_confirmed_on = timezone.localdate()
    check_identifiers(association)
    association._history_user = user
    association._change_reason = "profile edited by a representative"
    save_association(association)
    set_many_to_many(association, many)
    return association


@transaction.atomic
def association_confirm_current(*, association, user=None, today=None) -> Association:
    """The yearly "our profile is current" confirmation. Idempotent within a day."""
    today = today or timezone.localdate()
    association = Association.objects.select_for_update().get(pk=association.pk)
    if association.last_confirmed_on != today:
        association.last_confirmed_on = today
        association._history_user = user
        association._change_reason = "profile confirmed current"
        association.save(update_fields=["last_confirmed_on", "updated_at"])
    return association


def _rejection_recipients(association):
    """Who reads why a new entry was refused: its creator only (staff see it in the admin).

    Not anyone who claimed it meanwhile, nor its public address (typed by the same unverified
    creator): the reason may say things meant for the applicant alone.
    """
    creator = association.created_by
    return [creator.email] if creator and creator.email else []


@transaction.atomic
def association_approve(*, association, user) -> Association:
    """Staff publish a new entry. Its creator's pending admin membership is approved with it.

    Only the creator's: anyone else who claimed the entry while it waited is decided on their
    own (by the creator, now its administrator, or by staff), never approved in passing.
    """
    association = Association.objects.select_for_update().get(pk=association.pk)
    now = timezone.now()
    if not moderation_approve(association, user=user, now=now):
        return association
    for membership in Membership.objects.select_for_update().filter(
        association=association,
        state=Membership.State.PENDING,
        role=Membership.Role.ADMIN,
        user_id=association.created_by_id,
    ):
        membership_decide(membership=membership, user=user, approve=True, reason="", now=now, notify_user=False)
    recipients = association_admin_emails(association) or ([association.email] if association.email else [])
    for email in recipients:
        notify(
            key=f"{change_key(association, f'association-{association.pk}-approved')}:{email}",
            to=email,
            template="association-approved",
            context={
                "association": association,
                "url": absolute_url("associations:detail", kwargs={"slug": association.slug}, language=site_language()),
            },
            language=site_language(),
        )
    return association


@transaction.atomic
def association_reject(*, association, user, reason) -> Association:
    """Staff refuse a new entry, with the reason e-mailed to its creator."""
    reason = clean_reason(reason)
    association = Association.objects.select_for_update().get(pk=association.pk)
    now = timezone.now()
    moderation_reject(association, user=user, reason=reason, now=now)
    recipients = _rejection_recipients(association)
    for membership in Membership.objects.select_for_update().filter(
        association=association, state=Membership.State.PENDING
    ):
        membership_decide(membership=membership, user=user, approve=False, reason=reason, now=now, notify_user=False)
    for email in recipients:
        notify(
            key=f"{change_key(association, f'association-{association.pk}-rejected')}:{email}",
            to=email,
            template="association-rejected",
            context={"association": association, "reason": reason},
            language=site_language(),
        )
    return association


def associations_due_for_confirmation(*, today=None):
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=CONFIRMATION_INTERVAL_DAYS)
    return Association.objects.filter(moderation_state=Association.ModerationState.APPROVED).filter(
        Q(last_confirmed_on__isnull=True) | Q(last_confirmed_on__lte=cutoff)
    )


def association_send_confirmation_reminders(*, today=None, limit=500) -> int:
    """Once a year, ask each association to confirm its profile is current (outbox).

    The key names the association and the year it became due, so running this daily (or twice)
    mails each address once a year. Returns the number of new outbox rows.
    """
    today = today or timezone.localdate()
    queued = 0
    due = associations_due_for_confirmation(today=today).order_by("pk")[:limit]
    for association in due:
        with transaction.atomic():
            addresses = set(association_admin_emails(association))
            if association.email:
                addresses.add(association.email)
            token = confirmation_token(association)
            context = {
                "association": association,
                "confirm_url": absolute_url(
                    "associations:confirm-token", kwargs={"token": token}, language=site_language()
                ),
                "edit_url": absolute_url(
                    "associations:edit", kwargs={"slug": association.slug}, language=site_language()
                ),
                "last_confirmed_on": association.last_confirmed_on,
            }
            for email in sorted(addresses):
                row = notify(
                    key=f"association-{association.pk}-confirm-{today.year}:{email}",
                    to=email,
                    template="association-confirm-reminder",
                    context=context,
                    language=site_language(),
                )
                queued += row is not None
    return queued
