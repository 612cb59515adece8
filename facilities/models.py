"""Facilities (tilat): buildings, bookable spaces, their rules and prices, bookings.

The guarantee: no two active bookings overlap on any *atomic* space. A space without children
is its own atom; a whole hall is made of its halves. Each booking writes one ``Occupancy`` row
per atom it covers (buffer included), and PostgreSQL's exclusion constraint refuses two active
rows of one atom whose times overlap — whatever the application code does.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Audited, Stamped
from portal.permissions import acts_as_staff

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class FacilityQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def for_staff(self, user):
        """What the user may run as staff (``portal.permissions``: TOTP required): their department's."""
        if not acts_as_staff(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(department__staff_group__user=user)


class Facility(Stamped):
    """A building (kiinteistö): a school, a youth centre, a library."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="facilities"
    )
    service_area = models.ForeignKey(
        "portal.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilities",
    )
    address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    opening_info = models.TextField(_("opening information"), blank=True)
    access_instructions = models.TextField(
        _("access instructions"), blank=True, help_text=_("How to get in: keys, door codes, the caretaker.")
    )
    accessibility = models.TextField(_("accessibility details"), blank=True)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    induction_loop = models.BooleanField(_("induction loop"), default=False)
    is_public = models.BooleanField(_("shown in the catalogue"), default=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name


class FacilityPhoto(models.Model):
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="facilities/photos/")
    alt_text = models.CharField(
        _("alternative text"), max_length=250, help_text=_("What the photo shows, for those who cannot see it.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [models.CheckConstraint(condition=~Q(alt_text=""), name="facilityphoto_alt_text_required")]

    def __str__(self):
        return self.alt_text


class Equipment(models.Model):
    """Something a space has: a projector, basketball hoops, a kitchen."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self):
        return self.name


class SpaceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_bookable=True, facility__is_public=True)

    def for_staff(self, user):
        """What the user may run as staff (``portal.permissions``: TOTP required): their department's."""
        if not acts_as_staff(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(facility__department__staff_group__user=user)


class Space(Stamped):
    """A bookable space in a facility. A whole hall is the parent of its halves."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="spaces")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("A half of a hall is part of the whole hall: booking the whole occupies every half."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    equipment = models.ManyToManyField(Equipment, verbose_name=_("equipment"), blank=True, related_name="spaces")
    is_shared_use = models.BooleanField(
        _("shared-use space"),
        default=False,
        help_text=_("Yhteiskäyttötila: used by a school by day, bookable by residents and associations otherwise."),
    )
    is_bookable = models.BooleanField(_("bookable online"), default=True)
    # The rules, frozen on each booking when it is made.
    min_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=60)
    max_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=240)
    start_interval_minutes = models.PositiveIntegerField(
        _("start interval (minutes)"), default=30, help_text=_("Bookings start on the hour and every so many minutes.")
    )
    horizon_days = models.PositiveIntegerField(_("bookable days ahead"), default=90)
    buffer_minutes = models.PositiveIntegerField(
        _("buffer after a booking (minutes)"), default=0, help_text=_("Time kept free after each booking.")
    )
    cancellation_hours = models.PositiveIntegerField(_("cancellation deadline (hours before)"), default=48)
    requires_approval = models.BooleanField(
        _("staff approve each booking"), default=False, help_text=_("Otherwise a booking is confirmed at once.")
    )
    terms = models.TextField(_("terms of use"), blank=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["facility__name", "name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.CheckConstraint(condition=Q(min_minutes__gt=0), name="space_min_minutes_positive"),
            models.CheckConstraint(condition=Q(max_minutes__gte=F("min_minutes")), name="space_max_ge_min"),
            models.CheckConstraint(condition=Q(start_interval_minutes__gt=0), name="space_interval_positive"),
        ]

    def __str__(self):
        return f"{self.facility.name}: {self.name}"

    def get_absolute_url(self):
        return reverse("facilities:space-detail", kwargs={"slug": self.slug})


class BookableHours(models.Model):
    """When a space may be booked on a weekday, optionally only within a season."""

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    valid_from = models.DateField(_("season starts"), null=True, blank=True)
    valid_until = models.DateField(_("season ends"), null=True, blank=True)

    class Meta:
        ordering = ["space", "weekday", "starts"]
        verbose_name = _("bookable hours")
        verbose_name_plural = _("bookable hours")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="bookablehours_ends_after_starts"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="bookablehours_season_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def applies_on(self, day: dt.date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class Closure(Stamped):
    """A period when a space (and every space it contains or is part of) or a whole facility is closed."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="closure_ends_after_starts"),
            models.CheckConstraint(
                condition=Q(facility__isnull=True, space__isnull=False) | Q(facility__isnull=False, space__isnull=True),
                name="closure_facility_xor_space",
            ),
        ]

    def __str__(self):
        return self.reason


class CustomerGroup(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    INFORMAL_GROUP = "informal_group", _("Informal group")
    RESIDENT = "resident", _("Resident")
    COMMERCIAL = "commercial", _("Commercial")


class PriceRule(models.Model):
    """The hourly price for a customer group in a time band; free use where the city has decided."""

    class Days(models.TextChoices):
        ALL = "all", _("Every day")
        WEEKDAYS = "weekdays", _("Monday to Friday")
        WEEKENDS = "weekends", _("Saturday and Sunday")

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="prices")
    customer_group = models.CharField(_("customer group"), max_length=20, choices=CustomerGroup.choices)
    days = models.CharField(_("days"), max_length=10, choices=Days.choices, default=Days.ALL)
    from_time = models.TimeField(_("from"), null=True, blank=True, help_text=_("Empty: from the start of the day."))
    until_time = models.TimeField(_("until"), null=True, blank=True, help_text=_("Empty: to the end of the day."))
    price_per_hour = models.DecimalField(_("price per hour"), max_digits=8, decimal_places=2, default=0)
    is_free = models.BooleanField(_("free use"), default=False, help_text=_("Free use decided by the city."))

    class Meta:
        ordering = ["space", "customer_group", "days", "from_time"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.CheckConstraint(condition=Q(price_per_hour__gte=0), name="pricerule_price_not_negative"),
            models.CheckConstraint(
                condition=Q(from_time__isnull=True) | Q(until_time__isnull=True) | Q(until_time__gt=F("from_time")),
                name="pricerule_band_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_customer_group_display()} {self.get_days_display()}"

    def matches(self, moment: dt.datetime) -> bool:
        """Whether the rule's band covers this local wall-clock moment."""
        weekend = moment.weekday() >= 5
        if self.days == self.Days.WEEKDAYS and weekend or self.days == self.Days.WEEKENDS and not weekend:
            return False
        clock = moment.time()
        if self.from_time is not None and clock < self.from_time:
            return False
        return not (self.until_time is not None and clock >= self.until_time)

    @property
    def hourly(self):
        return 0 if self.is_free else self.price_per_hour


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=Booking.ACTIVE_STATES)

    def for_staff(self, user):
        """What the user may run as staff (``portal.permissions``: TOTP required): their department's."""
        if not acts_as_staff(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(space__facility__department__staff_group__user=user)


class Booking(Audited):
    """A booking of a space (tilavaraus) by a user, for an association or for themselves.

    ``price`` and ``terms`` are a snapshot taken when the booking is made: later changes to the
    space's rules or prices never change what the booker agreed to.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATES = (State.REQUESTED, State.CONFIRMED)

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        help_text=_("Empty once the booker has deleted their account (facilities/mine.py)."),
    )
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        help_text=_("Empty when the booker books for themselves."),
    )
    customer_group = models.CharField(_("customer group"), max_length=20, choices=CustomerGroup.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    age_group = models.ForeignKey(
        "portal.AgeGroup", verbose_name=_("age group"), on_delete=models.SET_NULL, null=True, blank=True
    )
    attendees = models.PositiveIntegerField(_("attendees"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, default=0)
    list_price = models.DecimalField(
        _("list price"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("The commercial price of the same time: the difference is the city's in-kind support."),
    )
    terms = models.JSONField(_("terms when booked"), default=dict, blank=True)
    decision_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    series = models.ForeignKey(
        "BookingSeries",
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_starts"),
            models.CheckConstraint(condition=Q(attendees__gt=0), name="booking_attendees_positive"),
        ]
        indexes = [models.Index(fields=["space", "starts_at"])]

    def __str__(self):
        return f"{self.space} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self):
        return self.state in self.ACTIVE_STATES

    @property
    def hours(self):
        return (self.ends_at - self.starts_at).total_seconds() / 3600


OCCUPANCY_CONSTRAINT = "occupancy_no_overlap_on_an_atomic_space"


class Occupancy(models.Model):
    """One atomic space held by a booking, buffer included. The database refuses overlaps."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="occupancies"
    )
    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="occupancies")
    during = DateTimeRangeField(_("during"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        constraints = [
            ExclusionConstraint(
                name=OCCUPANCY_CONSTRAINT,
                expressions=[("space", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
                condition=Q(active=True),
            ),
            models.UniqueConstraint(fields=["booking", "space"], name="occupancy_one_per_booking_and_space"),
        ]
        # "What is taken at this time, in any space" (the free-at-a-time search): the exclusion
        # constraint's index leads with the space, so the time alone gets its own. It carries
        # the space too: otherwise, once VACUUM has marked the pages all-visible, the planner
        # prefers an index-only scan of the constraint's index and reads all of it (19 ms at a
        # year of bookings for 2,000 spaces, against 0.1 ms here).
        indexes = [
            GistIndex(
                fields=["during"], include=["space_id"], condition=Q(active=True), name="occupancy_active_during_space"
            )
        ]

    def __str__(self):
        return f"{self.space_id} {self.during}"


# --- Seasonal rounds (vuorojako) -------------------------------------------------------------
class SeasonRound(Stamped):
    """A round for recurring weekly use of spaces in a season, with published allocation principles."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        ALLOCATING = "allocating", _("Being allocated")
        PUBLISHED = "published", _("Results published")

    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="season_rounds"
    )
    spaces = models.ManyToManyField(Space, verbose_name=_("spaces"), related_name="season_rounds")
    season_starts = models.DateField(_("season starts"))
    season_ends = models.DateField(_("season ends"))
    applications_open = models.DateTimeField(_("applications open"))
    applications_close = models.DateTimeField(_("applications close"))
    principles = models.TextField(
        _("allocation principles"),
        help_text=_("Published with the round: how slots are allocated when applications collide."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    allocation_report = models.JSONField(
        _("allocation report"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The last assisted allocation's conflicts and fairness summary."),
    )

    class Meta:
        ordering = ["-season_starts", "name"]
        verbose_name = _("seasonal round")
        verbose_name_plural = _("seasonal rounds")
        constraints = [
            models.CheckConstraint(condition=Q(season_ends__gt=F("season_starts")), name="seasonround_season_order"),
            models.CheckConstraint(
                condition=Q(applications_close__gt=F("applications_open")), name="seasonround_application_order"
            ),
        ]

    def __str__(self):
        return self.name


class SeasonApplication(Audited):
    """An association's application for weekly slots: ranked alternatives, group size, age group, purpose."""

    round = models.ForeignKey(
        SeasonRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="applications"
    )
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="season_applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    age_group = models.ForeignKey(
        "portal.AgeGroup", verbose_name=_("age group"), on_delete=models.SET_NULL, null=True, blank=True
    )
    group_size = models.PositiveIntegerField(_("group size"))
    slots_wanted = models.PositiveSmallIntegerField(
        _("weekly slots wanted"), default=1, help_text=_("How many of the alternatives below the group needs a week.")
    )

    class Meta:
        ordering = ["round", "created_at", "pk"]
        verbose_name = _("seasonal application")
        verbose_name_plural = _("seasonal applications")
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gt=0), name="seasonapplication_group_size_positive"),
            models.CheckConstraint(condition=Q(slots_wanted__gt=0), name="seasonapplication_slots_positive"),
        ]

    def __str__(self):
        return f"{self.association}: {self.purpose}"


class SeasonSlotRequest(models.Model):
    """One alternative weekly slot in an application; rank 1 is the first choice."""

    application = models.ForeignKey(
        SeasonApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="slots"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["application", "rank", "pk"]
        verbose_name = _("requested slot")
        verbose_name_plural = _("requested slots")
        constraints = [models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="seasonslot_ends_after_starts")]

    def __str__(self):
        return f"{self.rank}. {self.space} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class SeasonAllocation(Stamped):
    """A weekly slot given to an application: proposed by the assisted allocation, adjusted by
    staff, and on publication turned into a booking series."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")

    round = models.ForeignKey(
        SeasonRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="allocations"
    )
    application = models.ForeignKey(
        SeasonApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="allocations"
    )
    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["round", "weekday", "starts", "space"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="seasonallocation_ends_after_starts")
        ]

    def __str__(self):
        return f"{self.application} – {self.space} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def hours(self):
        return (
            dt.datetime.combine(dt.date.min, self.ends) - dt.datetime.combine(dt.date.min, self.starts)
        ) / dt.timedelta(hours=1)


class BookingSeries(Stamped):
    """The weekly bookings of a published allocation. Dates that could not be booked are kept
    with the reason (``skipped``: [{"date", "reason"}]) so staff can re-add them later."""

    allocation = models.OneToOneField(
        SeasonAllocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="series"
    )
    skipped = models.JSONField(_("skipped dates"), default=list, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")

    def __str__(self):
        return str(self.allocation)


class SlotWatch(models.Model):
    """ "Tell me if this time frees up": a user waiting for a taken time of a space."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="slot_watches"
    )
    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="watches")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("watch for a free time")
        verbose_name_plural = _("watches for free times")
        constraints = [
            models.UniqueConstraint(fields=["user", "space", "starts_at", "ends_at"], name="slotwatch_once"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slotwatch_ends_after_starts"),
        ]

    def __str__(self):
        return f"{self.user} – {self.space} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingFeedback(models.Model):
    """Feedback after use (seed 000 indicator: associations' feedback on spaces and booking)."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))
    text = models.TextField(_("feedback"), blank=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback after use")
        verbose_name_plural = _("feedback after use")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="bookingfeedback_rating_1_to_5")
        ]

    def __str__(self):
        return f"{self.booking}: {self.rating}/5"


def upload_lease(instance, filename):
    """An unguessable name: lease documents are served only through the permission-checked view."""
    import secrets
    from pathlib import Path

    return f"facilities/leases/{secrets.token_urlsafe(16)}{Path(filename).suffix.lower()[:10]}"


class Lease(Stamped):
    """Long-term rental (vuokrasopimus) of a space, or vacant premises offered to organisations
    on preferential terms (seed 004) until a tenant is found."""

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="leases")
    tenant = models.ForeignKey(
        "associations.Association",
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leases",
        help_text=_("Empty while the premises are offered and have no tenant."),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True, help_text=_("Empty: until further notice."))
    rent_per_month = models.DecimalField(_("rent per month"), max_digits=10, decimal_places=2, default=0)
    preferential_terms = models.TextField(
        _("preferential terms"), blank=True, help_text=_("E.g. a reduced rent for organisations (seed 004).")
    )
    is_offered = models.BooleanField(_("offered to organisations"), default=False)
    document = models.FileField(_("lease document (PDF)"), upload_to=upload_lease, blank=True, max_length=200)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="lease_period_order"
            ),
            models.CheckConstraint(condition=Q(rent_per_month__gte=0), name="lease_rent_not_negative"),
        ]

    def __str__(self):
        return f"{self.space} – {self.tenant or _('offered')}"


def new_feed_token():
    import secrets

    return secrets.token_urlsafe(32)


class BookerFeed(models.Model):
    """A booker's private calendar feed of their own bookings, addressed by an unguessable token
    (a calendar app cannot sign in). Making a new link retires the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="booking_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed of my bookings")
        verbose_name_plural = _("calendar feeds of bookings")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("facilities:booker-ics", kwargs={"token": self.token})
