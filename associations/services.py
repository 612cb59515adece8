"""Writes of the association registry: each function validates, locks, saves, logs and queues e-mail.

All take keyword arguments and run in one transaction, so an e-mail (an outbox row) exists exactly
when the change it announces does. History (django-simple-history) records who changed what; a
service sets ``_history_user`` so the record names the person also outside a request.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Event, Membership, PartnershipAgreement
from associations.tokens import confirmation_token
from associations.validators import (
    BUSINESS_ID_TAKEN,
    REGISTER_NUMBER_TAKEN,
    normalize_business_id,
    normalize_register_number,
)
from portal.links import without_links
from portal.moderation import REASON_REQUIRED, clean_reason, moderation_approve, moderation_reject, moderation_resubmit
from portal.outbox import change_key, notify

# --- Messages (tests assert on these) -------------------------------------------------------
ALREADY_REPRESENTS = _("You already represent this association or your request is waiting for approval.")
CANNOT_CLAIM_REJECTED = _("This entry is not open for claims. Contact the association coordinator.")
CLAIM_TOO_SOON = _(
    "Your earlier request to represent this association was not approved. You can ask again from %(date)s, "
    "or contact the association coordinator."
)
# A claimant who was refused waits this long before asking the same association again: each claim
# e-mails its administrators, so repeats must not become a way to pester them.
CLAIM_RETRY_DAYS = 30
LAST_ADMIN = _("The association must keep at least one administrator. Appoint another one first.")
NOT_PENDING = _("This request has already been decided.")
NOT_ALLOWED = _("You are not allowed to do this.")

PROFILE_FIELDS = (
    "name",
    "kind",
    "register_number",
    "business_id",
    "prh_class",
    "description",
    "email",
    "phone",
    "website",
    "founded_year",
    "is_public",
)
PROFILE_M2M_FIELDS = ("fields_of_activity", "service_areas", "age_groups", "languages")
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "place",
    "online_url",
    "link",
    "poster_alt",
    "report",
)
CONFIRMATION_INTERVAL_DAYS = 365


def _language():
    return settings.LANGUAGE_CODE


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


def _coordinator_email():
    return settings.CITY_PROFILE["coordinator_email"]


def unique_slug(name, *, exclude_pk=None):
    """A slug for ``name`` not used by another association: ``porin-karhut``, ``porin-karhut-2`` …"""
    from associations.urls import RESERVED_SLUGS

    base = slugify(name)[:200] or "association"
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


def _check_identifiers(association):
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
    others = Association.objects.exclude(pk=association.pk)
    if association.register_number and others.filter(register_number=association.register_number).exists():
        errors["register_number"] = [REGISTER_NUMBER_TAKEN]
    if association.business_id and others.filter(business_id=association.business_id).exists():
        errors["business_id"] = [BUSINESS_ID_TAKEN]
    if errors:
        raise ValidationError(errors)


def _save_association(association, *, update_fields=None, attempts=5):
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
            text = str(exc)
            if "register_number" in text:
                raise ValidationError({"register_number": [REGISTER_NUMBER_TAKEN]})
            if "business_id" in text:
                raise ValidationError({"business_id": [BUSINESS_ID_TAKEN]})
            if "slug" in text and attempt < attempts - 1:
                association.slug = f"{unique_slug(association.name)[:200]}-{secrets.token_hex(2)}"
                continue
            raise


def _apply_profile(association, data, *, logo=None, clear_logo=False):
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            setattr(association, field, "" if value is None and field != "founded_year" else value)
    if logo is not None:
        association.logo = logo
    elif clear_logo:
        association.logo = ""


def _set_m2m(association, data):
    for field in PROFILE_M2M_FIELDS:
        if field in data:
            getattr(association, field).set(data[field])


def association_admin_emails(association):
    return list(
        Membership.objects.filter(
            association=association, state=Membership.State.APPROVED, role=Membership.Role.ADMIN
        ).values_list("user__email", flat=True)
    )


# --- Associations ---------------------------------------------------------------------------
@transaction.atomic
def association_create(*, user, data, logo=None) -> Association:
    """A representative adds a new entry. It waits for staff moderation before it is public;
    the creator's membership (as the entry's administrator) is decided with it."""
    association = Association(moderation_state=Association.ModerationState.PENDING, created_by=user)
    _apply_profile(association, data, logo=logo)
    association.slug = unique_slug(association.name)
    association.last_confirmed_on = timezone.localdate()
    _check_identifiers(association)
    association._history_user = user
    _save_association(association)
    _set_m2m(association, data)
    Membership.objects.create(
        user=user, association=association, role=Membership.Role.ADMIN, state=Membership.State.PENDING
    )
    notify(
        key=f"association-{association.pk}-submitted",
        to=_coordinator_email(),
        template="association-submitted",
        context={
            "association": association,
            "user_email": user.email,
            "admin_url": _absolute(reverse("admin:associations_association_change", args=[association.pk])),
        },
        language=_language(),
    )
    return association


@transaction.atomic
def association_update_profile(*, association, user, data, logo=None, clear_logo=False) -> Association:
    """A representative edits the profile (seed 003): public at once, kept in history for staff.

    Saving the form also confirms that the profile is current.
    """
    association = Association.objects.select_for_update().get(pk=association.pk)
    _apply_profile(association, data, logo=logo, clear_logo=clear_logo)
    association.slug = association.slug or unique_slug(association.name)
    association.last_confirmed_on = timezone.localdate()
    _check_identifiers(association)
    association._history_user = user
    association._change_reason = "profile edited by a representative"
    _save_association(association)
    _set_m2m(association, data)
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
        _membership_decide(membership=membership, user=user, approve=True, reason="", now=now, notify_user=False)
    recipients = association_admin_emails(association) or ([association.email] if association.email else [])
    for email in recipients:
        notify(
            key=f"{change_key(association, f'association-{association.pk}-approved')}:{email}",
            to=email,
            template="association-approved",
            context={"association": association, "url": _absolute(association.get_absolute_url())},
            language=_language(),
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
        _membership_decide(membership=membership, user=user, approve=False, reason=reason, now=now, notify_user=False)
    for email in recipients:
        notify(
            key=f"{change_key(association, f'association-{association.pk}-rejected')}:{email}",
            to=email,
            template="association-rejected",
            context={"association": association, "reason": reason},
            language=_language(),
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
                "confirm_url": _absolute(reverse("associations:confirm-token", kwargs={"token": token})),
                "edit_url": _absolute(reverse("associations:edit", kwargs={"slug": association.slug})),
                "last_confirmed_on": association.last_confirmed_on,
            }
            for email in sorted(addresses):
                row = notify(
                    key=f"association-{association.pk}-confirm-{today.year}:{email}",
                    to=email,
                    template="association-confirm-reminder",
                    context=context,
                    language=_language(),
                )
                queued += row is not None
    return queued


# --- Memberships ----------------------------------------------------------------------------
def can_decide_membership(user, association) -> bool:
    """Staff with the change permission, or an approved admin representative of the association."""
    if not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm("associations.change_membership"):
        return True
    return Membership.objects.filter(
        association=association, user=user, state=Membership.State.APPROVED, role=Membership.Role.ADMIN
    ).exists()


@transaction.atomic
def membership_claim(*, user, association, message="") -> Membership:
    """A signed-in user says "I represent this association".

    The request goes to the association's admin representatives; an entry without any goes to
    staff, and its first approved representative becomes its administrator. Only approved entries
    can be claimed; one open request per person and association (the unique constraint), and a
    refused claimant waits ``CLAIM_RETRY_DAYS``. The message is relayed without links.
    """
    association = Association.objects.select_for_update().get(pk=association.pk)
    if association.moderation_state != Association.ModerationState.APPROVED:
        # A new entry is its creator's until staff approve it; a rejected one is nobody's.
        raise ValidationError(CANNOT_CLAIM_REJECTED)
    existing = Membership.objects.filter(user=user, association=association).first()
    if existing and existing.state != Membership.State.REJECTED:
        raise ValidationError(ALREADY_REPRESENTS)
    if existing:
        _check_claim_retry(existing)
    admins = association_admin_emails(association)
    role = Membership.Role.MEMBER if admins else Membership.Role.ADMIN
    membership = existing or Membership(user=user, association=association)
    membership.role = role
    membership.state = Membership.State.PENDING
    membership.message = (message or "").strip()
    membership.decision_reason = ""
    membership.approved_by = None
    membership.approved_at = None
    membership._history_user = user
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:  # the same claim sent twice at once
        raise ValidationError(ALREADY_REPRESENTS)
    recipients = admins or [_coordinator_email()]
    for email in recipients:
        notify(
            key=f"{change_key(membership, f'membership-{membership.pk}-requested')}:{email}",
            to=email,
            template="membership-requested",
            context={
                "association": association,
                "applicant_email": user.email,
                "message": without_links(membership.message),
                "members_url": _absolute(reverse("associations:members", kwargs={"slug": association.slug}))
                if admins
                else _absolute(reverse("admin:associations_membership_change", args=[membership.pk])),
            },
            language=_language(),
        )
    return membership


def _check_claim_retry(membership):
    """Refuse a repeat claim within ``CLAIM_RETRY_DAYS`` of its rejection (the latest history record)."""
    rejected_at = membership.history.order_by("-history_id").values_list("history_date", flat=True).first()
    if rejected_at is None:
        return
    allowed_from = timezone.localtime(rejected_at).date() + dt.timedelta(days=CLAIM_RETRY_DAYS)
    if timezone.localdate() < allowed_from:
        raise ValidationError(CLAIM_TOO_SOON, params={"date": date_format(allowed_from, "SHORT_DATE_FORMAT")})


def _membership_decide(*, membership, user, approve, reason, now, notify_user=True):
    membership.state = Membership.State.APPROVED if approve else Membership.State.REJECTED
    membership.approved_by = user
    membership.approved_at = now if approve else None
    membership.decision_reason = "" if approve else reason
    membership._history_user = user
    membership.save(update_fields=["state", "approved_by", "approved_at", "decision_reason"])
    if notify_user:
        association = membership.association
        notify(
            key=change_key(membership, f"membership-{membership.pk}-{'approved' if approve else 'rejected'}"),
            to=membership.user.email,
            template="membership-approved" if approve else "membership-rejected",
            context={
                "association": association,
                "reason": reason,
                "url": _absolute(reverse("associations:detail", kwargs={"slug": association.slug})),
                "role": membership.get_role_display(),
            },
            language=_language(),
        )


def _locked_membership(membership):
    return Membership.objects.select_for_update().select_related("association", "user").get(pk=membership.pk)


@transaction.atomic
def membership_approve(*, membership, user) -> Membership:
    """Staff or the association's admin representative accept a representative (e-mail to them)."""
    membership = _locked_membership(membership)
    if not can_decide_membership(user, membership.association):
        raise PermissionDenied(NOT_ALLOWED)
    if membership.state != Membership.State.PENDING:
        raise ValidationError(NOT_PENDING)
    _membership_decide(membership=membership, user=user, approve=True, reason="", now=timezone.now())
    return membership


@transaction.atomic
def membership_reject(*, membership, user, reason) -> Membership:
    """Refuse a representative, with the reason e-mailed to them."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    membership = _locked_membership(membership)
    if not can_decide_membership(user, membership.association):
        raise PermissionDenied(NOT_ALLOWED)
    if membership.state != Membership.State.PENDING:
        raise ValidationError(NOT_PENDING)
    _membership_decide(membership=membership, user=user, approve=False, reason=reason, now=timezone.now())
    return membership


def _other_admins_exist(membership):
    return (
        Membership.objects.filter(
            association_id=membership.association_id, state=Membership.State.APPROVED, role=Membership.Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _lock_association_memberships(association_id):
    """Lock the association row: two admins demoting each other at once cannot leave none."""
    Association.objects.select_for_update().filter(pk=association_id).first()


@transaction.atomic
def membership_change_role(*, membership, user, role) -> Membership:
    """The admin representative makes someone an administrator or an ordinary representative."""
    if role not in Membership.Role.values:
        raise ValidationError(NOT_ALLOWED)
    _lock_association_memberships(membership.association_id)
    membership = _locked_membership(membership)
    if not can_decide_membership(user, membership.association):
        raise PermissionDenied(NOT_ALLOWED)
    if membership.role == role:
        return membership
    if membership.is_admin and role != Membership.Role.ADMIN and not _other_admins_exist(membership):
        raise ValidationError(LAST_ADMIN)
    membership.role = role
    membership._history_user = user
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership, user) -> None:
    """The admin representative removes a representative; anyone may leave. The last admin stays."""
    _lock_association_memberships(membership.association_id)
    membership = _locked_membership(membership)
    if membership.user_id != user.pk and not can_decide_membership(user, membership.association):
        raise PermissionDenied(NOT_ALLOWED)
    if membership.is_admin and not _other_admins_exist(membership):
        raise ValidationError(LAST_ADMIN)
    membership._history_user = user
    membership.delete()


# --- Events ---------------------------------------------------------------------------------
def _apply_event(event, data, poster=None, clear_poster=False):
    for field in EVENT_FIELDS:
        if field in data:
            value = data[field]
            setattr(event, field, "" if value is None and field not in _NULLABLE_EVENT_FIELDS else value)
    if poster is not None:
        event.poster = poster
    elif clear_poster:
        event.poster = ""
        event.poster_alt = ""


_NULLABLE_EVENT_FIELDS = {"start_time", "end_date", "end_time", "start_date"}


def _event_submitted(event):
    notify(
        key=change_key(event, f"event-{event.pk}-submitted"),
        to=_coordinator_email(),
        template="event-submitted",
        context={
            "event": event,
            "association": event.association,
            "admin_url": _absolute(reverse("admin:associations_event_change", args=[event.pk])),
        },
        language=_language(),
    )


@transaction.atomic
def event_create(*, association, user, data, poster=None) -> Event:
    """An association posts an event or project news. It waits for staff moderation."""
    event = Event(association=association, created_by=user, moderation_state=Event.ModerationState.PENDING)
    _apply_event(event, data, poster=poster)
    event.full_clean(exclude=["poster"])
    event._history_user = user
    event.save()
    _event_submitted(event)
    return event


@transaction.atomic
def event_update(*, event, user, data, poster=None, clear_poster=False) -> Event:
    """A representative edits the event. Any edit goes back to moderation before it is public again.

    The moderators hear of it when it comes back to them (it was published or rejected) or
    brings a new poster; an edit of an event still waiting adds nothing to their queue.
    """
    event = Event.objects.select_for_update().select_related("association").get(pk=event.pk)
    _apply_event(event, data, poster=poster, clear_poster=clear_poster)
    event.full_clean(exclude=["poster"])
    returned = moderation_resubmit(event)
    event._history_user = user
    event.save()
    if returned or poster is not None:
        _event_submitted(event)
    return event


@transaction.atomic
def event_delete(*, event, user) -> None:
    event = Event.objects.select_for_update().get(pk=event.pk)
    event._history_user = user
    event.delete()


@transaction.atomic
def event_approve(*, event, user) -> Event:
    """Staff publish an event; the poster is told."""
    event = Event.objects.select_for_update(of=("self",)).select_related("association", "created_by").get(pk=event.pk)
    if not moderation_approve(event, user=user):
        return event
    if event.created_by and event.created_by.email:
        notify(
            key=change_key(event, f"event-{event.pk}-approved"),
            to=event.created_by.email,
            template="event-approved",
            context={"event": event, "url": _absolute(event.get_absolute_url())},
            language=_language(),
        )
    return event


@transaction.atomic
def event_reject(*, event, user, reason) -> Event:
    """Staff refuse an event, with the reason e-mailed to the poster."""
    reason = clean_reason(reason)
    event = Event.objects.select_for_update(of=("self",)).select_related("association", "created_by").get(pk=event.pk)
    moderation_reject(event, user=user, reason=reason)
    if event.created_by and event.created_by.email:
        notify(
            key=change_key(event, f"event-{event.pk}-rejected"),
            to=event.created_by.email,
            template="event-rejected",
            context={
                "event": event,
                "reason": reason,
                "url": _absolute(reverse("associations:event-edit", kwargs={"pk": event.pk})),
            },
            language=_language(),
        )
    return event


# --- Partnership agreements -----------------------------------------------------------------
REVIEW_REMINDER_LEAD_DAYS = 14


def agreement_send_review_reminders(*, today=None, lead_days=REVIEW_REMINDER_LEAD_DAYS) -> int:
    """Remind each agreement's responsible person when the annual partnership discussion is due.

    Sent ``lead_days`` before the due date (or at once when overdue), once per due date: the key
    holds it. Returns the number of new outbox rows.
    """
    today = today or timezone.localdate()
    queued = 0
    agreements = (
        PartnershipAgreement.objects.valid_on(today)
        .with_latest_review()
        .select_related("association", "responsible_person", "department")
    )
    for agreement in agreements:
        due = PartnershipAgreement.review_due_date(
            valid_from=agreement.valid_from,
            latest_review_on=agreement.latest_review_on,
            latest_review_next_due=agreement.latest_review_next_due,
        )
        if due - dt.timedelta(days=lead_days) > today:
            continue
        with transaction.atomic():
            row = notify(
                key=f"agreement-{agreement.pk}-review-due-{due:%Y-%m-%d}",
                to=agreement.responsible_person.email,
                template="partnership-review-due",
                context={
                    "agreement": agreement,
                    "association": agreement.association,
                    "due": due,
                    "overdue": due < today,
                    "admin_url": _absolute(
                        reverse("admin:associations_partnershipagreement_change", args=[agreement.pk])
                    ),
                },
                language=_language(),
            )
            queued += row is not None
    return queued


# --- Register import ------------------------------------------------------------------------
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
                _check_identifiers(association)
                association._history_user = user
                association._change_reason = "register import"
                _save_association(association)
                result.outcome = "created" if created else "updated"
        except ValidationError as exc:
            result.outcome = "refused"
            result.reason = " ".join(str(m) for m in exc.messages)
    return results
