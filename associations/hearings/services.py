"""Hearings: open (invite), answer, comment, close, publish the summary. One transaction each.

The deadline is the hearing's ``closes_at``, checked here under the hearing's row lock: an
answer that arrives a second late is refused with ``HEARING_ANSWER_DEADLINE_PASSED`` and nothing
changes. ``hearing_close`` (staff, or the beat task at the deadline) takes the same lock, so an
answer saved before it is saved whole and none comes after; the database's trigger
``hearing_answer_only_while_open`` refuses any write to an answer of a hearing that is not open.
E-mails go through the outbox: invitations in the recipient's language, the rest in the site's.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone

from associations.hearings import selectors
from associations.hearings.models import Hearing, HearingAnswer, HearingAnswerAttachment, HearingComment
from associations.hearings.validators import (
    HEARING_ALREADY_OPENED,
    HEARING_ANSWER_DEADLINE_PASSED,
    HEARING_ANSWER_TEXT_REQUIRED,
    HEARING_CLOSE_IN_FUTURE,
    HEARING_COMMENTS_NOT_ALLOWED,
    HEARING_NO_AUDIENCE,
    HEARING_NOT_OPEN,
    HEARING_NOT_OPEN_YET,
    HEARING_STILL_OPEN,
    HEARING_SUMMARY_ALREADY_PUBLISHED,
    HEARING_SUMMARY_REQUIRED,
    HEARING_TAKEN_INTO_ACCOUNT_MISSING,
    HEARING_UNKNOWN_AUDIENCE,
    MAX_ANSWER_ATTACHMENTS,
    TOO_MANY_ATTACHMENTS,
    validate_attachment,
)
from portal import registries
from portal.links import absolute_url
from portal.moderation import clean_reason, moderation_approve, moderation_reject
from portal.outbox import notify, recipient_language, site_language

# The fields a representative gives (``AnswerForm.Meta.fields`` is this list).
ANSWER_FIELDS = ("text", "may_publish")
# The fields of a comment (``CommentForm.Meta.fields``).
COMMENT_FIELDS = ("text",)


def _local(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _locked(hearing) -> Hearing:
    return Hearing.objects.select_for_update(no_key=True).get(pk=hearing.pk)


def refuse_unless_accepting(hearing, now):
    """The clear reason an answer or comment cannot be taken now, as a ValidationError."""
    if hearing.deadline_passed(now) or hearing.state in (Hearing.State.CLOSED, Hearing.State.SUMMARY_PUBLISHED):
        raise ValidationError(
            HEARING_ANSWER_DEADLINE_PASSED, code="deadline", params={"closes": _local(hearing.closes_at)}
        )
    if hearing.state != Hearing.State.OPEN:
        raise ValidationError(HEARING_NOT_OPEN, code="not_open")
    if now < hearing.opens_at:
        raise ValidationError(HEARING_NOT_OPEN_YET, code="not_yet", params={"opens": _local(hearing.opens_at)})


# --- Opening and inviting -----------------------------------------------------------------
def hearing_open(*, hearing, user, now=None) -> int:
    """Open a draft hearing and queue an invitation to everyone in its audience. Returns how many.

    Each address is invited once (a unique invitation row and a stable outbox key). An invitation
    written before the answer period begins waits in the outbox until ``opens_at``.
    """
    from associations.hearings.models import HearingInvitation

    now = now or timezone.now()
    with transaction.atomic():
        hearing = _locked(hearing)
        if hearing.state != Hearing.State.DRAFT:
            raise ValidationError(HEARING_ALREADY_OPENED, code="already_open")
        if not hearing.audience:
            raise ValidationError(HEARING_NO_AUDIENCE, code="no_audience")
        if hearing.audience not in dict(registries.recipient_list_choices()):
            raise ValidationError(
                HEARING_UNKNOWN_AUDIENCE, code="unknown_audience", params={"audience": hearing.audience}
            )
        if hearing.deadline_passed(now):
            raise ValidationError(
                HEARING_ANSWER_DEADLINE_PASSED, code="deadline", params={"closes": _local(hearing.closes_at)}
            )
        hearing.state = Hearing.State.OPEN
        hearing.opened_at = now
        hearing._history_user = user
        hearing.save(update_fields=["state", "opened_at", "updated_at"])
        recipients, associations = selectors.audience_recipients(hearing)
        send_after = max(now, hearing.opens_at)
        invited = 0
        for recipient in recipients:
            email = recipient.email.strip().lower()
            language = recipient_language(recipient.language)
            invitation, created = HearingInvitation.objects.get_or_create(
                hearing=hearing,
                email=email,
                defaults={
                    "name": recipient.name[:200],
                    "language": language,
                    "association": associations.get(recipient.association_id),
                    "invited_at": now,
                },
            )
            if not created:
                continue
            notify(
                key=f"hearing-{hearing.pk}-invitation-{invitation.pk}",
                to=email,
                template="hearing-invitation",
                context={
                    "hearing": hearing,
                    "name": recipient.name,
                    "association": invitation.association,
                    "opens_at": timezone.localtime(hearing.opens_at),
                    "closes_at": timezone.localtime(hearing.closes_at),
                    "url": absolute_url("associations:hearing-detail", kwargs={"pk": hearing.pk}, language=language),
                    "answer_url": absolute_url(
                        "associations:hearing-answer", kwargs={"pk": hearing.pk}, language=language
                    ),
                },
                language=language,
                send_after=send_after,
            )
            invited += 1
    return invited


# --- Answers ------------------------------------------------------------------------------
def answer_save(*, hearing, association, user, data, attachments=(), remove_attachments=(), now=None) -> HearingAnswer:
    """An association answers the hearing, or edits its answer, while the hearing is open.

    One answer per association (the database's unique constraint; a second save edits the first).
    The caller has checked that ``user`` acts for ``association``. Attachments are checked by
    content; at most ``MAX_ANSWER_ATTACHMENTS``.
    """
    now = now or timezone.now()
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": [HEARING_ANSWER_TEXT_REQUIRED]})
    for upload in attachments:
        validate_attachment(upload)
    with transaction.atomic():
        hearing = _locked(hearing)
        refuse_unless_accepting(hearing, now)
        answer = HearingAnswer.objects.select_for_update().filter(
            hearing=hearing, association=association
        ).first() or HearingAnswer(hearing=hearing, association=association, created_by=user)
        answer.text = text
        answer.may_publish = bool(data.get("may_publish"))
        answer._history_user = user
        answer.save()
        if remove_attachments:
            answer.attachments.filter(pk__in=[a.pk if hasattr(a, "pk") else a for a in remove_attachments]).delete()
        if answer.attachments.count() + len(attachments) > MAX_ANSWER_ATTACHMENTS:
            raise ValidationError(TOO_MANY_ATTACHMENTS, code="too_many", params={"max": MAX_ANSWER_ATTACHMENTS})
        for upload in attachments:
            name = (getattr(upload, "name", "") or "attachment")[:200]
            HearingAnswerAttachment.objects.create(
                answer=answer, file=upload, name=name, size=getattr(upload, "size", 0) or 0, created_by=user
            )
    return answer


def answer_taken_into_account(*, answer, user, text) -> HearingAnswer:
    """Staff write how an answer was taken into account (for the summary); any time after it came."""
    with transaction.atomic():
        answer = HearingAnswer.objects.select_for_update().get(pk=answer.pk)
        answer.taken_into_account = (text or "").strip()
        answer._history_user = user
        answer.save(update_fields=["taken_into_account", "updated_at"])
    return answer


# --- Residents' comments ------------------------------------------------------------------
def comment_add(*, hearing, user, data, now=None) -> HearingComment:
    """A signed-in resident comments on an open hearing that allows it; staff moderate it."""
    now = now or timezone.now()
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": [HEARING_ANSWER_TEXT_REQUIRED]})
    with transaction.atomic():
        hearing = _locked(hearing)
        if not hearing.residents_may_comment:
            raise ValidationError(HEARING_COMMENTS_NOT_ALLOWED, code="comments_not_allowed")
        refuse_unless_accepting(hearing, now)
        return HearingComment.objects.create(hearing=hearing, text=text, created_by=user)


@transaction.atomic
def comment_approve(*, comment, user) -> HearingComment:
    comment = HearingComment.objects.select_for_update().get(pk=comment.pk)
    moderation_approve(comment, user=user)
    return comment


@transaction.atomic
def comment_reject(*, comment, user, reason) -> HearingComment:
    reason = clean_reason(reason)
    comment = HearingComment.objects.select_for_update().get(pk=comment.pk)
    moderation_reject(comment, user=user, reason=reason)
    return comment


# --- Closing and the summary --------------------------------------------------------------
def hearing_close(*, hearing, user=None, closes_at=None, now=None) -> Hearing:
    """Close an open hearing whose deadline has passed, or close it now with ``closes_at`` ≤ now.

    After this no answer can be given or changed (the service refuses, the trigger too).
    """
    now = now or timezone.now()
    with transaction.atomic():
        hearing = _locked(hearing)
        if hearing.state != Hearing.State.OPEN:
            return hearing
        if closes_at is not None:
            if closes_at > now:
                raise ValidationError(HEARING_CLOSE_IN_FUTURE, code="close_in_future")
            hearing.closes_at = max(closes_at, hearing.opens_at + dt.timedelta(minutes=1))
        elif not hearing.deadline_passed(now):
            raise ValidationError(HEARING_NOT_OPEN, code="still_open")
        hearing.state = Hearing.State.CLOSED
        hearing._history_user = user
        hearing.save(update_fields=["state", "closes_at", "updated_at"])
    return hearing


def hearings_close_due(*, now=None) -> int:
    """Close every open hearing past its deadline (beat, every few minutes). Idempotent."""
    now = now or timezone.now()
    closed = 0
    for hearing in Hearing.objects.filter(state=Hearing.State.OPEN, closes_at__lte=now).only("pk"):
        if hearing_close(hearing=hearing, now=now).state == Hearing.State.CLOSED:
            closed += 1
    return closed


def hearing_publish_summary(*, hearing, user, summary=None, now=None) -> Hearing:
    """Staff publish what was heard and how each answer was taken into account, after the deadline.

    Every answer needs its "how taken into account" first: the programme promises associations
    to hear what became of their expertise. The representatives who answered are told.
    """
    now = now or timezone.now()
    with transaction.atomic():
        hearing = _locked(hearing)
        if hearing.state == Hearing.State.SUMMARY_PUBLISHED:
            raise ValidationError(HEARING_SUMMARY_ALREADY_PUBLISHED, code="already_published")
        if hearing.state == Hearing.State.DRAFT or not hearing.deadline_passed(now):
            raise ValidationError(HEARING_STILL_OPEN, code="still_open")
        if summary is not None:
            hearing.summary = summary.strip()
        if not hearing.summary.strip():
            raise ValidationError({"summary": [HEARING_SUMMARY_REQUIRED]})
        answers = list(hearing.answers.select_related("association", "created_by"))
        missing = sum(1 for a in answers if not a.taken_into_account.strip())
        if missing:
            raise ValidationError(HEARING_TAKEN_INTO_ACCOUNT_MISSING, code="taken_missing", params={"count": missing})
        hearing.state = Hearing.State.SUMMARY_PUBLISHED
        hearing.summary_published_at = now
        hearing.summary_published_by = user
        hearing._history_user = user
        hearing.save(update_fields=["state", "summary", "summary_published_at", "summary_published_by", "updated_at"])
        language = site_language()
        url = absolute_url("associations:hearing-detail", kwargs={"pk": hearing.pk}, language=language)
        for answer in answers:
            if answer.created_by is None or not answer.created_by.email:
                continue
            notify(
                key=f"hearing-{hearing.pk}-summary-answer-{answer.pk}",
                to=answer.created_by.email,
                template="hearing-summary-published",
                context={"hearing": hearing, "answer": answer, "association": answer.association, "url": url},
                language=language,
            )
    return hearing
