"""Writes of the grants app: each function validates, locks, saves, logs and queues e-mail.

All take keyword arguments and run in one transaction. Every change of an application's state
goes through ``grants.workflow.application_transition`` (checked against the table, logged).
The money rules of seed 000 ("decisions only within the appropriation") hold in
``decision_make``: the round row is locked, the appropriation and the cap rules are checked and
``committed`` is updated in the same transaction, and the database's CHECK refuses an
overcommit even from code that skips this module.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Membership
from grants import workflow
from grants.models import (
    ZERO,
    Application,
    Attachment,
    Clawback,
    Criterion,
    Decision,
    GrantReport,
    GrantRound,
    Message,
    OfferComment,
    Payment,
    PlannedResult,
    ReportResult,
    Review,
    Score,
    Transition,
)
from portal.links import absolute_url, absolute_url_of
from portal.models import AgeGroup, FocusArea, ServiceArea
from portal.money import money  # the one site-wide format, "1 500,00 €" (admin and letters use it from here)
from portal.outbox import notify, site_language

S = Application.State

# --- Messages (tests assert on these) -------------------------------------------------------
NOT_ALLOWED = _("You are not allowed to do this.")
ROUND_NOT_OPEN = _("This call is not open for applications yet.")
ROUND_CLOSED = _("The call closed on %(closes)s. Applications can no longer be made or submitted.")
NOT_ELIGIBLE = _("This call is not open to applicants of your kind (%(kind)s).")
OPERATOR_CANNOT_APPLY = _("The association that runs this regranting round cannot apply to it.")
OPERATOR_REPRESENTS_APPLICANT = _(
    "You represent the applicant association: another representative of the operator or the city's staff "
    "must handle this application."
)
NOT_EDITABLE = _("The application can no longer be edited.")
FORM_CHANGED = _(
    "The application form was changed while you were filling it in. Nothing was saved: open the application "
    "again and check your answers."
)
TITLE_REQUIRED = _("Say in a few words what the grant is for.")
ANSWER_REQUIRED = _("Answer the question “%(label)s”.")
ANSWER_NOT_NUMBER = _("The answer to “%(label)s” must be a number.")
ANSWER_NOT_DATE = _("The answer to “%(label)s” must be a date.")
ANSWER_CHOICE = _("Choose yes or no for “%(label)s”.")
STATEMENT_REQUIRED = _("Confirm the statement “%(label)s”.")
AMOUNT_INVALID = _("Enter an amount in %(currency)s with at most two decimals, for example 1500.00.")
AMOUNT_NEGATIVE = _("An amount cannot be negative.")
AMOUNT_ABSURD = _("The amount %(amount)s is larger than this call's whole appropriation (%(appropriation)s).")
AMOUNT_REQUIRED = _("Enter the amount you apply for.")
BUDGET_LINE_INVALID = _("Every budget line needs an item and an amount.")
RESULT_INVALID = _("Every planned result needs a description, a target value and how it will be measured.")
RESULTS_REQUIRED = _("Add at least one planned result: what the grant will achieve and how it is measured.")
NOTE_REQUIRED = _("Write a note: it is sent to the applicant.")
REVIEWER_REPRESENTS_APPLICANT = _(
    "This reviewer represents the applicant association and is recused: they cannot review this application."
)
CONFLICT_NOT_DECLARED = _("Declare first that you have no conflict of interest with this application.")
CONFLICT_DECLARED_RECUSED = _("You declared a conflict of interest and are recused from this application.")
SCORES_INCOMPLETE = _("Give a score for every criterion.")
SCORE_OUT_OF_RANGE = _("A score for “%(criterion)s” must be between 0 and %(max)s.")
ALREADY_DECIDED = _("This application has already been decided.")
NOT_READY_FOR_DECISION = _("Only a submitted application in review can be decided.")
GROUNDS_REQUIRED = _("Give the grounds of the decision.")
OVER_REQUESTED = _("The amount granted cannot exceed the amount applied for (%(requested)s).")
OVER_APPROPRIATION = _(
    "The decision would exceed the call's appropriation: only %(remaining)s is left of %(appropriation)s. "
    "Nothing was decided."
)
CAP_PER_GRANT = _("The most one grant in this call can be is %(cap)s.")
CAP_PER_ASSOCIATION_YEAR = _(
    "This association has already been granted %(granted)s in %(year)s; the most per association in a year is %(cap)s."
)
CAP_SHARE = _("One applicant may receive at most %(percent)s%% of the appropriation (%(cap)s) in this call.")
NOT_GRANTED = _("Only a granted application can be paid.")
OVER_PAID = _("The payments would exceed the amount granted (%(granted)s); %(left)s is left to pay.")
DATE_REQUIRED = _("Enter the date.")
NOT_PAID = _("A report can be made once the grant has been paid.")
REPORT_RESULTS_REQUIRED = _("Give the achieved value for every planned result.")
PARTICIPANTS_INVALID = _("The number of participants must be a whole number, zero or more.")
NO_REPORT = _("There is no submitted report to handle.")
CLAWBACK_TOO_LARGE = _("At most %(left)s of this grant can be clawed back.")
CLAWBACK_NOT_GRANTED = _("Only a granted application can be clawed back.")
REASON_REQUIRED = _("Give a reason: it is sent to the applicant.")
MESSAGE_EMPTY = _("Write a message.")
CRITERIA_MISSING = _("This call has no criteria to score against.")
COMMENT_PERIOD_OPEN = _(
    "The offer is open for public comments until %(until)s. It can be decided only after the comment period."
)
NOT_PUBLISHED_FOR_COMMENT = _("Publish the offer for public comments first: this call has a comment period.")
COMMENTS_CLOSED = _("The comment period of this offer is over.")
NO_COMMENT_PERIOD = _("This call has no public comment period.")


# --- Helpers --------------------------------------------------------------------------------
def _last_transition_id(application):
    """The id of the application's newest transition: a deterministic outbox key for a repeatable event."""
    return Transition.objects.filter(application=application).order_by("-pk").values_list("pk", flat=True).first()


def local_time(moment):
    """The date and time in the language's one format (portal/formats/), in the city's time zone."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return formats.date_format(local, "SHORT_DATETIME_FORMAT", use_l10n=True)


def parse_amount(value, *, field, round_=None, required=False):
    """A Decimal with at most two decimals, never negative, never more than the appropriation."""
    currency = round_.currency if round_ else settings.CITY_PROFILE["currency"]
    if value in (None, ""):
        if required:
            raise ValidationError({field: [AMOUNT_REQUIRED]})
        return ZERO
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [ValidationError(AMOUNT_INVALID, params={"currency": currency})]})
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError({field: [ValidationError(AMOUNT_INVALID, params={"currency": currency})]})
    if amount < 0:
        raise ValidationError({field: [AMOUNT_NEGATIVE]})
    ceiling = round_.appropriation if round_ else Decimal("9999999999.99")
    if amount > ceiling or amount >= Decimal("10000000000"):
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        AMOUNT_ABSURD,
                        params={"amount": money(amount, currency), "appropriation": money(ceiling, currency)},
                    )
                ]
            }
        )
    return amount.quantize(Decimal("0.01"))


def representative_emails(association):
    return list(
        Membership.objects.filter(association=association, state=Membership.State.APPROVED)
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


def _notify_applicant(application, *, event, template, context=None):
    context = {
        "application": application,
        "round": application.round,
        "url": absolute_url_of(application, language=site_language()),
        **(context or {}),
    }
    for email in representative_emails(application.association):
        notify(
            key=f"grant-application-{application.pk}-{event}:{email}",
            to=email,
            template=template,
            context=context,
            language=site_language(),
        )


def _notify_contact(application, *, event, template, context=None):
    contact = application.round.grant_type.contact
    if contact is None:
        return
    notify(
        key=f"grant-application-{application.pk}-{event}:{contact.email}",
        to=contact.email,
        template=template,
        context={
            "application": application,
            "round": application.round,
            "url": absolute_url("admin:grants_application_change", args=[application.pk], language=site_language()),
            **(context or {}),
        },
        language=site_language(),
    )


def _require_applicant(user, application_or_association):
    association = getattr(application_or_association, "association", application_or_association)
    if not workflow.represents(user, association):
        raise PermissionDenied(NOT_ALLOWED)


def _require_staff(user, round_, application=None):
    """The round's department staff, or the operator's administrators of a regranting round; an
    operator's representative never handles their own association's application."""
    department_staff = workflow.is_department_staff(user, round_)  # asked once: a query for most staff
    if not (department_staff or workflow.operates(user, round_)):
        raise PermissionDenied(NOT_ALLOWED)
    if application is not None and not department_staff and workflow.represents(user, application.association):
        raise PermissionDenied(OPERATOR_REPRESENTS_APPLICANT)


def _lock(application, **annotations):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__department", "round__grant_type__contact", "association", "form_version")
        .annotate(**annotations)
        .get(pk=application.pk)
    )


# --- Applying -------------------------------------------------------------------------------
def _check_open(round_, now):
    if now < round_.opens_at or not round_.is_published:
        raise ValidationError(ROUND_NOT_OPEN, code="not_open")
    if now >= round_.closes_at:
        raise ValidationError(ROUND_CLOSED, code="closed", params={"closes": local_time(round_.closes_at)})


def _clean_budget(lines, round_):
    cleaned = []
    for line in lines or []:
        item = str(line.get("item", "")).strip()
        raw = line.get("amount")
        if not item and raw in (None, ""):
            continue
        if not item or raw in (None, ""):
            raise ValidationError({"budget_lines": [BUDGET_LINE_INVALID]})
        amount = parse_amount(raw, field="budget_lines", round_=round_)
        cleaned.append({"item": item[:200], "amount": str(amount)})
    return cleaned


def _clean_results(results):
    cleaned = []
    for result in results or []:
        description = str(result.get("description", "")).strip()
        measure = str(result.get("measure", "")).strip()
        raw = result.get("target_value")
        if not description and not measure and raw in (None, ""):
            continue
        if not description or not measure or raw in (None, ""):
            raise ValidationError({"planned_results": [RESULT_INVALID]})
        try:
            target = parse_amount(raw, field="planned_results")
        except ValidationError:
            raise ValidationError({"planned_results": [RESULT_INVALID]})
        cleaned.append({"description": description[:300], "measure": measure[:300], "target_value": target})
    return cleaned


def _clean_answers(answers, fields):
    """Keep only the form's own fields; numbers must be numbers. Required ones are checked on submit."""
    cleaned = {}
    for field in fields:
        name = field["name"]
        value = (answers or {}).get(name, "")
        value = value.strip() if isinstance(value, str) else value
        kind = field.get("type")
        if kind == "number" and value not in ("", None):
            try:
                Decimal(str(value).replace(",", "."))
            except InvalidOperation:
                raise ValidationError(
                    {f"answer_{name}": [ValidationError(ANSWER_NOT_NUMBER, params={"label": field["label"]})]}
                )
        if kind == "date" and value not in ("", None):
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                raise ValidationError(
                    {f"answer_{name}": [ValidationError(ANSWER_NOT_DATE, params={"label": field["label"]})]}
                )
        if kind in ("yes_no", "confirm") and value not in ("", None, "yes", "no"):
            raise ValidationError(
                {f"answer_{name}": [ValidationError(ANSWER_CHOICE, params={"label": field["label"]})]}
            )
        if kind == "confirm" and value == "no":
            value = ""
        cleaned[name] = value
    return cleaned


def _apply(application, data):
    round_ = application.round
    if "title" in data:
        application.title = (data["title"] or "").strip()[:200]
    if "summary" in data:
        application.summary = (data["summary"] or "").strip()
    if "answers" in data:
        application.answers = _clean_answers(data["answers"], application.form_version.fields)
    if "budget_lines" in data:
        application.budget_lines = _clean_budget(data["budget_lines"], round_)
    if "own_contribution" in data:
        application.own_contribution = parse_amount(data["own_contribution"], field="own_contribution")
    if "amount_requested" in data:
        application.amount_requested = parse_amount(data["amount_requested"], field="amount_requested", round_=round_)
    return _clean_results(data["planned_results"]) if "planned_results" in data else None


def _save_children(application, data, results):
    if results is not None:
        application.planned_results.all().delete()
        PlannedResult.objects.bulk_create(
            PlannedResult(application=application, order=n, **result) for n, result in enumerate(results)
        )
    # Only ids that exist: a tampered form must not turn into a database error.
    if "age_groups" in data:
        application.age_groups.set(AgeGroup.objects.filter(pk__in=_ids(data["age_groups"])))
    if "service_areas" in data:
        application.service_areas.set(ServiceArea.objects.filter(pk__in=_ids(data["service_areas"])))
    if "strategy_goals" in data:
        application.strategy_goals.set(strategy_goal_choices().filter(pk__in=_ids(data["strategy_goals"])))


def strategy_goal_choices():
    """The goals an application may name: the focus areas of the city's own cooperation programme
    (seed 000 for Pori, seed 004 for Poznań), so the money can be followed to the programme."""
    from portal.programme.selectors import programme_for_city

    programme = programme_for_city(settings.CITY_PROFILE["key"])
    return FocusArea.objects.filter(programme=programme).order_by("order") if programme else FocusArea.objects.none()


def _ids(values):
    return [int(v) for v in values or [] if str(v).isdigit()]


@transaction.atomic
def application_create(*, round, association, user, data=None, now=None) -> Application:  # noqa: A002
    """A representative starts a draft for the association they act for.

    Refused before the call opens, after it closes, and for kinds of applicant the call is not
    for (light grants are open to informal groups; seed 001).
    """
    data = data or {}
    now = now or timezone.now()
    _require_applicant(user, association)
    _check_open(round, now)
    if round.operator_id and round.operator_id == association.pk:
        raise ValidationError(OPERATOR_CANNOT_APPLY, code="operator")
    if round.eligible_kinds and association.kind not in round.eligible_kinds:
        raise ValidationError(
            NOT_ELIGIBLE, code="not_eligible", params={"kind": Association.Kind(association.kind).label}
        )
    application = Application(
        round=round, association=association, form_version=round.form_version, created_by=user, title=""
    )
    results = _apply(application, data)
    application._history_user = user
    application.save()
    _save_children(application, data, results)
    return application


@transaction.atomic
def application_copy(*, source, round, user, now=None) -> Application:  # noqa: A002
    """Start a draft in ``round`` from an earlier application of the same association ("copy
    last year's"): the text, budget, planned results and targets; answers only to the questions
    the new form still asks."""
    data = {
        "title": source.title,
        "summary": source.summary,
        "answers": dict(source.answers),
        "budget_lines": source.budget_lines,
        "own_contribution": source.own_contribution,
        "amount_requested": min(source.amount_requested, round.appropriation),
        "planned_results": [
            {"description": r.description, "target_value": r.target_value, "measure": r.measure}
            for r in source.planned_results.all()
        ],
        "age_groups": list(source.age_groups.values_list("pk", flat=True)),
        "service_areas": list(source.service_areas.values_list("pk", flat=True)),
        "strategy_goals": list(source.strategy_goals.values_list("pk", flat=True)),
    }
    return application_create(round=round, association=source.association, user=user, data=data, now=now)


@transaction.atomic
def application_update(*, application, user, data, form_version_id=None) -> Application:
    """Save the draft (or the returned application). Nothing is checked for completeness yet.

    ``form_version_id`` is the version the form on screen was made from: if it is not the
    application's own, the form changed under the user and nothing is saved.
    """
    application = _lock(application)
    _require_applicant(user, application)
    if application.state not in workflow.EDITABLE:
        raise ValidationError(NOT_EDITABLE, code="not_editable")
    if form_version_id is not None and int(form_version_id) != application.form_version_id:
        raise ValidationError(FORM_CHANGED, code="form_changed")
    results = _apply(application, data)
    application._history_user = user
    application.save()
    _save_children(application, data, results)
    return application


def _check_complete(application):
    errors = {}
    if not application.title:
        errors["title"] = [TITLE_REQUIRED]
    if application.amount_requested <= 0:
        errors["amount_requested"] = [AMOUNT_REQUIRED]
    errors.update(_missing_answers(application.form_version.fields, application.answers))
    if not application.planned_results.exists():
        errors["planned_results"] = [RESULTS_REQUIRED]
    if errors:
        raise ValidationError(errors)


def _missing_answers(fields, answers):
    errors = {}
    for field in fields:
        value = answers.get(field["name"], "")
        if field.get("required") and value in ("", None):
            message = STATEMENT_REQUIRED if field.get("type") == "confirm" else ANSWER_REQUIRED
            errors[f"answer_{field['name']}"] = [ValidationError(message, params={"label": field["label"]})]
    return errors


@transaction.atomic
def application_submit(*, application, user, now=None) -> Application:
    """Submit the draft, or resubmit a returned one. The deadline holds to the minute (the
    closing time is an aware datetime; the message shows it in the city's time zone); an
    application returned for completion may be resubmitted after the call has closed."""
    now = now or timezone.now()
    application = _lock(application)
    _require_applicant(user, application)
    if application.state == S.DRAFT:
        _check_open(application.round, now)
    _check_complete(application)
    application = workflow.application_transition(
        application=application, to_state=S.SUBMITTED, user=user, as_role=workflow.APPLICANT
    )
    # One e-mail per submission: the key names the transition that made it (a resubmission is another).
    event = f"submitted-{_last_transition_id(application)}"
    _notify_applicant(application, event=event, template="grant-application-submitted")
    _notify_contact(application, event=f"{event}-contact", template="grant-application-received")
    return application


@transaction.atomic
def application_withdraw(*, application, user, note="") -> Application:
    application = _lock(application)
    _require_applicant(user, application)
    return workflow.application_transition(
        application=application, to_state=S.WITHDRAWN, user=user, note=note, as_role=workflow.APPLICANT
    )


@transaction.atomic
def application_return(*, application, user, note) -> Application:
    """Staff return an application for completion; the note tells the applicant what is missing."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [NOTE_REQUIRED]})
    application = _lock(application)
    _require_staff(user, application.round, application)
    application = workflow.application_transition(
        application=application, to_state=S.RETURNED, user=user, note=note, as_role=workflow.STAFF
    )
    _notify_applicant(
        application,
        event=f"returned-{_last_transition_id(application)}",
        template="grant-application-returned",
        context={"note": note},
    )
    return application


@transaction.atomic
def application_start_review(*, application, user) -> Application:
    application = _lock(application)
    _require_staff(user, application.round, application)
    return workflow.application_transition(
        application=application, to_state=S.IN_REVIEW, user=user, as_role=workflow.STAFF
    )


@transaction.atomic
def application_propose(*, application, user, amount) -> Application:
    """The preparer's proposed amount (shown in the ledger as "proposed")."""
    application = _lock(application)
    _require_staff(user, application.round, application)
    application.proposed_amount = parse_amount(amount, field="proposed_amount", round_=application.round, required=True)
    application._history_user = user
    application.save(update_fields=["proposed_amount", "updated_at"])
    return application


@transaction.atomic
def message_post(*, application, user, body) -> Message:
    """Advice: a message on the application between the applicant and the grant type's contact."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [MESSAGE_EMPTY]})
    application = Application.objects.select_related("round__department", "round__grant_type__contact").get(
        pk=application.pk
    )
    from_applicant = workflow.represents(user, application.association)
    contact = application.round.grant_type.contact
    from_city = (
        workflow.manages(user, application.round)
        and not from_applicant
        or (contact is not None and contact.user_id == user.pk)
    )
    if not (from_applicant or from_city):
        raise PermissionDenied(NOT_ALLOWED)
    message = Message.objects.create(application=application, body=body, from_city=from_city, created_by=user)
    event = f"message-{message.pk}"
    if from_city:
        _notify_applicant(application, event=event, template="grant-message", context={"message": message})
    else:
        _notify_contact(application, event=event, template="grant-message", context={"message": message})
    return message


@transaction.atomic
def attachment_add(*, application, user, file, for_report=False) -> Attachment:
    """Attach a file, checked by content and size; stored under a random name outside any public path."""
    from pathlib import PurePosixPath

    from grants.validators import validate_attachment

    application = _lock(application)
    _require_applicant(user, application)
    allowed = {S.PAID} if for_report else workflow.EDITABLE
    if application.state not in allowed:
        raise ValidationError(NOT_EDITABLE, code="not_editable")
    extension = validate_attachment(file)
    original = PurePosixPath(getattr(file, "name", "") or "attachment").stem[:150] or "attachment"
    file.name = f"attachment.{extension}"
    return Attachment.objects.create(
        application=application,
        file=file,
        name=f"{original}.{extension}",
        size=file.size or 0,
        for_report=for_report,
        created_by=user,
    )


# --- Review ---------------------------------------------------------------------------------
def _review_refused(exc):
    return "grants_review_reviewer_represents_applicant" in str(exc)


@transaction.atomic
def review_assign(*, application, reviewer, user, panel=None) -> Review:
    """Staff assign a reviewer. One who represents the applicant is recused: refused here with a
    clear message, and by the database for code that skips this function."""
    _require_staff(user, application.round, application)
    if (
        workflow.represents(reviewer, application.association)
        or Membership.objects.filter(
            user=reviewer, association=application.association, state=Membership.State.PENDING
        ).exists()
    ):
        raise ValidationError(REVIEWER_REPRESENTS_APPLICANT, code="recused")
    try:
        with transaction.atomic():
            review, _created = Review.objects.get_or_create(
                application=application, reviewer=reviewer, defaults={"panel": panel, "created_by": user}
            )
    except IntegrityError as exc:
        if _review_refused(exc):
            raise ValidationError(REVIEWER_REPRESENTS_APPLICANT, code="recused")
        raise
    return review


def review_may_see_content(review, user) -> bool:
    """The gate: only the reviewer themself, after declaring no conflict, and never a representative."""
    return (
        review.reviewer_id == user.pk
        and review.conflict == Review.Conflict.NONE
        and not workflow.represents(user, review.application.association)
    )


@transaction.atomic
def review_declare_conflict(*, review, user, has_conflict, note="") -> Review:
    """The reviewer declares whether they have a conflict of interest before seeing the content."""
    review = Review.objects.select_for_update().select_related("application").get(pk=review.pk)
    if review.reviewer_id != user.pk:
        raise PermissionDenied(NOT_ALLOWED)
    if workflow.represents(user, review.application.association):
        raise ValidationError(REVIEWER_REPRESENTS_APPLICANT, code="recused")
    review.conflict = Review.Conflict.DECLARED if has_conflict else Review.Conflict.NONE
    review.conflict_note = (note or "").strip()
    review.declared_at = timezone.now()
    try:
        with transaction.atomic():
            review.save(update_fields=["conflict", "conflict_note", "declared_at", "updated_at"])
    except IntegrityError as exc:
        if _review_refused(exc):
            raise ValidationError(REVIEWER_REPRESENTS_APPLICANT, code="recused")
        raise
    return review


@transaction.atomic
def review_submit(*, review, user, scores, comment="") -> Review:
    """Scores per criterion and a comment. Refused without a no-conflict declaration."""
    review = Review.objects.select_for_update().select_related("application__round").get(pk=review.pk)
    if review.reviewer_id != user.pk:
        raise PermissionDenied(NOT_ALLOWED)
    if workflow.represents(user, review.application.association):
        raise ValidationError(REVIEWER_REPRESENTS_APPLICANT, code="recused")
    if review.conflict == Review.Conflict.DECLARED:
        raise ValidationError(CONFLICT_DECLARED_RECUSED, code="recused")
    if review.conflict != Review.Conflict.NONE:
        raise ValidationError(CONFLICT_NOT_DECLARED, code="undeclared")
    criteria = list(Criterion.objects.filter(round=review.application.round))
    if not criteria:
        raise ValidationError(CRITERIA_MISSING)
    cleaned = {}
    for criterion in criteria:
        raw = (scores or {}).get(criterion.pk, (scores or {}).get(str(criterion.pk)))
        if raw in (None, ""):
            raise ValidationError({f"score_{criterion.pk}": [SCORES_INCOMPLETE]})
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= criterion.max_score:
            raise ValidationError(
                {
                    f"score_{criterion.pk}": [
                        ValidationError(
                            SCORE_OUT_OF_RANGE, params={"criterion": criterion.name, "max": criterion.max_score}
                        )
                    ]
                }
            )
        cleaned[criterion] = value
    review.scores.all().delete()
    Score.objects.bulk_create(Score(review=review, criterion=c, score=v) for c, v in cleaned.items())
    review.comment = (comment or "").strip()
    review.submitted_at = timezone.now()
    try:
        with transaction.atomic():
            review.save(update_fields=["comment", "submitted_at", "updated_at"])
    except IntegrityError as exc:
        if _review_refused(exc):
            raise ValidationError(REVIEWER_REPRESENTS_APPLICANT, code="recused")
        raise
    return review


# --- Decisions and the ledger ---------------------------------------------------------------
def _outcome(amount, requested):
    if amount == 0:
        return S.REJECTED
    if amount >= requested:
        return S.GRANTED
    return S.PARTLY_GRANTED


def _check_caps(*, round_, application, amount):
    currency = round_.currency
    if round_.max_per_grant is not None and amount > round_.max_per_grant:
        raise ValidationError(CAP_PER_GRANT, code="cap_grant", params={"cap": money(round_.max_per_grant, currency)})
    if round_.max_per_association_year is not None:
        granted = (
            Decision.objects.filter(
                application__association_id=application.association_id, application__round__year=round_.year
            ).aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        if granted + amount > round_.max_per_association_year:
            raise ValidationError(
                CAP_PER_ASSOCIATION_YEAR,
                code="cap_year",
                params={
                    "granted": money(granted, currency),
                    "year": round_.year,
                    "cap": money(round_.max_per_association_year, currency),
                },
            )
    if round_.max_share_percent is not None:
        cap = (round_.appropriation * round_.max_share_percent / 100).quantize(Decimal("0.01"))
        in_round = (
            Decision.objects.filter(
                application__association_id=application.association_id, application__round_id=round_.pk
            ).aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        if in_round + amount > cap:
            raise ValidationError(
                CAP_SHARE,
                code="cap_share",
                params={"percent": formats.number_format(round_.max_share_percent, 0), "cap": money(cap, currency)},
            )


def decision_make(*, application, user, amount, grounds, now=None, report_due_on=None) -> Decision:
    """Decide an application: the amount (0 rejects it) and the grounds.

    In one transaction: lock the application (one decision per application) and the applicant
    association (its yearly cap spans rounds), check the state and the cap rules, record the
    decision and its state changes, and last add the amount to the round's ``committed`` with one
    guarded UPDATE (``committed + amount <= appropriation``). That UPDATE takes the round's row
    lock: decisions of one round wait for each other only from it to the commit, and each sees
    every earlier decision's total, so none can overcommit; when the amount no longer fits, the
    whole decision is rolled back with the clear message. The CHECK (committed <= appropriation)
    refuses an overcommit should any of this be skipped.
    """
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": [GROUNDS_REQUIRED]})
    now = now or timezone.now()
    # Not locked: the decision changes the round only through the guarded UPDATE at the end.
    round_ = GrantRound.objects.select_related("department").get(pk=application.round_id)
    try:
        with transaction.atomic():
            # The application is locked here for the whole decision, and read with whether it has one.
            decided = Exists(Decision.objects.filter(application=OuterRef("pk")))
            application = (
                Application.objects.select_for_update(of=("self",))
                .select_related("association")  # the round is round_; nothing else of it is needed here
                .annotate(already_decided=decided)
                .get(pk=application.pk)
            )
            application.round = round_
            _require_staff(user, round_, application)
            list(Association.objects.select_for_update().filter(pk=application.association_id).values_list("pk"))
            amount = parse_amount(amount, field="amount", round_=round_, required=True)
            if application.already_decided:
                raise ValidationError(ALREADY_DECIDED, code="decided")
            if application.state not in (S.SUBMITTED, S.IN_REVIEW):
                raise ValidationError(NOT_READY_FOR_DECISION, code="not_ready")
            _check_comment_period(application, round_, now)
            if amount > application.amount_requested:
                raise ValidationError(
                    OVER_REQUESTED, code="over_requested", params={"requested": money(application.amount_requested)}
                )
            # What the round had left a moment ago: a refusal now, before any write (the guarded
            # UPDATE below decides for a grant that seems to fit).
            if amount > round_.appropriation - round_.committed:
                raise _over_appropriation(round_)
            if amount:
                _check_caps(round_=round_, application=application, amount=amount)
            if application.state == S.SUBMITTED:
                workflow.application_transition(
                    application=application, to_state=S.IN_REVIEW, user=user, as_role=workflow.STAFF, locked=True
                )
            decision = Decision(
                application=application,
                amount=amount,
                report_due_on=report_due_on,
                grounds=grounds,
                decided_by=user,
                decided_at=now,
                created_by=user,
            )
            decision._history_user = user
            decision.save()
            workflow.application_transition(
                application=application,
                to_state=_outcome(amount, application.amount_requested),
                user=user,
                note=grounds,
                as_role=workflow.STAFF,
                locked=True,
            )
            _notify_applicant(
                application,
                event="decided",
                template="grant-decision",
                context={"decision": decision, "amount": money(amount, round_.currency)},
            )
            if amount and not _commit_to_round(round_, amount):
                raise _over_appropriation(GrantRound.objects.get(pk=round_.pk))
            transaction.on_commit(lambda pk=decision.pk: _queue_letter(pk))
            return decision
    except IntegrityError as exc:
        if "committed_within_appropriation" in str(exc):
            raise _over_appropriation(GrantRound.objects.get(pk=application.round_id))
        if "grantsdecision" in str(exc).replace("_", "") or "application_id" in str(exc):
            raise ValidationError(ALREADY_DECIDED, code="decided")
        raise


def _commit_to_round(round_, amount) -> bool:
    """Add ``amount`` to the round's committed total if it fits the appropriation: one UPDATE,
    which locks the round's row until the caller's transaction ends, so the next decision of
    the round reads this total. False when it does not fit (nothing changed)."""
    fits = Q(pk=round_.pk, committed__lte=F("appropriation") - amount)
    return GrantRound.objects.filter(fits).update(committed=F("committed") + amount) == 1


def _queue_letter(decision_pk):
    """Ask a worker for the decision letter. With the broker down, staff can make it later."""
    from grants.tasks import make_decision_letter

    try:
        make_decision_letter.delay(decision_pk)
    except Exception:  # noqa: BLE001 - a letter must never undo or fail a decision
        import logging

        logging.getLogger(__name__).warning("Could not queue the decision letter of decision %s.", decision_pk)


def _check_comment_period(application, round_, now):
    """Poland's small grants (art. 19a): the offer is public for comments before any decision."""
    if not round_.comment_days:
        return
    if application.published_for_comment_at is None:
        raise ValidationError(NOT_PUBLISHED_FOR_COMMENT, code="not_published_for_comment")
    until = application.published_for_comment_at + dt.timedelta(days=round_.comment_days)
    if now < until:
        raise ValidationError(COMMENT_PERIOD_OPEN, code="comment_period_open", params={"until": local_time(until)})


@transaction.atomic
def application_publish_for_comment(*, application, user, now=None) -> Application:
    """Staff publish a submitted offer for public comments (the comment period starts now)."""
    application = _lock(application)
    _require_staff(user, application.round, application)
    if not application.round.comment_days:
        raise ValidationError(NO_COMMENT_PERIOD, code="no_comment_period")
    if application.state not in (S.SUBMITTED, S.IN_REVIEW):
        raise ValidationError(NOT_READY_FOR_DECISION, code="not_ready")
    if application.published_for_comment_at is None:
        application.published_for_comment_at = now or timezone.now()
        application._history_user = user
        application.save(update_fields=["published_for_comment_at", "updated_at"])
    return application


@transaction.atomic
def offer_comment_add(*, application, user, body, now=None) -> OfferComment:
    """Anyone signed in may comment on a published offer during its comment period."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [MESSAGE_EMPTY]})
    now = now or timezone.now()
    application = Application.objects.select_related("round").get(pk=application.pk)
    closes = application.comments_close_at
    if closes is None or now >= closes:
        raise ValidationError(COMMENTS_CLOSED, code="comments_closed")
    return OfferComment.objects.create(application=application, body=body[:5000], created_by=user)


def _over_appropriation(round_):
    return ValidationError(
        OVER_APPROPRIATION,
        code="over_appropriation",
        params={
            "remaining": money(round_.appropriation - round_.committed, round_.currency),
            "appropriation": money(round_.appropriation, round_.currency),
        },
    )


@transaction.atomic
def payment_record(*, application, user, amount, paid_on, reference="") -> Payment:
    """Record a payment (an instalment). The first moves the application to "paid"."""
    application = _lock(application)
    _require_staff(user, application.round, application)
    if application.state not in {S.GRANTED, S.PARTLY_GRANTED, S.PAID, S.REPORT_SUBMITTED, S.REPORT_APPROVED}:
        raise ValidationError(NOT_GRANTED, code="not_granted")
    if not paid_on:
        raise ValidationError({"paid_on": [DATE_REQUIRED]})
    amount = parse_amount(amount, field="amount", round_=application.round, required=True)
    if amount <= 0:
        raise ValidationError({"amount": [AMOUNT_REQUIRED]})
    granted = application.decision.amount
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    if paid + amount > granted:
        raise ValidationError(
            OVER_PAID, code="over_paid", params={"granted": money(granted), "left": money(granted - paid)}
        )
    payment = Payment(application=application, amount=amount, paid_on=paid_on, reference=reference, created_by=user)
    payment._history_user = user
    payment.save()
    if application.state in {S.GRANTED, S.PARTLY_GRANTED}:
        workflow.application_transition(application=application, to_state=S.PAID, user=user, as_role=workflow.STAFF)
    return payment


@transaction.atomic
def report_submit(
    *, application, user, use_of_funds, amount_used, results, participants=None, answers=None
) -> GrantReport:
    """The report after use: use of funds, the achieved value of every planned result (the
    promise and the outcome side by side), participants by age group, and the answers to the
    form version's report fields (the Polish statutory report's sections)."""
    application = _lock(application)
    _require_applicant(user, application)
    if application.state != S.PAID:
        raise ValidationError(NOT_PAID, code="not_paid")
    use_of_funds = (use_of_funds or "").strip()
    errors = {}
    if not use_of_funds:
        errors["use_of_funds"] = [_("Describe how the grant was used.")]
    used = parse_amount(amount_used, field="amount_used", required=True)
    achieved = {}
    for planned in application.planned_results.all():
        raw = (results or {}).get(planned.pk, (results or {}).get(str(planned.pk)))
        if raw in (None, ""):
            errors.setdefault("results", [REPORT_RESULTS_REQUIRED])
            continue
        try:
            achieved[planned] = parse_amount(raw, field="results")
        except ValidationError:
            errors.setdefault("results", [REPORT_RESULTS_REQUIRED])
    counted = {}
    for key, raw in (participants or {}).items():
        if raw in (None, ""):
            continue
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = -1
        if number < 0:
            errors["participants"] = [PARTICIPANTS_INVALID]
            break
        counted[str(key)] = number
    report_fields = application.form_version.report_fields
    try:
        cleaned_answers = _clean_answers(answers, report_fields)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned_answers = {}
    else:
        errors.update(_missing_answers(report_fields, cleaned_answers))
    if errors:
        raise ValidationError(errors)
    report, _created = GrantReport.objects.update_or_create(
        application=application,
        defaults={
            "use_of_funds": use_of_funds,
            "amount_used": used,
            "participants": counted,
            "answers": cleaned_answers,
            "state": GrantReport.State.SUBMITTED,
            "submitted_at": timezone.now(),
            "created_by": user,
        },
    )
    report.results.all().delete()
    ReportResult.objects.bulk_create(
        ReportResult(report=report, planned_result=planned, achieved_value=value) for planned, value in achieved.items()
    )
    workflow.application_transition(
        application=application, to_state=S.REPORT_SUBMITTED, user=user, as_role=workflow.APPLICANT
    )
    _notify_contact(application, event=f"report-{_last_transition_id(application)}", template="grant-report-received")
    return report


@transaction.atomic
def report_approve(*, application, user, note="") -> GrantReport:
    application = _lock(application)
    _require_staff(user, application.round, application)
    report = GrantReport.objects.select_for_update().filter(application=application).first()
    if report is None or application.state != S.REPORT_SUBMITTED:
        raise ValidationError(NO_REPORT, code="no_report")
    report.state = GrantReport.State.APPROVED
    report.approved_by = user
    report.approved_at = timezone.now()
    report.staff_note = (note or "").strip()
    report._history_user = user
    report.save()
    workflow.application_transition(
        application=application, to_state=S.REPORT_APPROVED, user=user, note=note, as_role=workflow.STAFF
    )
    _notify_applicant(application, event="report-approved", template="grant-report-approved")
    return report


@transaction.atomic
def report_request_more(*, application, user, note) -> GrantReport:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [NOTE_REQUIRED]})
    application = _lock(application)
    _require_staff(user, application.round, application)
    report = GrantReport.objects.select_for_update().filter(application=application).first()
    if report is None or application.state != S.REPORT_SUBMITTED:
        raise ValidationError(NO_REPORT, code="no_report")
    report.state = GrantReport.State.MORE_REQUESTED
    report.staff_note = note
    report._history_user = user
    report.save()
    workflow.application_transition(
        application=application, to_state=S.PAID, user=user, note=note, as_role=workflow.STAFF
    )
    _notify_applicant(
        application,
        event=f"report-more-{_last_transition_id(application)}",
        template="grant-report-more",
        context={"note": note},
    )
    return report


def clawback_create(*, application, user, amount, reason, due_on) -> Clawback:
    """Claim back all or part of a grant (takaisinperintä). The amount flows back to the round:
    ``committed`` falls by it under the same row lock the decisions take."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    if not isinstance(due_on, dt.date):
        raise ValidationError({"due_on": [DATE_REQUIRED]})
    with transaction.atomic():
        round_ = GrantRound.objects.select_for_update().select_related("department").get(pk=application.round_id)
        application = _lock(application)
        _require_staff(user, round_, application)
        if application.state not in workflow.GRANTED_STATES or not hasattr(application, "decision"):
            raise ValidationError(CLAWBACK_NOT_GRANTED, code="not_granted")
        amount = parse_amount(amount, field="amount", round_=round_, required=True)
        already = application.clawbacks.aggregate(total=Sum("amount"))["total"] or ZERO
        left = application.decision.amount - already
        if amount <= 0 or amount > left:
            raise ValidationError(CLAWBACK_TOO_LARGE, code="too_large", params={"left": money(left, round_.currency)})
        clawback = Clawback(application=application, amount=amount, reason=reason, due_on=due_on, created_by=user)
        clawback._history_user = user
        clawback.save()
        GrantRound.objects.filter(pk=round_.pk).update(committed=F("committed") - amount)
        if application.state != S.CLAWBACK:
            workflow.application_transition(
                application=application, to_state=S.CLAWBACK, user=user, note=reason, as_role=workflow.STAFF
            )
        _notify_applicant(
            application,
            event=f"clawback-{clawback.pk}",
            template="grant-clawback",
            context={"clawback": clawback, "amount": money(amount, round_.currency)},
        )
        return clawback


# --- Reminders (beat runs these daily; the outbox key makes a repeat run a no-op) ------------
CLOSING_REMINDER_DAYS = (14, 3)
REPORT_REMINDER_DAYS = 14


def reminders_send_closing(*, now=None) -> int:
    """Remind the drafters of an open call 14 and 3 days before it closes. Returns new e-mails."""
    now = now or timezone.now()
    queued = 0
    horizon = now + dt.timedelta(days=max(CLOSING_REMINDER_DAYS))
    drafts = (
        Application.objects.filter(
            state=S.DRAFT, round__is_published=True, round__closes_at__gt=now, round__closes_at__lte=horizon
        )
        .select_related("round", "association")
        .order_by("pk")
    )
    for application in drafts:
        left = application.round.closes_at - now
        days = min(d for d in CLOSING_REMINDER_DAYS if left <= dt.timedelta(days=d))
        context = {
            "application": application,
            "round": application.round,
            "closes": local_time(application.round.closes_at),
            "url": absolute_url("grants:application-edit", args=[application.pk], language=site_language()),
        }
        with transaction.atomic():
            for email in representative_emails(application.association):
                row = notify(
                    key=f"grant-round-{application.round_id}-closes-in-{days}d:application-{application.pk}:{email}",
                    to=email,
                    template="grant-closing-reminder",
                    context=context,
                    language=site_language(),
                )
                queued += row is not None
    return queued


def reminders_send_reports(*, today=None) -> int:
    """Remind recipients of a report due within 14 days, and once more when it is overdue."""
    today = today or timezone.localdate()
    queued = 0
    due = (
        Application.objects.filter(state=S.PAID)
        .annotate(due=Coalesce("decision__report_due_on", "round__report_due_on"))
        .filter(due__isnull=False, due__lte=today + dt.timedelta(days=REPORT_REMINDER_DAYS))
        .select_related("round", "association")
        .order_by("pk")
    )
    for application in due:
        overdue = application.due < today
        context = {
            "application": application,
            "round": application.round,
            "due": application.due,
            "overdue": overdue,
            "url": absolute_url_of(application, language=site_language()),
        }
        with transaction.atomic():
            for email in representative_emails(application.association):
                row = notify(
                    key=f"grant-application-{application.pk}-report-{'overdue' if overdue else 'due'}:{email}",
                    to=email,
                    template="grant-report-reminder",
                    context=context,
                    language=site_language(),
                )
                queued += row is not None
    return queued
