"""Representatives: "I represent this association" claims and their decision, roles, leaving.

Who may decide: staff with the change permission, or the association's approved administrator.
An association always keeps one administrator. E-mails are in the site's default language.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Membership
from portal.links import absolute_url, without_links
from portal.moderation import clean_reason
from portal.outbox import change_key, coordinator_email, notify, site_language
from portal.permissions import staff_has_perm

# --- Messages (tests assert on these) -------------------------------------------------------
ALREADY_REPRESENTS = _("You already represent this association or your request is waiting for approval.")

CANNOT_CLAIM_REJECTED = _("This entry is not open for claims. Contact the association coordinator.")

CLAIM_TOO_SOON = _(
    "Your earlier request to represent this association was not approved. You can ask again from %(date)s, "
    "or contact the association coordinator."
)

CLAIM_RETRY_DAYS = 30

LAST_ADMIN = _("The association must keep at least one administrator. Appoint another one first.")

NOT_PENDING = _("This request has already been decided.")

NOT_ALLOWED = _("You are not allowed to do this.")


def association_admin_emails(association):
    return list(
        Membership.objects.filter(
            association=association, state=Membership.State.APPROVED, role=Membership.Role.ADMIN
        ).values_list("user__email", flat=True)
    )


def can_decide_membership(user, association) -> bool:
    """Staff with the change permission, or an approved admin representative of the association."""
    if not user.is_authenticated:
        return False
    if staff_has_perm(user, "associations.change_membership"):
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
    recipients = admins or [coordinator_email()]
    for email in recipients:
        notify(
            key=f"{change_key(membership, f'membership-{membership.pk}-requested')}:{email}",
            to=email,
            template="membership-requested",
            context={
                "association": association,
                "applicant_email": user.email,
                "message": without_links(membership.message),
                "members_url": absolute_url(
                    "associations:members", kwargs={"slug": association.slug}, language=site_language()
                )
                if admins
                else absolute_url(
                    "admin:associations_membership_change", args=[membership.pk], language=site_language()
                ),
            },
            language=site_language(),
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


def membership_decide(*, membership, user, approve, reason, now, notify_user=True):
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
                "url": absolute_url("associations:detail", kwargs={"slug": association.slug}, language=site_language()),
                "role": membership.get_role_display(),
                "mine_url": absolute_url("portal:mine", language=site_language()),
            },
            language=site_language(),
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
    membership_decide(membership=membership, user=user, approve=True, reason="", now=timezone.now())
    return membership


@transaction.atomic
def membership_reject(*, membership, user, reason) -> Membership:
    """Refuse a representative, with the reason e-mailed to them."""
    reason = clean_reason(reason)
    membership = _locked_membership(membership)
    if not can_decide_membership(user, membership.association):
        raise PermissionDenied(NOT_ALLOWED)
    if membership.state != Membership.State.PENDING:
        raise ValidationError(NOT_PENDING)
    membership_decide(membership=membership, user=user, approve=False, reason=reason, now=timezone.now())
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
