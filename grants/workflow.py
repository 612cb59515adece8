"""The application's state machine as data: its states, the allowed moves and who may make each.

    draft → submitted → in review → granted / partly granted / rejected → paid
          → report submitted → report approved
    submitted / in review → returned (for completion) → submitted again
    draft / submitted / returned → withdrawn
    report submitted → paid (the city asks for more; the applicant reports again)
    granted / partly granted / paid / report submitted / report approved → clawback

Who: ``APPLICANT`` is an approved representative of the applicant association; ``STAFF`` is
staff of the round's department (or a superuser), or for a regranting round the operator
association's administrator representatives (``manages``). ``application_transition`` is the one place
where a state changes: it checks the move and the actor, logs a ``Transition`` and saves.
django-fsm-2 was considered; a table is all this needs, reads in one screen and lets the
admin and the timeline show the same data.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import Application, Transition
from portal.permissions import acts_as_staff

S = Application.State

APPLICANT = "applicant"
STAFF = "staff"

STATES = [choice.value for choice in S]

# (from, to) → the roles that may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({APPLICANT}),
    (S.DRAFT, S.WITHDRAWN): frozenset({APPLICANT}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({APPLICANT}),
    (S.SUBMITTED, S.RETURNED): frozenset({STAFF}),
    (S.SUBMITTED, S.IN_REVIEW): frozenset({STAFF}),
    (S.RETURNED, S.SUBMITTED): frozenset({APPLICANT}),
    (S.RETURNED, S.WITHDRAWN): frozenset({APPLICANT}),
    (S.IN_REVIEW, S.RETURNED): frozenset({STAFF}),
    (S.IN_REVIEW, S.GRANTED): frozenset({STAFF}),
    (S.IN_REVIEW, S.PARTLY_GRANTED): frozenset({STAFF}),
    (S.IN_REVIEW, S.REJECTED): frozenset({STAFF}),
    (S.GRANTED, S.PAID): frozenset({STAFF}),
    (S.PARTLY_GRANTED, S.PAID): frozenset({STAFF}),
    (S.PAID, S.REPORT_SUBMITTED): frozenset({APPLICANT}),
    (S.REPORT_SUBMITTED, S.PAID): frozenset({STAFF}),
    (S.REPORT_SUBMITTED, S.REPORT_APPROVED): frozenset({STAFF}),
    (S.GRANTED, S.CLAWBACK): frozenset({STAFF}),
    (S.PARTLY_GRANTED, S.CLAWBACK): frozenset({STAFF}),
    (S.PAID, S.CLAWBACK): frozenset({STAFF}),
    (S.REPORT_SUBMITTED, S.CLAWBACK): frozenset({STAFF}),
    (S.REPORT_APPROVED, S.CLAWBACK): frozenset({STAFF}),
}

# States in which the applicant may still edit the content.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# States after a positive decision: the money is committed.
GRANTED_STATES = frozenset({S.GRANTED, S.PARTLY_GRANTED, S.PAID, S.REPORT_SUBMITTED, S.REPORT_APPROVED, S.CLAWBACK})
DECIDED_STATES = GRANTED_STATES | {S.REJECTED}
# Counted as applied for (an applicant of the year): everything but drafts and withdrawals.
APPLIED_STATES = frozenset(set(STATES) - {S.DRAFT, S.WITHDRAWN})

TRANSITION_NOT_ALLOWED = _("This application cannot move from “%(from)s” to “%(to)s”.")
TRANSITION_NOT_YOURS = _("You are not allowed to make this change to the application.")


def allowed(from_state, to_state) -> frozenset[str]:
    return TRANSITIONS.get((from_state, to_state), frozenset())


def next_states(from_state) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == from_state]


def is_department_staff(user, round_) -> bool:
    """Staff of the round's department, or a superuser — with TOTP (``portal.permissions``)."""
    if not acts_as_staff(user):
        return False
    if user.is_superuser:
        return True
    if not round_.department.staff_group_id:
        return False
    return user.groups.filter(pk=round_.department.staff_group_id).exists()


def operates(user, round_) -> bool:
    """An administrator representative of the round's operator association (regranting)."""
    from associations.models import Association

    if not round_.operator_id or not user or not user.is_authenticated:
        return False
    return Association.objects.administered_by(user).filter(pk=round_.operator_id).exists()


def manages(user, round_) -> bool:
    """Who runs the round's applications: its department's staff, or for a regranting round the
    operator association's administrator representatives."""
    return is_department_staff(user, round_) or operates(user, round_)


def represents(user, association) -> bool:
    from associations.models import Association

    if not user or not user.is_authenticated:
        return False
    return Association.objects.represented_by(user).filter(pk=association.pk).exists()


def roles(user, application) -> set[str]:
    found = set()
    if represents(user, application.association):
        found.add(APPLICANT)
    if manages(user, application.round):
        found.add(STAFF)
    return found


def application_transition(*, application, to_state, user, note="", as_role=None, locked=False) -> Application:
    """Move ``application`` to ``to_state`` if the table allows it and ``user`` holds a role for it.

    Locks the row, so two moves at once are made one after the other and the second is checked
    against the state the first left. Logs the move. ``as_role`` lets a service that has already
    established the actor's role (or the system, with ``user=None``) skip the role look-up.
    ``locked=True`` says ``application`` was itself read with ``select_for_update`` in the caller's
    still open transaction: it is then moved as it is, without reading and locking the row again.
    """
    if locked:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("A locked application is moved inside the transaction that locked it.")
        return _move(application, application, to_state=to_state, user=user, note=note, as_role=as_role)
    with transaction.atomic():
        locked_row = (
            Application.objects.select_for_update()
            .select_related("round__department", "association")
            .get(pk=application.pk)
        )
        return _move(application, locked_row, to_state=to_state, user=user, note=note, as_role=as_role)


def _move(application, locked, *, to_state, user, note, as_role):
    from_state = locked.state
    permitted = allowed(from_state, to_state)
    if not permitted:
        raise ValidationError(
            TRANSITION_NOT_ALLOWED,
            code="transition",
            params={"from": S(from_state).label, "to": S(to_state).label},
        )
    actor_roles = {as_role} if as_role else roles(user, locked)
    if not permitted & actor_roles:
        raise PermissionDenied(TRANSITION_NOT_YOURS)
    locked.state = to_state
    update = ["state", "updated_at"]
    if to_state == S.SUBMITTED:
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        update += ["submitted_at", "submitted_by"]
    locked._history_user = user
    locked.save(update_fields=update)
    Transition.objects.create(application=locked, from_state=from_state, to_state=to_state, by=user, note=note)
    application.state = locked.state
    application.submitted_at = locked.submitted_at
    application.submitted_by_id = locked.submitted_by_id
    return locked


def next_step(application) -> str:
    """What the applicant must do next, in a sentence (their own page shows it)."""
    from django.utils.formats import date_format

    round_ = application.round
    if application.state == S.DRAFT:
        closes = date_format(timezone.localtime(round_.closes_at), "SHORT_DATETIME_FORMAT")
        return str(_("Complete and submit the application by %(closes)s.") % {"closes": closes})
    if application.state == S.RETURNED:
        return str(_("The city asks you to complete the application and submit it again."))
    if application.state == S.PAID:
        if application.report_due:
            due = date_format(application.report_due, "SHORT_DATE_FORMAT")
            return str(_("Report on the use of the grant by %(due)s.") % {"due": due})
        return str(_("Report on the use of the grant."))
    if application.state == S.CLAWBACK:
        return str(_("Return the amount claimed back by its due date."))
    return ""
