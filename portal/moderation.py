"""Moderation: staff publish or refuse what users submit, with the reason e-mailed to the author.

One shape for every app (association entries and events today, grant applications' attachments
or facility listings tomorrow):

- **Model**: inherit ``Moderated`` (abstract). It adds ``moderation_state`` (pending, approved,
  rejected), ``moderation_reason``, ``moderated_by`` and ``moderated_at``. Give the model's
  QuerySet ``ModeratedQuerySet`` (or a subclass) for ``.pending()``/``.approved()``/``.rejected()``.
  A model whose "approved" should read differently overrides the field with
  ``moderation_state_field(choices=…)`` (events say "Published").
- **Services**: the app's ``<entity>_approve``/``<entity>_reject`` lock the row, call
  ``moderation_approve``/``moderation_reject`` here (which set the four fields and save with
  history) and then queue the app's own e-mails. The reason goes only to the author.
- **Admin**: ``portal.admin_actions.moderation_actions(approve=…, reject=…)`` makes the two admin
  actions (the reject one asks for the reason first); ``readonly_fields = (*MODERATION_FIELDS, …)``
  so nobody changes the state except through them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REASON_REQUIRED = _("Give a reason: it is sent to the applicant.")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


MODERATION_FIELDS = ["moderation_state", "moderation_reason", "moderated_by", "moderated_at"]


def moderation_state_field(choices=ModerationState.choices):
    """The state field; a model may pass its own labels for the same three values."""
    return models.CharField(_("moderation state"), max_length=20, choices=choices, default=ModerationState.PENDING)


class ModeratedQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(moderation_state=ModerationState.PENDING)

    def approved(self):
        return self.filter(moderation_state=ModerationState.APPROVED)

    def rejected(self):
        return self.filter(moderation_state=ModerationState.REJECTED)


class Moderated(models.Model):
    """Waits for staff before it is public: the state, the reason of a refusal, who and when."""

    ModerationState = ModerationState

    moderation_state = moderation_state_field()
    moderation_reason = models.TextField(_("reason for rejection"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_approved(self):
        return self.moderation_state == ModerationState.APPROVED

    @property
    def is_pending(self):
        return self.moderation_state == ModerationState.PENDING


def clean_reason(reason) -> str:
    """The reason of a refusal, required: it is what the author reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    return reason


def _decide(obj, *, state, user, reason, now):
    obj.moderation_state = state
    obj.moderation_reason = reason
    obj.moderated_by = user
    obj.moderated_at = now or timezone.now()
    obj._history_user = user
    obj.save(update_fields=MODERATION_FIELDS)


def moderation_approve(obj, *, user, now=None) -> bool:
    """Publish ``obj`` (locked by the caller). False when it already was: nothing to announce."""
    if obj.moderation_state == ModerationState.APPROVED:
        return False
    _decide(obj, state=ModerationState.APPROVED, user=user, reason="", now=now)
    return True


def moderation_reject(obj, *, user, reason, now=None) -> str:
    """Refuse ``obj`` (locked by the caller) with a reason; returns the cleaned reason."""
    reason = clean_reason(reason)
    _decide(obj, state=ModerationState.REJECTED, user=user, reason=reason, now=now)
    return reason


def moderation_resubmit(obj) -> bool:
    """Back to the queue after an edit (saved by the caller). True when it was not waiting."""
    was_waiting = obj.moderation_state == ModerationState.PENDING
    obj.moderation_state = ModerationState.PENDING
    return not was_waiting
