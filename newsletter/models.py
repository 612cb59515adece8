"""The quarterly association newsletter (yhdistysuutiskirje): subscribers, issues, deliveries.

Seed 000 (Viestintä): the newsletter comes out four times a year and gathers the key matters of
association cooperation; its issues per year and the development of its subscriber count are
indicators. Seed 001: subscribe by e-mail on the web and read earlier issues there. Seed 003:
e-mail sign-up on the website.

A ``Subscriber`` row is one subscription: from the request (pending) through confirmation to
unsubscription. Subscribing again later makes a new row with new consent evidence, so the
history that the year-end indicators count is never rewritten.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Stamped

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class Topic(models.TextChoices):
    """What a subscriber is interested in. Each is also a recipient list for the annual clock."""

    GRANTS = "grants", _("Grants")
    FACILITIES = "facilities", _("Facilities")
    EVENTS = "events", _("Events and association evenings")
    TRAINING = "training", _("Training and workshops")
    COOPERATION = "cooperation", _("Cooperation and partnership agreements")


class SubscriberQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)

    def active(self):
        """Confirmed and not unsubscribed: those who receive the newsletter."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def current(self):
        """Pending or active: at most one such row per address (a database constraint)."""
        return self.filter(unsubscribed_at__isnull=True)

    def active_on(self, moment):
        """Subscribers who were confirmed and not yet unsubscribed at ``moment``."""
        return self.filter(confirmed_at__lte=moment).filter(
            Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gt=moment)
        )

    def interested_in(self, topics):
        """Subscribers who chose at least one of ``topics`` (all when ``topics`` is empty)."""
        if not topics:
            return self
        return self.filter(pk__in=SubscriberTopic.objects.filter(topic__in=topics).values("subscriber_id"))


class Subscriber(models.Model):
    """One subscription of an e-mail address, with the consent evidence (GDPR art. 7(1)).

    Double opt-in: ``requested_at`` when the form was sent, ``confirmed_at`` when the link in the
    confirmation e-mail was followed (or at once when a signed-in user with a verified address
    subscribed). ``consent_source`` is the page the form was on and ``consent_version`` the
    version of the consent text shown there.
    """

    class Method(models.TextChoices):
        DOUBLE_OPT_IN = "double_opt_in", _("Form and confirmation e-mail")
        ACCOUNT = "account", _("Signed-in user with a verified e-mail address")

    class Reason(models.TextChoices):
        LINK = "link", _("Unsubscribe link or button")
        ONE_CLICK = "one_click", _("One-click unsubscribe from the e-mail program")
        PREFERENCES = "preferences", _("Preferences page")
        STAFF = "staff", _("Staff, on request")

    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    method = models.CharField(_("how consent was given"), max_length=20, choices=Method.choices)
    consent_source = models.CharField(_("page of the form"), max_length=300, blank=True)
    consent_version = models.CharField(_("version of the consent text"), max_length=20)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, db_index=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    unsubscribe_reason = models.CharField(_("how they unsubscribed"), max_length=20, choices=Reason.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            # One pending or active subscription per address; unsubscribed rows stay as history.
            models.UniqueConstraint(
                fields=["email"], condition=Q(unsubscribed_at__isnull=True), name="newsletter_one_current_per_email"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_at__gte=models.F("requested_at")),
                name="newsletter_confirmed_after_request",
            ),
            models.CheckConstraint(
                condition=Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gte=models.F("requested_at")),
                name="newsletter_unsubscribed_after_request",
            ),
            models.CheckConstraint(condition=Q(email=models.functions.Lower("email")), name="newsletter_email_lower"),
        ]
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at"], name="newsletter_sub_period")]

    def __str__(self):
        return self.email

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def is_pending(self):
        return self.confirmed_at is None and self.unsubscribed_at is None

    @property
    def state_label(self):
        if self.unsubscribed_at:
            return _("Unsubscribed")
        return _("Subscribed") if self.confirmed_at else _("Waiting for confirmation")

    def topic_codes(self):
        """The chosen topics' codes; uses the prefetched rows when there are some."""
        return sorted(row.topic for row in self.topics.all())


class SubscriberTopic(models.Model):
    """A topic a subscriber chose (a row per topic keeps filtering plain SQL on every database)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)

    class Meta:
        verbose_name = _("topic of a subscriber")
        verbose_name_plural = _("topics of subscribers")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "topic"], name="newsletter_subscriber_topic_unique")
        ]
        indexes = [models.Index(fields=["topic", "subscriber"], name="newsletter_topic_subscriber")]

    def __str__(self):
        return self.get_topic_display()


def quarter_start(year, quarter):
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year, quarter):
    """The first day after the quarter (exclusive, as iCalendar's DTEND)."""
    return dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)


class IssueQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(state=Issue.State.SENT)

    def editions(self):
        """Issues that are not translations of another: one per publication."""
        return self.filter(translation_of__isnull=True)

    def for_archive(self):
        return self.sent().order_by("-sent_at")


class Issue(Stamped):
    """One newsletter issue in one language, planned for a quarter (four a year).

    The body is Markdown, sanitised to HTML with nh3 when shown or sent. States: draft →
    scheduled (a time is set; editing is still possible) → sending → sent.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=150)
    preheader = models.CharField(
        _("preheader"),
        max_length=200,
        blank=True,
        help_text=_("The short line e-mail programs show after the subject."),
    )
    body = models.TextField(_("body"), help_text=_("Markdown. HTML is removed."))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    planned_date = models.DateField(
        _("planned date"), null=True, blank=True, help_text=_("The day it is meant to go out, within its quarter.")
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        help_text=_("Set on another language's version of the same issue, so it counts once."),
    )
    all_languages = models.BooleanField(
        _("send to subscribers of every language"),
        default=False,
        help_text=_("Otherwise only subscribers who chose this issue's language receive it."),
    )
    topics = models.JSONField(
        _("topics"),
        default=list,
        blank=True,
        help_text=_("Only subscribers of these topics receive it. Empty: every subscriber."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)

    # Stamped's who/when with the full history (updated_at included, as before Stamped existed).
    history = HistoricalRecords()
    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "language"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        permissions = [("send_issue", _("Can test-send, schedule and send newsletter issues"))]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="newsletter_issue_quarter_1_4"),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_at__isnull=False),
                name="newsletter_issue_scheduled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="newsletter_issue_sent_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=models.F("pk")), name="newsletter_issue_not_own_translation"
            ),
            # The number is the quarter: "4/2026" names one issue per language, and its address
            # is /<language>/newsletter/2026-4/. Drafts may compete; only one goes out.
            models.UniqueConstraint(
                fields=["language", "year", "quarter"],
                condition=~Q(state="draft"),
                name="newsletter_issue_one_number_per_language",
            ),
        ]

    def __str__(self):
        return f"{self.subject} ({self.quarter}/{self.year}, {self.language})"

    def get_absolute_url(self):
        """This version's address: its number under its own language (``/sv/newsletter/2026-4/``)."""
        with translation.override(self.language):
            return reverse("newsletter:issue-detail", kwargs={"year": self.year, "number": self.quarter})

    @property
    def sent_year(self):
        return timezone.localtime(self.sent_at).year if self.sent_at else None

    @property
    def quarter_label(self):
        return f"{self.quarter}/{self.year}"

    @property
    def is_editable(self):
        return self.state in (self.State.DRAFT, self.State.SCHEDULED)

    def coming_period(self):
        """The three months the issue looks ahead to: from its planned date (or quarter start)."""
        start = self.planned_date or quarter_start(self.year, self.quarter)
        month = start.month + 3
        end = dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        return start, end


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)

    def due(self, now=None):
        """Pending rows that may be tried now (not waiting after a temporary refusal)."""
        now = now or timezone.now()
        return self.pending().filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))


class Delivery(models.Model):
    """The issue going to one subscriber: unique, so nobody gets an issue twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (unsubscribed before sending)")

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_after = models.DateTimeField(
        _("retry after"), null=True, blank=True, help_text=_("Set when the receiving server asked us to try later.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="newsletter_delivery_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "id"], condition=Q(status="pending"), name="newsletter_delivery_pending")
        ]

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id} ({self.status})"
