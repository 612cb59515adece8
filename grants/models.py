"""Grants (avustukset): types, rounds (calls) within an appropriation, applications, review,
decisions, payments, reports and clawbacks (seed 000 "Avustukset"; seed 004 for Poznań).

The invariants the database holds, so that even code that skips the services cannot break them:

- a round's ``committed`` total never exceeds its ``appropriation`` nor falls below zero
  (CHECK constraints; the decision service updates it under a row lock in the decision's
  transaction);
- a reviewer who represents the applicant association cannot have a review row (a trigger,
  migration 0002, PostgreSQL);
- amounts are never negative, a round closes after it opens, one decision per application.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Audited, Stamped
from portal.permissions import acts_as_staff

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


def default_currency():
    return settings.CITY_PROFILE["currency"]


class GrantType(Stamped):
    """A form of grant the city offers (avustusmuoto), with its instructions and contact."""

    class Kind(models.TextChoices):
        OPERATING = "operating", _("Operating grant")
        PROJECT = "project", _("Project grant")
        LIGHT = "light", _("Light grant for informal groups and residents")
        PREMISES = "premises", _("Premises (rent) grant")
        OPEN_COMPETITION = "open_competition", _("Open competition for a public task")
        SMALL_GRANT = "small_grant", _("Small grant outside competition")
        REGRANTING = "regranting", _("Regranting")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    instructions = models.TextField(
        _("instructions"), blank=True, help_text=_("How to apply and report. Markdown; shown on every call.")
    )
    contact = models.ForeignKey(
        "portal.ContactPerson",
        verbose_name=_("responsible contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_types",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("grant type")
        verbose_name_plural = _("grant types")

    def __str__(self):
        return self.name


class FormVersion(Stamped):
    """One version of a grant type's application form; its fields are data.

    ``fields`` is a list of ``{"name", "label", "type": text|textarea|number|url|date|yes_no|confirm,
    "required": bool, "help": str, "section": str}`` (``section`` starts a titled part of the form,
    as the sections of the Polish offer form; a required ``confirm`` is a statement the applicant
    must tick). A version in use is never edited: a change is a new version, and every
    application keeps the version it was made with. Schemas of statutory forms are in
    ``grants/schemas/`` (``grants.forms_schema``).
    """

    FIELD_TYPES = ("text", "textarea", "number", "url", "date", "yes_no", "confirm")

    grant_type = models.ForeignKey(
        GrantType, verbose_name=_("grant type"), on_delete=models.CASCADE, related_name="form_versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    fields = models.JSONField(_("fields"), default=list, blank=True)
    report_fields = models.JSONField(
        _("report fields"),
        default=list,
        blank=True,
        help_text=_("Questions of the report after use, in the same shape (e.g. the Polish statutory report)."),
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ["grant_type", "-number"]
        verbose_name = _("application form version")
        verbose_name_plural = _("application form versions")
        constraints = [
            models.UniqueConstraint(fields=["grant_type", "number"], name="grants_formversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.grant_type} v{self.number}"

    def clean(self):
        for fields in (self.fields, self.report_fields):
            self._clean_fields(fields)

    def _clean_fields(self, fields):
        from django.core.exceptions import ValidationError

        names = set()
        for field in fields if isinstance(fields, list) else [None]:
            if not isinstance(field, dict) or not field.get("name") or not field.get("label"):
                raise ValidationError({"fields": _("Every field needs a name and a label.")})
            if field.get("type", "text") not in self.FIELD_TYPES:
                raise ValidationError({"fields": _("Unknown field type %(type)s.") % {"type": field.get("type")}})
            if field["name"] in names:
                raise ValidationError({"fields": _("Two fields are named %(name)s.") % {"name": field["name"]}})
            names.add(field["name"])


class GrantRoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment=None):
        moment = moment or timezone.now()
        return self.published().filter(opens_at__lte=moment, closes_at__gt=moment)

    def for_staff(self, user):
        """The rounds a staff member may run: their department's; a superuser's all."""
        if not acts_as_staff(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(department__staff_group__user=user)


class GrantRound(Audited):
    """A call for applications (avustushaku) within an appropriation of the budget.

    ``committed`` is the sum decided minus what was clawed back; the decision service changes
    it under a row lock, and the database refuses any value above the appropriation.
    """

    grant_type = models.ForeignKey(
        GrantType, verbose_name=_("grant type"), on_delete=models.PROTECT, related_name="rounds"
    )
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="grant_rounds"
    )
    form_version = models.ForeignKey(
        FormVersion,
        verbose_name=_("application form"),
        on_delete=models.PROTECT,
        related_name="rounds",
        help_text=_("New applications use this version; those already made keep their own."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    appropriation = models.DecimalField(_("appropriation"), **MONEY, help_text=_("The budget available for this call."))
    committed = models.DecimalField(_("committed"), **MONEY, default=ZERO, editable=False)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    eligible_kinds = models.JSONField(
        _("eligible applicants"),
        default=list,
        blank=True,
        help_text=_("Kinds of association that may apply (registered, foundation, informal, other)."),
    )
    report_due_on = models.DateField(_("reports due"), null=True, blank=True)
    max_per_grant = models.DecimalField(_("most per grant"), **MONEY, null=True, blank=True)
    max_per_association_year = models.DecimalField(
        _("most per association per year"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Across every round of the year."),
    )
    max_share_percent = models.DecimalField(
        _("most share of the appropriation to one applicant (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    is_published = models.BooleanField(_("published"), default=False)
    comment_days = models.PositiveSmallIntegerField(
        _("public comment period (days)"),
        null=True,
        blank=True,
        help_text=_(
            "For a small grant outside competition (Poland: 7 days): each offer is published for comments "
            "and can be decided only after the period."
        ),
    )

    operator = models.ForeignKey(
        "associations.Association",
        verbose_name=_("operator association"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_grant_rounds",
        help_text=_(
            "Regranting (Poland: regranting, art. 16a): the association that runs this round. Its administrator "
            "representatives review and decide the applications within this round's appropriation, which is the "
            "operator's sub-appropriation."
        ),
    )

    objects = GrantRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-opens_at"]
        verbose_name = _("grant round")
        verbose_name_plural = _("grant rounds")
        constraints = [
            models.CheckConstraint(condition=Q(appropriation__gte=0), name="grants_round_appropriation_nonnegative"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="grants_round_committed_nonnegative"),
            models.CheckConstraint(
                condition=Q(committed__lte=F("appropriation")), name="grants_round_committed_within_appropriation"
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="grants_round_closes_after_opens"),
            models.CheckConstraint(
                condition=Q(max_per_grant__isnull=True) | Q(max_per_grant__gte=0), name="grants_round_cap_grant_ok"
            ),
            models.CheckConstraint(
                condition=Q(max_per_association_year__isnull=True) | Q(max_per_association_year__gte=0),
                name="grants_round_cap_year_ok",
            ),
            models.CheckConstraint(
                condition=Q(max_share_percent__isnull=True) | Q(max_share_percent__gte=0, max_share_percent__lte=100),
                name="grants_round_cap_share_ok",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "closes_at"], name="grants_round_published_closes")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("grants:round-detail", kwargs={"slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.form_version_id and self.grant_type_id and self.form_version.grant_type_id != self.grant_type_id:
            raise ValidationError({"form_version": _("Choose a version of this grant type's own application form.")})
        unknown = set(self.eligible_kinds or []) - {"registered", "foundation", "informal", "other"}
        if unknown:
            raise ValidationError(
                {
                    "eligible_kinds": _("Use the kinds registered, foundation, informal and other (not %(kinds)s).")
                    % {"kinds": ", ".join(sorted(unknown))}
                }
            )

    def is_open(self, moment=None):
        moment = moment or timezone.now()
        return self.is_published and self.opens_at <= moment < self.closes_at

    @property
    def remaining(self):
        return self.appropriation - self.committed


class Criterion(models.Model):
    """An evaluation criterion of a round, with its weight and guidance for applicants and reviewers."""

    round = models.ForeignKey(GrantRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    guidance = models.TextField(_("guidance"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="grants_criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="grants_criterion_max_score_positive"),
        ]

    def __str__(self):
        return self.name


class ApplicationQuerySet(models.QuerySet):
    def for_staff(self, user):
        if not acts_as_staff(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(round__department__staff_group__user=user)

    def of_representative(self, user):
        from associations.models import Association

        return self.filter(association__in=Association.objects.represented_by(user))


class Application(Audited):
    """An application (avustushakemus) of an association to a round. Its state moves only through
    ``grants.workflow`` (every move logged as a ``Transition``)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for completion")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        IN_REVIEW = "in_review", _("In review")
        GRANTED = "granted", _("Granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_APPROVED = "report_approved", _("Report approved")
        CLAWBACK = "clawback", _("Clawback")

    round = models.ForeignKey(
        GrantRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="applications"
    )
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="grant_applications",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    form_version = models.ForeignKey(
        FormVersion, verbose_name=_("form version"), on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(_("purpose"), max_length=200, help_text=_("What the grant is for, in a few words."))
    summary = models.TextField(_("description"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    budget_lines = models.JSONField(
        _("budget"), default=list, blank=True, help_text=_('A list of {"item": str, "amount": "123.45"}.')
    )
    own_contribution = models.DecimalField(_("own contribution"), **MONEY, default=ZERO)
    amount_requested = models.DecimalField(_("amount requested"), **MONEY, default=ZERO)
    proposed_amount = models.DecimalField(_("proposed amount"), **MONEY, null=True, blank=True)
    age_groups = models.ManyToManyField("portal.AgeGroup", verbose_name=_("target age groups"), blank=True)
    service_areas = models.ManyToManyField("portal.ServiceArea", verbose_name=_("service areas"), blank=True)
    strategy_goals = models.ManyToManyField(
        "portal.FocusArea",
        verbose_name=_("strategy goals"),
        blank=True,
        related_name="grant_applications",
        help_text=_("The focus areas (goals) of the city's cooperation programme the activity serves."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_for_comment_at = models.DateTimeField(_("published for comments"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gte=0), name="grants_application_requested_nonneg"),
            models.CheckConstraint(condition=Q(own_contribution__gte=0), name="grants_application_own_nonneg"),
            models.CheckConstraint(
                condition=Q(proposed_amount__isnull=True) | Q(proposed_amount__gte=0),
                name="grants_application_proposed_nonneg",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "state"], name="grants_application_round_st"),
            models.Index(fields=["association", "state"], name="grants_application_assoc_st"),
        ]

    def __str__(self):
        return f"{self.title} – {self.association}"

    def get_absolute_url(self):
        return reverse("grants:application-detail", kwargs={"pk": self.pk})

    @property
    def comments_close_at(self):
        if self.published_for_comment_at is None or not self.round.comment_days:
            return None
        return self.published_for_comment_at + dt.timedelta(days=self.round.comment_days)

    @property
    def report_due(self):
        """This grant's own reporting date (a milestone set in the decision), else the round's."""
        decision = getattr(self, "decision", None)
        return (decision.report_due_on if decision else None) or self.round.report_due_on

    @property
    def budget_total(self):
        return sum((Decimal(str(line.get("amount") or 0)) for line in self.budget_lines), ZERO)


class PlannedResult(models.Model):
    """A result the applicant promises (the Polish offer's results table): target and how measured."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="planned_results"
    )
    description = models.CharField(_("result"), max_length=300)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    measure = models.CharField(_("how it is measured"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["application", "order", "pk"]
        verbose_name = _("planned result")
        verbose_name_plural = _("planned results")
        constraints = [models.CheckConstraint(condition=Q(target_value__gte=0), name="grants_result_target_nonneg")]

    def __str__(self):
        return self.description


def upload_attachment(instance, filename):
    import uuid
    from pathlib import PurePosixPath

    return f"grants/attachments/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()[:8]}"


def upload_letter(instance, filename):
    import uuid

    return f"grants/letters/{uuid.uuid4().hex}.pdf"


class Attachment(Stamped):
    """A file attached to an application or report: checked by content, served only to those allowed."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=upload_attachment, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    for_report = models.BooleanField(_("part of the report"), default=False)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Message(Stamped):
    """Advice (neuvonta): a message between the applicant and the grant type's contact."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="messages"
    )
    body = models.TextField(_("message"))
    from_city = models.BooleanField(_("from the city"), default=False)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return self.body[:60]


class OfferComment(Stamped):
    """A comment on an offer published for public comments (a Polish small grant, art. 19a)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="public_comments"
    )
    body = models.TextField(_("comment"))

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("public comment on an offer")
        verbose_name_plural = _("public comments on offers")

    def __str__(self):
        return self.body[:60]


class Transition(models.Model):
    """One move of an application's state: who, when, from, to and why. Append-only."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Application.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Application.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class Panel(Stamped):
    """An evaluation panel of a round: staff, and association representatives as in Poznań (seed 004)."""

    round = models.ForeignKey(GrantRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="+")

    class Meta:
        ordering = ["round", "name"]
        verbose_name = _("evaluation panel")
        verbose_name_plural = _("evaluation panels")

    def __str__(self):
        return self.name


class Review(Stamped):
    """A reviewer's assignment to an application: conflict declaration first, then scores.

    The content is shown only after the reviewer declares no conflict. The database refuses a
    row whose reviewer represents the applicant association (trigger, migration 0002).
    """

    class Conflict(models.TextChoices):
        UNDECLARED = "undeclared", _("Not declared yet")
        NONE = "none", _("No conflict of interest")
        DECLARED = "declared", _("Conflict of interest: recused")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="grant_reviews"
    )
    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    conflict = models.CharField(
        _("conflict of interest"), max_length=20, choices=Conflict.choices, default="undeclared"
    )
    conflict_note = models.TextField(_("conflict explained"), blank=True)
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["application", "reviewer"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="grants_review_one_per_reviewer"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(conflict="none"),
                name="grants_review_scores_need_no_conflict",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application_id}"


class Score(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["review", "criterion__order"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="grants_score_one_per_criterion")]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class Decision(Audited):
    """The decision on an application: amount and grounds. Posts to the round's ``committed``."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="decision"
    )
    amount = models.DecimalField(_("amount granted"), **MONEY)
    grounds = models.TextField(_("grounds"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    is_public = models.BooleanField(_("published"), default=True)
    report_due_on = models.DateField(
        _("report due (this grant)"), null=True, blank=True, help_text=_("Leave empty to use the round's date.")
    )
    letter = models.FileField(_("decision letter (PDF)"), upload_to=upload_letter, blank=True, max_length=200)
    letter_language = models.CharField(_("language of the letter"), max_length=5, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="grants_decision_amount_nonneg")]
        # The public list walks this index newest first and stops after a page.
        indexes = [
            models.Index(
                models.OrderBy(F("decided_at"), descending=True),
                "id",
                condition=Q(is_public=True, amount__gt=0),
                name="grants_decision_public_recent",
            )
        ]

    def __str__(self):
        return f"{self.application} – {self.amount}"


class Payment(Audited):
    """A payment (maksatus), possibly one of several instalments."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["application", "paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grants_payment_amount_positive")]

    def __str__(self):
        return f"{self.amount} ({self.paid_on})"


class GrantReport(Audited):
    """The report after use (selvitys): use of funds, achieved results, participants by age group."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        MORE_REQUESTED = "more_requested", _("More information requested")
        APPROVED = "approved", _("Approved")

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="report"
    )
    use_of_funds = models.TextField(_("use of funds"))
    amount_used = models.DecimalField(_("amount used"), **MONEY)
    participants = models.JSONField(
        _("participants by age group"), default=dict, blank=True, help_text=_("Age group id → number of participants.")
    )
    answers = models.JSONField(
        _("answers"), default=dict, blank=True, help_text=_("Answers to the form version's report fields.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    staff_note = models.TextField(_("note from the city"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        constraints = [models.CheckConstraint(condition=Q(amount_used__gte=0), name="grants_report_used_nonneg")]

    def __str__(self):
        return f"{self.application}"


class ReportResult(models.Model):
    """The achieved value of one planned result: promise and outcome side by side."""

    report = models.ForeignKey(GrantReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="results")
    planned_result = models.ForeignKey(
        PlannedResult, verbose_name=_("planned result"), on_delete=models.CASCADE, related_name="achievements"
    )
    achieved_value = models.DecimalField(_("achieved value"), max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["report", "planned_result__order"]
        verbose_name = _("achieved result")
        verbose_name_plural = _("achieved results")
        constraints = [
            models.UniqueConstraint(fields=["report", "planned_result"], name="grants_reportresult_unique"),
            models.CheckConstraint(condition=Q(achieved_value__gte=0), name="grants_reportresult_nonneg"),
        ]

    def __str__(self):
        return f"{self.planned_result}: {self.achieved_value}"


class Clawback(Audited):
    """A claim to return (takaisinperintä) all or part of a grant; it frees the amount in the ledger."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="clawbacks"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.TextField(_("reason"))
    due_on = models.DateField(_("due"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        ordering = ["application", "due_on"]
        verbose_name = _("clawback")
        verbose_name_plural = _("clawbacks")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grants_clawback_amount_positive")]

    def __str__(self):
        return f"{self.application} – {self.amount}"
