"""Joint projects, requests to the city, city events and local initiatives (issue 14).

Seed 000 (Yhteistyö ja yhteiskehittäminen): "Hankeyhteistyötä kaupungin ja yhdistysten välillä
kehitetään", "Huomioidaan neljännen sektorin yhteistyömahdollisuudet"; seed 001 and 003 item 5
(event cooperation, tapahtumayhteistyö); seed 004 goals 5, 7 and 9 (patronage, local
initiatives, letters of recommendation and intent for external funding).
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from associations.cooperation.validators import (
    AMOUNT_NEGATIVE,
    END_BEFORE_START,
    INITIATIVE_NEEDS_HELP,
    REASON_REQUIRED_FOR_DECLINE,
    SIGNUP_TWICE,
)
from portal.models import Audited, Stamped


def upload_letter(instance, filename):
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"associations/letters/{uuid.uuid4().hex}{suffix}"


class JointProjectQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def running_during_year(self, year):
        """Projects that ran at some time during ``year``."""
        return self.filter(starts_on__year__lte=year).filter(Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))


class JointProject(Audited):
    """A joint project (yhteishanke) of the city and one or more associations."""

    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="joint_projects"
    )
    partners = models.ManyToManyField(
        "associations.Association", verbose_name=_("partner associations"), related_name="joint_projects"
    )
    contact_person = models.ForeignKey(
        "portal.ContactPerson",
        verbose_name=_("responsible city person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_projects",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    own_funding = models.DecimalField(_("partners' own funding"), max_digits=12, decimal_places=2, default=0)
    city_grant = models.DecimalField(_("city grant"), max_digits=12, decimal_places=2, default=0)
    external_funding = models.DecimalField(_("external funding"), max_digits=12, decimal_places=2, default=0)
    external_funder = models.CharField(_("external funder"), max_length=200, blank=True)
    goals = models.TextField(_("goals"))
    results = models.TextField(_("results"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    objects = JointProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="jointproject_ends_after_start",
                violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(own_funding__gte=0) & Q(city_grant__gte=0) & Q(external_funding__gte=0),
                name="jointproject_funding_not_negative",
                violation_error_message=AMOUNT_NEGATIVE,
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:cooperation:project-detail", kwargs={"pk": self.pk})

    @property
    def total_funding(self):
        return (self.own_funding or 0) + (self.city_grant or 0) + (self.external_funding or 0)


class CityEvent(Stamped):
    """An event the city organises and invites associations to take part in (a harvest festival)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), help_text=_("What the city asks of the associations."))
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="city_events"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    signup_until = models.DateField(_("sign-up until"))
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("city event")
        verbose_name_plural = _("city events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cityevent_ends_after_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:cooperation:event-detail", kwargs={"pk": self.pk})


class RequestKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Letter of recommendation for an external funding application")
    INTENT = "intent", _("Letter of intent for an external funding application")
    PATRONAGE_MAYOR = "patronage_mayor", _("The mayor's patronage for an event")
    PATRONAGE_CITY = "patronage_city", _("The city's patronage for an event")
    MEDIA_PATRONAGE = "media_patronage", _("Media patronage: help with the media")
    EVENT_PARTICIPATION = "event_participation", _("Taking part in a city event")


LETTER_KINDS = (RequestKind.RECOMMENDATION, RequestKind.INTENT)
PATRONAGE_KINDS = (RequestKind.PATRONAGE_MAYOR, RequestKind.PATRONAGE_CITY, RequestKind.MEDIA_PATRONAGE)


class RequestHandler(models.Model):
    """Who handles each kind of request: a person from the contact directory."""

    kind = models.CharField(_("kind of request"), max_length=30, choices=RequestKind.choices, unique=True)
    contact = models.ForeignKey(
        "portal.ContactPerson", verbose_name=_("handler"), on_delete=models.PROTECT, related_name="request_kinds"
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("request handler")
        verbose_name_plural = _("request handlers")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.contact.name}"


class CityRequestQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(state__in=[CityRequest.State.WITHDRAWN, CityRequest.State.DECLINED])


class CityRequest(Audited):
    """A request of an association to the city (pyyntö kaupungille): one flow for every kind.

    submitted → in handling → granted | declined (with a reason); the association may withdraw it
    while it is open. A granted letter comes back as a PDF in the applicant's language.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_HANDLING = "in_handling", _("In handling")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    Kind = RequestKind

    kind = models.CharField(_("kind of request"), max_length=30, choices=RequestKind.choices)
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="city_requests",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    handler = models.ForeignKey(
        "portal.ContactPerson",
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="city_requests",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # A letter: the external application it supports.
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    amount_sought = models.DecimalField(_("amount sought"), max_digits=12, decimal_places=2, null=True, blank=True)
    project_starts_on = models.DateField(_("project starts on"), null=True, blank=True)
    project_ends_on = models.DateField(_("project ends on"), null=True, blank=True)
    # Patronage: the association's event.
    event_name = models.CharField(_("event"), max_length=200, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    # Event cooperation: the city's event.
    city_event = models.ForeignKey(
        CityEvent,
        verbose_name=_("city event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signups",
    )
    decision_reason = models.TextField(_("answer"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    joint_project = models.ForeignKey(
        JointProject,
        verbose_name=_("joint project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    letter = models.FileField(_("letter (PDF)"), upload_to=upload_letter, blank=True, max_length=200, editable=False)
    letter_language = models.CharField(_("letter language"), max_length=10, blank=True, editable=False)

    objects = CityRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to the city")
        verbose_name_plural = _("requests to the city")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decision_reason=""),
                name="cityrequest_decline_has_reason",
                violation_error_message=REASON_REQUIRED_FOR_DECLINE,
            ),
            models.CheckConstraint(
                condition=Q(kind="event_participation", city_event__isnull=False)
                | (~Q(kind="event_participation") & Q(city_event__isnull=True)),
                name="cityrequest_city_event_iff_participation",
            ),
            models.CheckConstraint(
                condition=Q(amount_sought__isnull=True) | Q(amount_sought__gte=0),
                name="cityrequest_amount_not_negative",
                violation_error_message=AMOUNT_NEGATIVE,
            ),
            models.UniqueConstraint(
                fields=["city_event", "association"],
                condition=Q(state__in=["submitted", "in_handling", "granted"]),
                name="cityrequest_one_active_signup",
                violation_error_message=SIGNUP_TWICE,
            ),
        ]
        indexes = [models.Index(fields=["kind", "state", "decided_at"], name="cityrequest_kind_state")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title} ({self.association})"

    def get_absolute_url(self):
        return reverse("associations:cooperation:request-detail", kwargs={"pk": self.pk})

    @property
    def is_letter(self):
        return self.kind in LETTER_KINDS

    @property
    def is_open(self):
        return self.state in (self.State.SUBMITTED, self.State.IN_HANDLING)


class InitiativeCriterion(models.Model):
    """A published criterion by which staff assess local initiatives."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("initiative criterion")
        verbose_name_plural = _("initiative criteria")

    def __str__(self):
        return self.name


class LocalInitiativeQuerySet(models.QuerySet):
    def decided(self):
        """Initiatives with a public decision."""
        return self.filter(
            state__in=[
                LocalInitiative.State.ACCEPTED,
                LocalInitiative.State.DECLINED,
                LocalInitiative.State.CARRIED_OUT,
            ]
        )


class LocalInitiative(Audited):
    """A local initiative (paikallinen aloite; Poznań's inicjatywa lokalna): residents or an informal
    group propose something the city realises with them — the city gives work, materials or space."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_ASSESSMENT = "in_assessment", _("In assessment")
        ACCEPTED = "accepted", _("Accepted: the city takes part")
        DECLINED = "declined", _("Declined")
        CARRIED_OUT = "carried_out", _("Carried out")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    group_name = models.CharField(
        _("group or residents"),
        max_length=200,
        help_text=_("The informal group or residents behind the initiative, as shown publicly."),
    )
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_initiatives",
    )
    service_area = models.ForeignKey(
        "portal.ServiceArea",
        verbose_name=_("area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_initiatives",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    residents_contribution = models.TextField(_("what the residents do"))
    needs_work = models.BooleanField(_("the city's work"), default=False)
    needs_materials = models.BooleanField(_("materials"), default=False)
    needs_space = models.BooleanField(_("a space"), default=False)
    help_details = models.TextField(_("what is asked of the city"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    decision_reason = models.TextField(_("decision and its grounds"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)

    objects = LocalInitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("local initiative")
        verbose_name_plural = _("local initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_work=True) | Q(needs_materials=True) | Q(needs_space=True),
                name="initiative_asks_for_help",
                violation_error_message=INITIATIVE_NEEDS_HELP,
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["accepted", "declined", "carried_out"]) | ~Q(decision_reason=""),
                name="initiative_decision_has_grounds",
                violation_error_message=REASON_REQUIRED_FOR_DECLINE,
            ),
            models.CheckConstraint(
                condition=~Q(state="carried_out") | Q(carried_out_on__isnull=False),
                name="initiative_carried_out_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:cooperation:initiative-detail", kwargs={"pk": self.pk})

    @property
    def is_public(self):
        return self.state in (self.State.ACCEPTED, self.State.DECLINED, self.State.CARRIED_OUT)

    @property
    def help_asked(self):
        return [
            label
            for flag, label in (
                (self.needs_work, _("work")),
                (self.needs_materials, _("materials")),
                (self.needs_space, _("a space")),
            )
            if flag
        ]


__all__ = [
    "CityEvent",
    "CityRequest",
    "InitiativeCriterion",
    "JointProject",
    "LocalInitiative",
    "RequestHandler",
    "RequestKind",
]
