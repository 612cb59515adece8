"""Hearings (kuuleminen; konsultacje) and the associations' answers to them.

Seed 000: "Päätösten vaikutusten ennakoarvioinneissa huomioidaan tarpeen mukaan myös yhdistysten
asiantuntemusta" and "Kaupunki osallistaa eri kokoisia ja eri aloilla toimivia yhdistyksiä
palvelujen, toiminnan ja alueiden kehittämiseen"; seed 004 goal 3: consulting draft acts.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.hearings.validators import HEARING_CLOSES_BEFORE_OPENS
from portal.models import Audited, Stamped
from portal.moderation import Moderated, ModeratedQuerySet

__all__ = [
    "Hearing",
    "HearingDocument",
    "HearingInvitation",
    "HearingAnswer",
    "HearingAnswerAttachment",
    "HearingComment",
]


def _random_name(folder, filename):
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"associations/hearings/{folder}/{uuid.uuid4().hex}{suffix}"


def upload_hearing_document(instance, filename):
    return _random_name("documents", filename)


def upload_answer_attachment(instance, filename):
    return _random_name("answers", filename)


class HearingQuerySet(models.QuerySet):
    def public(self):
        """Everything but drafts: an opened hearing, its period and its summary stay public."""
        return self.exclude(state=Hearing.State.DRAFT)

    def accepting_answers(self, now=None):
        now = now or timezone.now()
        return self.filter(state=Hearing.State.OPEN, opens_at__lte=now, closes_at__gt=now)

    def for_staff(self, user):
        """Hearings a staff member may see and run: their department's; a superuser's all."""
        from portal.permissions import acts_as_staff, acts_as_superuser

        if not acts_as_staff(user):
            return self.none()
        if acts_as_superuser(user):
            return self
        return self.filter(department__staff_group__user=user)


class Hearing(Audited):
    """A hearing: the city asks associations about a draft or a development question.

    Draft → open (invitations queued) → closed (the deadline passed) → summary published. The
    answer period is ``[opens_at, closes_at)``, to the minute, in the city's time zone.
    """

    class Kind(models.TextChoices):
        EX_ANTE = "ex_ante", _("Ex-ante impact assessment of a decision")
        DEVELOPMENT = "development", _("Development of services, activities or areas")
        DRAFT_REGULATION = "draft_regulation", _("Draft regulation (consultation of a draft act)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        SUMMARY_PUBLISHED = "summary_published", _("Summary published")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEVELOPMENT)
    question = models.TextField(
        _("the draft or development question"),
        help_text=_("What is asked, and what the city plans. Markdown."),
    )
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="hearings"
    )
    contact_person = models.ForeignKey(
        "portal.ContactPerson",
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearings",
        help_text=_("Whom associations may ask about the hearing."),
    )
    audience = models.CharField(
        _("who is asked"),
        max_length=200,
        blank=True,
        help_text=_("The recipient list invited when the hearing opens (e.g. approved representatives)."),
    )
    fields_of_activity = models.ManyToManyField(
        "associations.FieldOfActivity",
        verbose_name=_("only associations of these fields of activity"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every field. A main field includes its subfields."),
    )
    service_areas = models.ManyToManyField(
        "portal.ServiceArea",
        verbose_name=_("only associations of these service areas"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every service area."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), help_text=_("Answers are accepted until this minute."))
    residents_may_comment = models.BooleanField(
        _("residents may comment"), default=False, help_text=_("Signed-in residents may comment; staff moderate.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    summary = models.TextField(
        _("summary of what was heard"), blank=True, help_text=_("Published after the deadline. Markdown.")
    )
    summary_published_at = models.DateTimeField(_("summary published at"), null=True, blank=True, editable=False)
    summary_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("summary published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = HearingQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "title"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="hearing_closes_after_opens",
                violation_error_message=HEARING_CLOSES_BEFORE_OPENS,
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["ex_ante", "development", "draft_regulation"]), name="hearing_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open", "closed", "summary_published"]), name="hearing_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(opened_at__isnull=False), name="hearing_opened_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="summary_published") | (Q(summary_published_at__isnull=False) & ~Q(summary="")),
                name="hearing_published_summary_has_text",
            ),
        ]
        indexes = [models.Index(fields=["state", "closes_at"], name="hearing_state_closes")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:hearing-detail", kwargs={"pk": self.pk})

    def accepts_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.OPEN and self.opens_at <= now < self.closes_at

    def deadline_passed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    @property
    def is_public(self) -> bool:
        return self.state != self.State.DRAFT


class HearingDocument(models.Model):
    """A document of the hearing: the draft, a background memo. Private ones are for staff only."""

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to=upload_hearing_document, max_length=200)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["hearing", "pk"]
        verbose_name = _("hearing document")
        verbose_name_plural = _("hearing documents")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("associations:hearing-document", kwargs={"pk": self.hearing_id, "document_pk": self.pk})


class HearingInvitation(models.Model):
    """Who was invited when the hearing opened: one row (and one e-mail) per address."""

    hearing = models.ForeignKey(
        Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10)
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearing_invitations",
    )
    invited_at = models.DateTimeField(_("invited at"))

    class Meta:
        ordering = ["hearing", "email"]
        verbose_name = _("hearing invitation")
        verbose_name_plural = _("hearing invitations")
        constraints = [models.UniqueConstraint(fields=["hearing", "email"], name="hearinginvitation_hearing_email")]

    def __str__(self):
        return f"{self.hearing} – {self.email}"


class HearingAnswerQuerySet(models.QuerySet):
    def published(self):
        """Answers the public may read: the association agreed, and the hearing has closed."""
        return self.filter(may_publish=True, hearing__state__in=[Hearing.State.CLOSED, Hearing.State.SUMMARY_PUBLISHED])


class HearingAnswer(Audited):
    """An association's answer to a hearing: one per association, editable until the deadline.

    ``created_by`` is the representative who first answered; the history says who changed what.
    The database refuses a second answer of the same association and (trigger
    ``hearing_answer_only_while_open``, migration 0011) any change to an answer's text or consent
    while its hearing is not open.
    """

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.PROTECT, related_name="answers")
    association = models.ForeignKey(
        "associations.Association",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="hearing_answers",
    )
    text = models.TextField(_("answer"))
    may_publish = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("The answer may be shown on the hearing's public page after the deadline."),
    )
    taken_into_account = models.TextField(
        _("how it was taken into account"),
        blank=True,
        help_text=_("Written by the city for the summary: what was done with this answer."),
    )

    objects = HearingAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["hearing", "association__name"]
        verbose_name = _("hearing answer")
        verbose_name_plural = _("hearing answers")
        constraints = [
            models.UniqueConstraint(fields=["hearing", "association"], name="hearinganswer_one_per_association")
        ]

    def __str__(self):
        return f"{self.association} – {self.hearing}"


class HearingAnswerAttachment(Stamped):
    """A file attached to an answer: checked by content, served only to those who may read the answer."""

    answer = models.ForeignKey(
        HearingAnswer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=upload_answer_attachment, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        ordering = ["answer", "pk"]
        verbose_name = _("answer attachment")
        verbose_name_plural = _("answer attachments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "associations:hearing-answer-attachment", kwargs={"pk": self.answer.hearing_id, "attachment_pk": self.pk}
        )


class HearingComment(Moderated, Stamped):
    """A resident's comment on a hearing that allows them; public once staff approve it."""

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("comment"))

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        ordering = ["hearing", "created_at", "pk"]
        verbose_name = _("resident's comment on a hearing")
        verbose_name_plural = _("residents' comments on hearings")

    def __str__(self):
        return self.text[:60]
