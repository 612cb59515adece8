"""The association registry (yhdistysrekisteri), its representatives, events and partnership agreements."""

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.poland import (
    KRS_DB_REGEX,
    KRS_TAKEN,
    NIP_DB_REGEX,
    NIP_TAKEN,
    REGON_DB_REGEX,
    REGON_TAKEN,
    LegalForm,
)
from associations.validators import (
    AGREEMENT_END_BEFORE_START,
    BUSINESS_ID_DB_REGEX,
    BUSINESS_ID_TAKEN,
    EVENT_END_BEFORE_START,
    EVENT_END_TIME_WITHOUT_START,
    POSTER_ALT_REQUIRED,
    REGISTER_NUMBER_DB_REGEX,
    REGISTER_NUMBER_TAKEN,
    REVIEW_NEXT_BEFORE_HELD,
    validate_http_url,
)
from portal.models import Audited, Stamped
from portal.moderation import Moderated, ModeratedQuerySet, moderation_state_field

FINNISH_SEARCH_CONFIG = "finnish"
PLAIN_SEARCH_CONFIG = "simple"


def search_vector():
    """The weighted full-text vector of an association: the name counts more than the description.

    ``Association.search_vector`` stores it (a generated column with a GIN index), so a search
    reads it instead of computing ``to_tsvector`` for every row. ``to_tsvector`` with an explicit
    configuration is IMMUTABLE, as PostgreSQL requires of a generated column.
    """
    return SearchVector("name", config=FINNISH_SEARCH_CONFIG, weight="A") + SearchVector(
        "description", config=FINNISH_SEARCH_CONFIG, weight="B"
    )


class Unaccented(models.Func):
    """Text without diacritics ("Eläkeläiset" → "Elakelaiset") for the typo-tolerant name search.

    ``immutable_unaccent`` (migration 0007) wraps the unaccent extension's ``unaccent``, which is
    only STABLE, so that the name's trigram index can be built on it.
    """

    function = "immutable_unaccent"
    output_field = models.TextField()


def plain_search_vector():
    """The vector for a language PostgreSQL cannot stem (Polish): ``simple`` over the unaccented text.

    "Stowarzyszenie Przyjaciół Dzieci" is stored as ``stowarzyszenie przyjaciol dzieci``, so a search
    typed without Polish letters finds it (``associations.countries``). IMMUTABLE, as a generated
    column must be: ``immutable_unaccent`` and ``to_tsvector`` with an explicit configuration.
    """
    return SearchVector(Unaccented("name"), config=PLAIN_SEARCH_CONFIG, weight="A") + SearchVector(
        Unaccented("description"), config=PLAIN_SEARCH_CONFIG, weight="B"
    )


class PlNipValid(models.Func):
    """``pl_nip_valid(nip)`` (migration 0011): ten digits with a valid check digit."""

    function = "pl_nip_valid"
    output_field = models.BooleanField()


class PlRegonValid(models.Func):
    """``pl_regon_valid(regon)`` (migration 0011): 9 or 14 digits with a valid check digit."""

    function = "pl_regon_valid"
    output_field = models.BooleanField()


def _random_name(folder, filename):
    """A random file name: nothing guessable, no collisions, the user's file name is not kept."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"associations/{folder}/{uuid.uuid4().hex}{suffix}"


def upload_logo(instance, filename):
    return _random_name("logos", filename)


def upload_poster(instance, filename):
    return _random_name("posters", filename)


def upload_agreement(instance, filename):
    return _random_name("agreements", filename)


class FieldOfActivity(models.Model):
    """The portal's own two-level taxonomy of what associations do (toimiala), e.g. Sports › Ball games.

    PRH's nine classes are too coarse, and many associations have none, so the directory filters on these.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main field"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Empty for a main field. Only two levels: a main field and its subfields."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="fieldofactivity_parent_name_unique"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="fieldofactivity_not_own_parent"),
        ]

    def __str__(self):
        if self.parent_id and "parent" in self._state.fields_cache:
            return f"{self.parent.name} › {self.name}"
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("A subfield cannot have subfields of its own.")})


class PublicBenefitSphere(models.Model):
    """A sphere of public tasks of art. 4 ust. 1 of the Polish public benefit act (sfera pożytku publicznego).

    Poland's classification of organisations, as the PRH classes are Finland's
    (``associations.countries``). The law's list is loaded by migration 0011
    (``associations.poland.PUBLIC_BENEFIT_SPHERES``); the names are translated like the portal's
    other city-managed names (``associations.translation``).
    """

    point = models.CharField(_("point of art. 4 ust. 1"), max_length=5, unique=True, help_text=_("E.g. 1a or 17."))
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "point"]
        verbose_name = _("sphere of public benefit")
        verbose_name_plural = _("spheres of public benefit")

    def __str__(self):
        return self.name


class Language(models.Model):
    """A language an association works in. The name shown is translated when Django knows the code."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        try:
            return str(translation.get_language_info(self.code)["name_translated"])
        except KeyError:
            return self.name


class PRHClass(models.TextChoices):
    """The nine classes of the Finnish Patent and Registration Office (PRH), plus none (seed 001)."""

    POLITICAL = "political", _("Political associations")
    PROFESSIONAL = "professional", _("Professional and business associations")
    SOCIAL_HEALTH = "social_health", _("Social and health associations")
    CULTURE = "culture", _("Cultural associations")
    LEISURE = "leisure", _("Leisure associations")
    SPORTS = "sports", _("Sports and exercise associations")
    RELIGION = "religion", _("Religious and world-view associations")
    DEFENCE_INTERNATIONAL = "defence_international", _("National defence and international associations")
    OTHER = "other", _("Other associations")
    UNCLASSIFIED = "unclassified", _("Not classified")


class AssociationManager(models.Manager):
    def get_queryset(self):
        # The stored search vector is for the database's eyes only (associations.search filters
        # and ranks on it there): pages never load it.
        return super().get_queryset().defer("search_vector", "search_vector_plain")


class AssociationQuerySet(ModeratedQuerySet):
    def public(self):
        return self.filter(is_public=True, moderation_state=Association.ModerationState.APPROVED)

    def claimable(self):
        """Entries a stranger may find and claim in "I represent": public and approved.

        An entry waiting for moderation belongs to its creator until staff approve it.
        """
        return self.public()

    def represented_by(self, user):
        """Associations the user may act for: approved memberships only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__state=Membership.State.APPROVED)

    def administered_by(self, user):
        """Associations where the user is an approved admin representative."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user,
            memberships__state=Membership.State.APPROVED,
            memberships__role=Membership.Role.ADMIN,
        )

    def with_valid_agreement(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Exists(PartnershipAgreement.objects.public().valid_on(on).filter(association=OuterRef("pk")))
        )


class Association(Moderated, Stamped):
    """An association (yhdistys), foundation, informal group (neljäs sektori) or other body.

    A new entry waits for staff moderation (``portal.moderation.Moderated``); ``created_by`` (from
    ``portal.models.Stamped``) is the person who added it: only they and staff see it while it waits.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered association (ry)")
        FOUNDATION = "foundation", _("Foundation")
        INFORMAL = "informal", _("Informal group")
        OTHER = "other", _("Other (e.g. parish)")

    PRHClass = PRHClass
    LegalForm = LegalForm

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGISTERED)
    register_number = models.CharField(
        _("register number"),
        max_length=20,
        blank=True,
        help_text=_("The association register number at PRH (yhdistysrekisterinumero), e.g. 123.456."),
    )
    business_id = models.CharField(_("business ID"), max_length=9, blank=True, help_text=_("Y-tunnus, e.g. 1234567-8."))
    prh_class = models.CharField(_("PRH class"), max_length=30, choices=PRHClass.choices, default=PRHClass.UNCLASSIFIED)
    fields_of_activity = models.ManyToManyField(
        FieldOfActivity, verbose_name=_("fields of activity"), blank=True, related_name="associations"
    )
    # Poland's register identity (associations.poland); empty in a Finnish city.
    # db_default: a bulk COPY that names only the older columns (associations.bench) still works.
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalForm.choices, blank=True, default="", db_default=""
    )
    krs_number = models.CharField(
        _("KRS number"),
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text=_("The number in the National Court Register: ten digits."),
    )
    nip = models.CharField(
        _("NIP"), max_length=10, blank=True, default="", db_default="", help_text=_("The tax identification number.")
    )
    regon = models.CharField(
        _("REGON"),
        max_length=14,
        blank=True,
        default="",
        db_default="",
        help_text=_("The statistical number: 9 or 14 digits."),
    )
    public_benefit_spheres = models.ManyToManyField(
        PublicBenefitSphere, verbose_name=_("spheres of public benefit"), blank=True, related_name="associations"
    )
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True, validators=[validate_http_url])
    service_areas = models.ManyToManyField(
        "portal.ServiceArea", verbose_name=_("service areas"), blank=True, related_name="associations"
    )
    age_groups = models.ManyToManyField(
        "portal.AgeGroup", verbose_name=_("age groups served"), blank=True, related_name="associations"
    )
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="associations")
    logo = models.FileField(_("logo"), upload_to=upload_logo, blank=True, max_length=200)
    founded_year = models.PositiveSmallIntegerField(_("founded (year)"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    last_confirmed_on = models.DateField(
        _("profile last confirmed"), null=True, blank=True, help_text=_("When a representative last confirmed it.")
    )
    linked_events_publisher = models.CharField(
        _("Linked Events publisher"),
        max_length=100,
        blank=True,
        help_text=_("The organisation id in the Linked Events API, e.g. ahjo:u4804001010. Imports map to it."),
    )
    # For associations.search: PostgreSQL computes it from the name and description on every write.
    search_vector = models.GeneratedField(
        expression=search_vector(), output_field=SearchVectorField(), db_persist=True, verbose_name=_("search vector")
    )
    # The same without stemming or diacritics, for a city whose language PostgreSQL cannot stem.
    search_vector_plain = models.GeneratedField(
        expression=plain_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search vector without diacritics"),
    )

    objects = AssociationManager.from_queryset(AssociationQuerySet)()
    # Audited's history, less the generated column (a history row cannot store a GENERATED value).
    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector", "search_vector_plain"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        constraints = [
            models.UniqueConstraint(
                fields=["register_number"],
                condition=~Q(register_number=""),
                name="association_register_number_unique",
                violation_error_message=REGISTER_NUMBER_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["business_id"],
                condition=~Q(business_id=""),
                name="association_business_id_unique",
                violation_error_message=BUSINESS_ID_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["linked_events_publisher"],
                condition=~Q(linked_events_publisher=""),
                name="association_linked_events_publisher_unique",
            ),
            models.CheckConstraint(
                condition=Q(business_id="") | Q(business_id__regex=BUSINESS_ID_DB_REGEX),
                name="association_business_id_format",
            ),
            models.CheckConstraint(
                condition=Q(register_number="") | Q(register_number__regex=REGISTER_NUMBER_DB_REGEX),
                name="association_register_number_format",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True) | Q(founded_year__gte=1800, founded_year__lte=2100),
                name="association_founded_year_range",
            ),
            models.CheckConstraint(
                condition=Q(prh_class__in=[c.value for c in PRHClass]), name="association_prh_class_valid"
            ),
            # Poland (associations.poland): formats, check digits and uniqueness in the database too.
            models.UniqueConstraint(
                fields=["krs_number"],
                condition=~Q(krs_number=""),
                name="association_krs_number_unique",
                violation_error_message=KRS_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["nip"], condition=~Q(nip=""), name="association_nip_unique", violation_error_message=NIP_TAKEN
            ),
            models.UniqueConstraint(
                fields=["regon"],
                condition=~Q(regon=""),
                name="association_regon_unique",
                violation_error_message=REGON_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(krs_number="") | Q(krs_number__regex=KRS_DB_REGEX), name="association_krs_number_format"
            ),
            models.CheckConstraint(condition=Q(nip="") | Q(nip__regex=NIP_DB_REGEX), name="association_nip_format"),
            models.CheckConstraint(
                condition=Q(regon="") | Q(regon__regex=REGON_DB_REGEX), name="association_regon_format"
            ),
            models.CheckConstraint(condition=Q(nip="") | Q(PlNipValid("nip")), name="association_nip_check_digit"),
            models.CheckConstraint(
                condition=Q(regon="") | Q(PlRegonValid("regon")), name="association_regon_check_digit"
            ),
            models.CheckConstraint(
                condition=Q(legal_form="") | Q(legal_form__in=[c.value for c in LegalForm]),
                name="association_legal_form_valid",
            ),
        ]
        indexes = [
            # Full-text search (associations.search, step 1) and trigram similarity for typos (step 2).
            GinIndex(fields=["search_vector"], name="association_search_vector_gin"),
            GinIndex(fields=["search_vector_plain"], name="association_search_plain_gin"),
            GinIndex(OpClass(Unaccented("name"), name="gin_trgm_ops"), name="association_name_trgm_gin"),
            models.Index(fields=["prh_class", "name"], name="association_prh_class_name"),
            models.Index(fields=["is_public", "moderation_state", "name"], name="association_public_name"),
            # Published events join their association: an index-only lookup of the published ones
            # instead of a scan of the whole registry (the wheel's month counts, the events list).
            models.Index(
                fields=["id"], condition=Q(is_public=True, moderation_state="approved"), name="association_published_id"
            ),
            # The newest edit, read by every data version of the events (portal.datacache).
            models.Index(fields=["updated_at"], name="association_updated_at"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("associations:detail", kwargs={"slug": self.slug})

    @property
    def is_publicly_visible(self):
        return self.is_public and self.moderation_state == self.ModerationState.APPROVED

    @property
    def logo_url(self):
        return reverse("associations:logo", kwargs={"slug": self.slug}) if self.logo else ""


class Membership(models.Model):
    """A user representing an association: claimed or created, then approved."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Representative")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    message = models.TextField(
        _("message from the applicant"), blank=True, help_text=_("E.g. the applicant's position in the association.")
    )
    decision_reason = models.TextField(_("reason for rejection"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["association__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "association"], name="membership_user_association_unique"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(approved_at__isnull=False), name="membership_approved_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.association} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN and self.state == self.State.APPROVED


def event_last_day():
    """An event's last day: its end date, or its start date when it is a one-day event."""
    return Coalesce("end_date", "start_date")


class EventQuerySet(ModeratedQuerySet):
    def published(self):
        """Approved events of associations whose entry is public."""
        return self.filter(
            moderation_state=Event.ModerationState.APPROVED,
            association__is_public=True,
            association__moderation_state=Association.ModerationState.APPROVED,
        )

    def between(self, start: dt.date, end: dt.date):
        """Events that are on at some point in [start, end)."""
        return self.filter(start_date__lt=end).ending_from(start)

    def upcoming(self, today=None):
        return self.ending_from(today or timezone.localdate())

    def ending_from(self, day: dt.date):
        """Events whose last day is ``day`` or later (the index ``event_published_last_day``)."""
        return self.filter(GreaterThanOrEqual(event_last_day(), day))


class Event(Moderated, Audited):
    """An event or project news posted by an association (seed 003, 1c): moderated by staff."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        PROJECT = "project", _("Project or campaign")

    class ModerationState(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Posted in the portal")
        LINKED_EVENTS = "linkedevents", _("Linked Events import")

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("Leave empty for all day."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Leave empty for a one-day event."))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(
        _("street address"), max_length=200, blank=True, help_text=_("E.g. Hallituskatu 12, 28100 Pori.")
    )
    price = models.CharField(_("price"), max_length=100, blank=True, help_text=_("E.g. free, or 5 € (children free)."))
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free access, an induction loop, seating, quiet space … or what is not available."),
    )
    online_url = models.URLField(_("online link"), blank=True, validators=[validate_http_url])
    link = models.URLField(_("more information (link)"), blank=True, validators=[validate_http_url])
    poster = models.FileField(_("poster image"), upload_to=upload_poster, blank=True, max_length=200)
    poster_alt = models.CharField(
        _("poster description (alt text)"),
        max_length=300,
        blank=True,
        help_text=_("What the poster shows, for those who cannot see it."),
    )
    report = models.TextField(
        _("report after the project"), blank=True, help_text=_("What happened and what was achieved.")
    )
    moderation_state = moderation_state_field(choices=ModerationState.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PORTAL)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    external_modified_at = models.DateTimeField(_("modified at the source"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "start_time", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_end_after_start",
                violation_error_message=EVENT_END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=False) | Q(end_time__isnull=True),
                name="event_end_time_needs_start",
                violation_error_message=EVENT_END_TIME_WITHOUT_START,
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(end_date__isnull=False, end_date__gt=F("start_date"))
                | Q(end_time__gt=F("start_time")),
                name="event_end_time_after_start",
                violation_error_message=EVENT_END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(poster="") | ~Q(poster_alt=""),
                name="event_poster_has_alt",
                violation_error_message=POSTER_ALT_REQUIRED,
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="event_source_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["moderation_state", "start_date"], name="event_state_start"),
            # Upcoming and in-a-window events by their last day, without reading the past ones.
            models.Index(event_last_day(), condition=Q(moderation_state="approved"), name="event_published_last_day"),
            # The newest edit, read by every data version of the events (portal.datacache).
            models.Index(fields=["updated_at"], name="event_updated_at"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:event-detail", kwargs={"pk": self.pk})

    @property
    def is_all_day(self):
        return self.start_time is None

    @property
    def last_date(self):
        return self.end_date or self.start_date

    def _aware(self, date, time):
        return timezone.make_aware(dt.datetime.combine(date, time), timezone.get_default_timezone())

    @property
    def starts(self) -> dt.date | dt.datetime:
        """A date for an all-day event, otherwise an aware datetime in the city's time zone."""
        return self.start_date if self.start_time is None else self._aware(self.start_date, self.start_time)

    @property
    def ends(self) -> dt.date | dt.datetime | None:
        """Exclusive end as in iCalendar: the day after for all-day events; None when unknown.

        An old row on 9999-12-31 has no day after: it ends on that day rather than fail every
        page and feed that shows it (new dates are bounded by ``validate_event_date``).
        """
        if self.start_time is None:
            return self.last_date + dt.timedelta(days=1) if self.last_date < dt.date.max else dt.date.max
        if self.end_time is None:
            return None
        return self._aware(self.last_date, self.end_time)

    @property
    def poster_url(self):
        return reverse("associations:event-poster", kwargs={"pk": self.pk}) if self.poster else ""


class PartnershipAgreementQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def valid_on(self, day: dt.date):
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def valid_during_year(self, year: int):
        return self.filter(valid_from__lte=dt.date(year, 12, 31)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=dt.date(year, 1, 1))
        )

    def for_staff(self, user):
        """The agreements a staff member may see and edit: their department's; a superuser sees all."""
        from portal.permissions import acts_as_staff, acts_as_superuser

        if not acts_as_staff(user):
            return self.none()
        if acts_as_superuser(user):
            return self
        return self.filter(department__staff_group__user=user)

    def with_latest_review(self):
        """Annotate ``latest_review_on`` and ``latest_review_next_due`` (None when none held yet)."""
        latest = PartnershipReview.objects.filter(agreement=OuterRef("pk")).order_by("-held_on")
        return self.annotate(
            latest_review_on=models.Subquery(latest.values("held_on")[:1]),
            latest_review_next_due=models.Subquery(latest.values("next_due_on")[:1]),
        )


class PartnershipAgreement(models.Model):
    """A partnership agreement (kumppanuussopimus) between the city and an association.

    Seed 001: the initiative may come from staff, a trustee or the association, or the city board
    may call for them; the department the association's work belongs to prepares it; valid agreements
    are listed publicly, and the named responsible persons hold a partnership discussion every year.
    """

    class InitiatedBy(models.TextChoices):
        STAFF = "staff", _("City staff")
        TRUSTEE = "trustee", _("A trustee (elected official)")
        ASSOCIATION = "association", _("The association")
        CITY_BOARD = "city_board", _("A call by the city board")

    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.PROTECT, related_name="agreements"
    )
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="agreements"
    )
    responsible_person = models.ForeignKey(
        "portal.ContactPerson",
        verbose_name=_("responsible city person"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    initiated_by = models.CharField(
        _("initiated by"), max_length=20, choices=InitiatedBy.choices, default=InitiatedBy.STAFF
    )
    goals = models.TextField(_("goals"), help_text=_("What the partnership aims at. Markdown."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.FileField(_("agreement document (PDF)"), upload_to=upload_agreement, blank=True, max_length=200)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnershipAgreementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["association__name", "-valid_from"]
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_until_after_from",
                violation_error_message=AGREEMENT_END_BEFORE_START,
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.association})"

    def get_absolute_url(self):
        return reverse("associations:agreement-detail", kwargs={"pk": self.pk})

    def is_valid_on(self, day):
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)

    @staticmethod
    def review_due_date(*, valid_from, latest_review_on, latest_review_next_due):
        """When the next annual partnership discussion is due.

        The date set at the last discussion; without one, a year after it; before any, a year
        after the agreement started.
        """
        if latest_review_next_due:
            return latest_review_next_due
        base = latest_review_on or valid_from
        try:
            return base.replace(year=base.year + 1)
        except ValueError:  # 29 February
            return base.replace(year=base.year + 1, day=28)

    @property
    def document_url(self):
        return reverse("associations:agreement-document", kwargs={"pk": self.pk}) if self.document else ""


class PartnershipReview(models.Model):
    """The annual partnership discussion (kumppanuuskeskustelu) of an agreement."""

    agreement = models.ForeignKey(
        PartnershipAgreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="reviews"
    )
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"), blank=True)
    next_due_on = models.DateField(_("next discussion due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("partnership discussion")
        verbose_name_plural = _("partnership discussions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "held_on"], name="review_agreement_held_on_unique"),
            models.CheckConstraint(
                condition=Q(next_due_on__isnull=True) | Q(next_due_on__gt=F("held_on")),
                name="review_next_due_after_held",
                violation_error_message=REVIEW_NEXT_BEFORE_HELD,
            ),
        ]

    def __str__(self):
        return f"{self.agreement} – {self.held_on:%Y-%m-%d}"


# The forms of cooperation (issue 14) live in their own sub-packages; importing them here makes
# their models this app's: hearings, and joint projects, requests to the city, local initiatives.
from associations.cooperation.models import *  # noqa: E402,F401,F403
from associations.hearings.models import *  # noqa: E402,F401,F403
