"""The programme's models: programme → focus area → actions and indicators → values; surveys; reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Audited, Department, Stamped


class Programme(Audited):
    """A city's association cooperation programme for a council term (seed 000: Pori 2026–2029)."""

    city = models.CharField(_("city"), max_length=40, help_text=_("The city profile's key, e.g. pori."))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="fi")
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_at = models.DateField(_("approved on"), null=True, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["-start_year", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        permissions = [("view_programme_report", _("Can see the programme dashboard and its reports"))]
        constraints = [
            models.CheckConstraint(condition=Q(start_year__lte=models.F("end_year")), name="programme_years_ordered"),
        ]

    def __str__(self):
        return self.name

    @property
    def years(self):
        return list(range(self.start_year, self.end_year + 1))


class FocusArea(Audited):
    """A focus area (painopiste) with its goal state (tavoitetila)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="focus_areas")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    goal_state = models.TextField(_("goal state"))

    class Meta:
        app_label = "portal"
        ordering = ["programme", "order"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [models.UniqueConstraint(fields=["programme", "order"], name="focusarea_unique_order")]

    def __str__(self):
        return self.title


class Action(Audited):
    """An action (teko) of a focus area and who is responsible for it."""

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("action"))
    responsible_department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.SET_NULL, null=True, blank=True
    )
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["focus_area", "order"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [models.UniqueConstraint(fields=["focus_area", "order"], name="action_unique_order")]

    def __str__(self):
        return self.text[:80]


class ActionStatus(Audited):
    """How an action stands in a year, with the evidence and a note."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        ONGOING = "ongoing", _("Ongoing as planned")
        DELAYED = "delayed", _("Delayed")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="statuses")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(_("evidence"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["action", "year"]
        verbose_name = _("action status")
        verbose_name_plural = _("action statuses")
        constraints = [models.UniqueConstraint(fields=["action", "year"], name="actionstatus_one_per_year")]

    def __str__(self):
        return f"{self.action} {self.year}: {self.get_status_display()}"


class Indicator(Audited):
    """An indicator (mittari): computed from the registry, entered by staff, or asked in a survey."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed by the portal")
        MANUAL = "manual", _("Entered by staff")
        SURVEY = "survey", _("Survey of associations")

    class Direction(models.TextChoices):
        UP = "up", _("Up is good")
        DOWN = "down", _("Down is good")

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("name"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    computed_key = models.CharField(
        _("computed key"), max_length=120, blank=True, help_text=_("A key of the indicator registry.")
    )
    survey_question = models.ForeignKey(
        "portal.SurveyQuestion",
        verbose_name=_("survey question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    responsible_department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["focus_area", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["focus_area", "order"], name="indicator_unique_order"),
            models.CheckConstraint(
                condition=~Q(source="computed") | ~Q(computed_key=""), name="indicator_computed_has_key"
            ),
        ]

    def __str__(self):
        return self.name[:80]


class IndicatorTarget(Stamped):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        app_label = "portal"
        ordering = ["indicator", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicatortarget_one_per_year")]


class IndicatorValue(Audited):
    """One figure of an indicator for a year (or a quarter of it), optionally for one breakdown.

    ``breakdown`` is "" for the whole; otherwise a service area's or age group's name (or a class
    the registry returns). Unique per (indicator, year, quarter, breakdown) in the database, a
    missing quarter counting as one value (``nulls_distinct=False``). Every change is in history.
    """

    class Status(models.TextChoices):
        PRELIMINARY = "preliminary", _("Preliminary")
        FINAL = "final", _("Final")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    breakdown = models.CharField(_("breakdown"), max_length=200, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PRELIMINARY)
    source = models.CharField(_("source"), max_length=200)
    answers = models.PositiveIntegerField(_("number of answers"), null=True, blank=True)
    as_of = models.DateTimeField(_("as of"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "portal"
        ordering = ["indicator", "year", "quarter", "breakdown"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter", "breakdown"],
                name="indicatorvalue_unique_period_breakdown",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="indicatorvalue_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class Survey(Audited):
    """A survey of the associations for a focus area (or the whole programme) and a year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="surveys")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        app_label = "portal"
        ordering = ["-year", "title"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=Q(opens_on__lte=models.F("closes_on")), name="survey_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.title} {self.year}"


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1–5")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("question"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.SCALE)

    class Meta:
        app_label = "portal"
        ordering = ["survey", "order"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [models.UniqueConstraint(fields=["survey", "order"], name="surveyquestion_unique_order")]

    def __str__(self):
        return self.text[:80]


class SurveyResponse(Stamped):
    """One association's answer to a survey (one per association, in the database).

    ``association_id`` names the association without a foreign key: ``portal`` imports no app to
    its right (docs/architecture.md, the dependency rule); the view resolves it from the
    representative's acting association.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    association_id = models.PositiveIntegerField(_("association"))

    class Meta:
        app_label = "portal"
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "association_id"], name="surveyresponse_one_per_association")
        ]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        app_label = "portal"
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveyanswer_one_per_question"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="surveyanswer_score_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.score if self.score is not None else self.text[:40]}"


class Report(Stamped):
    """A yearly report: generated as a PDF by a Celery task, signed by the steering group.

    ``snapshot`` holds what the report shows (values, actions) as JSON. While unsigned it is
    recomputed on each generation; signing freezes it, and later corrections are ``Erratum`` rows.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=10, default="fi")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    as_of = models.DateTimeField(_("as of"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="programme/reports/", blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        app_label = "portal"
        ordering = ["-year", "-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | ~Q(snapshot={}), name="report_signed_has_snapshot"
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"


class Erratum(Stamped):
    """A dated correction to a signed report: what changed, from what to what, and why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="errata")
    indicator = models.ForeignKey(Indicator, on_delete=models.SET_NULL, null=True, blank=True)
    breakdown = models.CharField(_("breakdown"), max_length=200, blank=True, default="")
    old_value = models.DecimalField(_("old value"), max_digits=14, decimal_places=2, null=True, blank=True)
    new_value = models.DecimalField(_("new value"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("correction"))

    class Meta:
        app_label = "portal"
        ordering = ["report", "created_at"]
        verbose_name = _("erratum")
        verbose_name_plural = _("errata")


class PageVisitDay(models.Model):
    """Page views per day and site section, counted without cookies or personal data.

    Seed 000, Viestintä: "Yhdistyksille tarkoitettujen kaupungin verkkosivujen kävijämäärät".
    Only the day, the section (``associations``, ``grants`` …) and a number are kept.
    """

    day = models.DateField(_("day"))
    section = models.CharField(_("section"), max_length=40)
    count = models.PositiveIntegerField(_("page views"), default=0)

    class Meta:
        app_label = "portal"
        ordering = ["-day", "section"]
        verbose_name = _("page views per day")
        verbose_name_plural = _("page views per day")
        constraints = [models.UniqueConstraint(fields=["day", "section"], name="pagevisitday_unique_day_section")]

    def __str__(self):
        return f"{self.day} {self.section}: {self.count}"
