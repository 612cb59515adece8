"""The annual clock (vuosikello) and the city's meetings with associations.

Seed 001: the clock is a month-precision plan of meetings, grant application and reporting
periods and newsletters; exact dates are added as they are fixed. Seed 000: the cooperation
working group, Seuraparlamentti and association evenings meet regularly. Seed 003: invitations
go out at least 7 days ahead and organisations answer whether they attend.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from annualclock.validators import validate_material_file
from portal.models import Stamped

ENTRY_YEAR_OUT_OF_RANGE = _("The year must be between 2000 and 2100.")
ENTRY_DATE_OUTSIDE_MONTH = _("The start date must be in the entry's year and month.")
ENTRY_END_BEFORE_START = _("The end date needs a start date and cannot be before it.")
ENTRY_TIME_NEEDS_DATE = _("A time needs a start date (and an end time needs a start time).")
MEETING_ENDS_BEFORE_START = _("The meeting must end after it starts.")
MEETING_NEEDS_PLACE = _("Give a place or an online meeting link.")

# Seed 003: "informacje o organizowanych spotkaniach wysyłane są na min. 7 dni przed".
INVITATION_LEAD_TIME = dt.timedelta(days=7)


class Kind(models.TextChoices):
    """What a dated item on the clock is. Other apps' calendar sources use the same keys."""

    GRANT_APPLICATION_PERIOD = "grant_application_period", _("Grant application period")
    GRANT_REPORTING_DEADLINE = "grant_reporting_deadline", _("Grant reporting deadline")
    ASSOCIATION_EVENING = "association_evening", _("Association evening")
    WORKSHOP = "workshop", _("Workshop")
    WORKING_GROUP_MEETING = "working_group_meeting", _("Working-group meeting")
    SPORTS_PARLIAMENT = "sports_parliament", _("Seuraparlamentti")
    NEWSLETTER = "newsletter", _("Newsletter")
    OTHER = "other", _("Other")


def next_month_start(year, month):
    return dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)


class ClockEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ClockEntry.State.PUBLISHED)

    def overlapping(self, start: dt.date, end: dt.date):
        """Entries touching ``[start, end)``: by their exact dates, or by their month when they have none."""
        last_day = end - dt.timedelta(days=1)
        dated = Q(start_date__isnull=False, start_date__lte=last_day) & (
            Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
        )
        # A month-only entry covers its whole month: compare months as year * 12 + month.
        first_month, last_month = start.year * 12 + start.month, last_day.year * 12 + last_day.month
        month_only = Q(start_date__isnull=True, month_index__gte=first_month, month_index__lte=last_month)
        return self.annotate(month_index=F("year") * 12 + F("month")).filter(dated | month_only)


class ClockEntry(models.Model):
    """One item of the year plan: "association evening, March", later "12 March 18–20"."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), choices=[(m, m) for m in range(1, 13)])
    start_date = models.DateField(
        _("start date"), null=True, blank=True, help_text=_("Leave empty while only the month is known.")
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("The last day of a period, e.g. an application period.")
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown. HTML is removed."))
    audience = models.CharField(
        _("audience"), max_length=200, blank=True, help_text=_("Who this is for, e.g. “all associations”.")
    )
    link = models.URLField(_("link"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    replaced_by_uid = models.CharField(
        _("shown instead by"),
        max_length=255,
        blank=True,
        help_text=_(
            "When another part of the portal publishes this item with exact dates (a grant round, a newsletter "
            "issue), choose it here: the clock then shows that item and hides this plan entry, so no date is "
            "typed twice."
        ),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = ClockEntryQuerySet.as_manager()

    class Meta:
        ordering = ["year", "month", "start_date", "start_time", "title"]
        verbose_name = _("annual clock entry")
        verbose_name_plural = _("annual clock entries")
        indexes = [models.Index(fields=["year", "month"], name="clockentry_year_month")]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="clockentry_month_1_12"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="clockentry_year_range",
                violation_error_message=ENTRY_YEAR_OUT_OF_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__year=F("year"), start_date__month=F("month")),
                name="clockentry_date_in_month",
                violation_error_message=ENTRY_DATE_OUTSIDE_MONTH,
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="clockentry_end_after_start",
                violation_error_message=ENTRY_END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) | Q(start_date__isnull=False))
                & (Q(end_time__isnull=True) | Q(start_time__isnull=False)),
                name="clockentry_time_needs_date",
                violation_error_message=ENTRY_TIME_NEEDS_DATE,
            ),
            # "Copy last year's plan" twice makes one copy: the database holds the rule.
            models.UniqueConstraint(
                fields=["copied_from"], condition=Q(copied_from__isnull=False), name="clockentry_copied_once"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.month}/{self.year})"

    def get_absolute_url(self):
        return reverse("annualclock:entry-detail", kwargs={"pk": self.pk})

    @property
    def is_month_only(self):
        return self.start_date is None


class MeetingQuerySet(models.QuerySet):
    def with_forum(self):
        return self.select_related("forum")

    def overlapping(self, start: dt.date, end: dt.date):
        tz = timezone.get_current_timezone()
        start_at = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        end_at = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
        return self.filter(starts_at__lt=end_at, ends_at__gt=start_at)

    def held(self, now=None):
        return self.filter(starts_at__lte=now or timezone.now())

    def with_answer_counts(self):
        return self.annotate(
            attending_people=Sum("responses__attendees", filter=Q(responses__answer=MeetingResponse.Answer.ATTENDING)),
            answers=models.Count("responses", distinct=True),
        )


class Meeting(Stamped):
    """A meeting the city holds with associations (kokous, yhdistysilta, työpaja)."""

    forum = models.ForeignKey(
        "portal.Forum", verbose_name=_("forum"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Address and room."))
    online_url = models.URLField(_("online meeting link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown. HTML is removed."))
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown. Public on the meeting's page once the meeting is over.")
    )
    matters_handled = models.PositiveSmallIntegerField(
        _("matters handled"),
        default=0,
        help_text=_("How many matters furthering cooperation with associations were handled (an indicator)."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("The most people who can attend. Empty: no limit.")
    )
    audience = models.CharField(
        _("invited audience"),
        max_length=200,
        blank=True,
        help_text=_("Who gets the invitation by e-mail."),
    )
    clock_entry = models.OneToOneField(
        ClockEntry,
        verbose_name=_("annual clock entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        help_text=_("The plan entry this meeting fixes the date of; the clock then shows the meeting instead."),
    )
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    invitation_lead_time = models.DurationField(_("invitation lead time"), null=True, blank=True)
    invited_late = models.BooleanField(
        _("invited less than 7 days ahead"),
        default=False,
        help_text=_("The invitations went out less than 7 days before the meeting."),
    )
    # Stamped's who/when with the full history (updated_at included, as before Stamped existed).
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=MEETING_ENDS_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=~Q(place="", online_url=""),
                name="meeting_has_place_or_link",
                violation_error_message=MEETING_NEEDS_PLACE,
            ),
            models.CheckConstraint(
                condition=Q(invited_at__isnull=True) | Q(invitation_lead_time__isnull=False),
                name="meeting_invited_has_lead_time",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.title} ({date_format(local, 'SHORT_DATE_FORMAT')})"

    def get_absolute_url(self):
        return reverse("annualclock:meeting-detail", kwargs={"pk": self.pk})

    @property
    def kind(self):
        """The clock kind of the meeting, from its forum."""
        return FORUM_KIND_TO_CLOCK_KIND.get(self.forum.kind, Kind.OTHER)

    def is_over(self, now=None):
        return self.ends_at <= (now or timezone.now())

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())


FORUM_KIND_TO_CLOCK_KIND = {
    "working_group": Kind.WORKING_GROUP_MEETING,
    "sports_parliament": Kind.SPORTS_PARLIAMENT,
    "association_evening": Kind.ASSOCIATION_EVENING,
    "workshop": Kind.WORKSHOP,
}


def material_upload_to(instance, filename):
    return f"annualclock/meetings/{instance.meeting_id}/{filename}"


class MeetingMaterial(models.Model):
    """A file for a meeting (esityslista-liite, diat). Public once the meeting is over."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_upload_to, validators=[validate_material_file])
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "title"]
        verbose_name = _("meeting material")
        verbose_name_plural = _("meeting materials")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("annualclock:material-download", kwargs={"meeting_pk": self.meeting_id, "pk": self.pk})


class MeetingInvitation(models.Model):
    """An invitation to a meeting: for which association (or person), sent to which address, when."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "email"]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            # One invitation per association: a person answering for two associations is invited
            # for both (issue 9), and an association listed under two addresses only once.
            models.UniqueConstraint(
                fields=["meeting", "association"],
                condition=Q(association__isnull=False),
                name="meetinginvitation_one_per_association",
            ),
            # Someone who answers for no association (a resident, a subscriber): once per address.
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=Q(association__isnull=True),
                name="meetinginvitation_one_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} → {self.email}"


class MeetingResponse(models.Model):
    """An association's answer to a meeting invitation (seed 003: "informują o udziale")."""

    class Answer(models.TextChoices):
        ATTENDING = "attending", _("Attending")
        NOT_ATTENDING = "not_attending", _("Cannot attend")

    class Channel(models.TextChoices):
        EMAIL_LINK = "email", _("Link in the e-mail")
        SITE = "site", _("On the site")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="responses")
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="meeting_responses",
    )
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    attendees = models.PositiveSmallIntegerField(_("number of people"), default=0)
    names = models.TextField(_("names"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by_email = models.EmailField(_("answered from e-mail"), blank=True)
    channel = models.CharField(_("answered through"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("first answered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "association__name"]
        verbose_name = _("answer to an invitation")
        verbose_name_plural = _("answers to invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "association"], name="meetingresponse_one_per_association"),
            models.CheckConstraint(
                condition=Q(answer="attending", attendees__gte=1) | Q(answer="not_attending", attendees=0),
                name="meetingresponse_attendees_match_answer",
            ),
        ]

    def __str__(self):
        return f"{self.association} – {self.meeting}: {self.get_answer_display()}"


def month_name(month):
    """The month's name in the active language (Django's translated month names)."""
    from django.utils.dates import MONTHS

    return MONTHS[month]
