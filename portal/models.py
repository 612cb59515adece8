"""The cross-cutting core: the city's organisation, contact directory, pages, forums, outbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class Stamped(models.Model):
    """Who created a record and when it was created and last changed.

    Every new model inherits this instead of repeating the three fields; the services set
    ``created_by``. Use ``Audited`` where staff must see every change (decisions, bookings).
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Audited(Stamped):
    """``Stamped`` with a change history (django-simple-history): who changed what and when."""

    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True


class Department(models.Model):
    """A city department (toimiala). Staff, grant rounds, facilities and agreements belong to one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    staff_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("staff group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Members of this group are the department's staff in the admin."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class ServiceArea(models.Model):
    """A part of the city (palvelualue) used to target grants and find facilities."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self):
        return self.name


class AgeGroup(models.Model):
    """An age group served (children, young people, working age, seniors …)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "min_age", "name"]
        verbose_name = _("age group")
        verbose_name_plural = _("age groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
                name="agegroup_min_le_max",
            )
        ]

    def __str__(self):
        return self.name


class Topic(models.Model):
    """A subject people ask the city about ("who do I ask about …"): grants, facilities, events."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class ContactPerson(models.Model):
    """A city expert associations may contact; one is the coordinator (yhdistysyhteyshenkilö)."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="contacts"
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="contacts")
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_coordinator = models.BooleanField(
        _("coordinator"),
        default=False,
        help_text=_("The first point of contact, shown first. Only one person can be the coordinator."),
    )
    is_public = models.BooleanField(_("public"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_person",
    )

    class Meta:
        ordering = ["-is_coordinator", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.UniqueConstraint(
                fields=["is_coordinator"], condition=Q(is_coordinator=True), name="contactperson_one_coordinator"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.title})"


class Page(models.Model):
    """A content page in one language: how to use the site, accessibility statement, privacy."""

    slug = models.SlugField(_("slug"))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown. HTML is removed."))
    show_in_footer = models.BooleanField(_("link in footer"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug", "language"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [models.UniqueConstraint(fields=["slug", "language"], name="page_slug_language_unique")]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    def get_absolute_url(self):
        return reverse("portal:page", kwargs={"slug": self.slug})


class Forum(models.Model):
    """A cooperation body or network (yhteistyöfoorumi, verkosto): seeds 000 and 002."""

    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Cooperation working group")
        SPORTS_PARLIAMENT = "sports_parliament", _("Seuraparlamentti (sports clubs' parliament)")
        ASSOCIATION_EVENING = "association_evening", _("Association evenings")
        WORKSHOP = "workshop", _("Workshops")
        NETWORK = "network", _("Network")
        OTHER = "other", _("Other forum")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NETWORK)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.SET_NULL, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    joined_year = models.PositiveSmallIntegerField(_("joined (year)"), null=True, blank=True)
    ended_year = models.PositiveSmallIntegerField(_("ended (year)"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("cooperation forum or network")
        verbose_name_plural = _("cooperation forums and networks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:forum-detail", kwargs={"slug": self.slug})


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(sent_at__isnull=True, failed_at__isnull=True, send_after__lte=now, next_attempt_at__lte=now)


class Notification(models.Model):
    """One e-mail the system owes (the outbox). Written in the same transaction as its cause.

    ``key`` is unique: writing the same key twice is a no-op, so a reminder job that runs twice
    or a retried request never mails anyone twice.
    """

    key = models.CharField(_("key"), max_length=255, unique=True)
    to = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    template = models.CharField(_("template"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("Small files sent with the message: filename, MIME type and content (text or base64)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    send_after = models.DateTimeField(_("send after"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gave up"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications (outbox)")
        indexes = [
            models.Index(
                fields=["send_after"], condition=Q(sent_at__isnull=True, failed_at__isnull=True), name="outbox_pending"
            )
        ]

    def __str__(self):
        return f"{self.key} → {self.to}"


class Heartbeat(models.Model):
    """The last time a periodic job ran to its end (``portal.tasks.beat_heartbeat`` every minute).

    Staff read it on the outbox's admin page: a stale beat means no reminders, no outbox sweep
    and no retention jobs.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_seen_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name, at=None):
        cls.objects.update_or_create(name=name, defaults={"last_seen_at": at or timezone.now()})


# The programme's models live in their own module; importing them here registers them in portal.
from portal.programme.models import (  # noqa: E402,F401
    Action,
    ActionStatus,
    Erratum,
    FocusArea,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    PageVisitDay,
    Programme,
    Report,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
