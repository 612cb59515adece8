"""The notification outbox: every e-mail the system owes, written with the change that causes it.

Use ``notify()`` inside the service's transaction. Celery's ``portal.tasks.outbox_send_due``
sends due rows (on commit, and every minute from beat), so a row written while Redis or SMTP
is down simply waits. Keys are unique: the same key twice is one e-mail. A key says what
happened and to whom, never when: ``f"association-{pk}-approved:{email}"``, or for something
that can happen again, ``change_key(obj, "event-7-approved")`` (the change's history record).

A message may carry small attachments (an ``.ics`` of a booking): they are stored on the row
with the text, so the row still holds exactly what will be sent, and a repeat key adds nothing.
"""

import base64
import logging
import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.cities import localized_profile
from portal.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Errors worth trying again later; anything else is the message's own fault: it is marked failed
# at once (logged with its traceback) and the rest of the batch goes on.
RETRYABLE_ERRORS = (smtplib.SMTPException, socket.error, TimeoutError, ConnectionError)
# An outbox row is a database row, not a file store: attachments are for small generated files.
MAX_ATTACHMENT_BYTES = 256 * 1024


def site_language() -> str:
    """The language of e-mails to someone without one of their own (an association, staff)."""
    return settings.LANGUAGE_CODE


def recipient_language(language) -> str:
    """The recipient's language if the site speaks it, else the site's default."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def coordinator_email() -> str:
    """The city's association coordinator's mailbox: where staff hear of new entries and claims."""
    return settings.CITY_PROFILE["coordinator_email"]


def render_email(*, template, context, language):
    """Render the trio ``emails/<template>-subject.txt``, ``-body.txt``, ``-body.html``."""
    city = localized_profile(settings.CITY_PROFILE, language)
    context = {"SITE_URL": settings.SITE_URL, "city": city, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}-subject.txt", context)
        text = render_to_string(f"emails/{template}-body.txt", context)
        try:
            html = render_to_string(f"emails/{template}-body.html", context)
        except Exception as exc:  # noqa: BLE001 - an HTML part is optional
            if exc.__class__.__name__ != "TemplateDoesNotExist":
                raise
            html = ""
    # A subject is one line: no header injection through a newline in the context.
    subject = " ".join(subject.split())
    return subject, text, html


def stored_attachment(filename, content, mimetype) -> dict:
    """One attachment as the outbox stores it: text as text (readable in the admin), else base64."""
    if isinstance(content, str):
        content = content.encode()
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"Attachment {filename} is {len(content)} bytes; the outbox takes {MAX_ATTACHMENT_BYTES}.")
    if mimetype.startswith("text/"):
        try:
            return {"filename": filename, "mimetype": mimetype, "content": content.decode()}
        except UnicodeDecodeError:
            pass
    return {"filename": filename, "mimetype": mimetype, "content_base64": base64.b64encode(content).decode("ascii")}


def attachment_content(stored) -> bytes:
    """The bytes of an attachment stored by ``stored_attachment``."""
    if "content_base64" in stored:
        return base64.b64decode(stored["content_base64"])
    return stored["content"].encode()


def notify(*, key, to, template, context=None, language=None, send_after=None, headers=None, attachments=None):
    """Queue an e-mail in the caller's transaction. Returns the row, or None for a repeat key.

    ``language`` is the recipient's; it defaults to the active language. The message is
    rendered now, in that language, so the row holds exactly what will be sent.
    ``attachments`` are ``(filename, content, mimetype)`` triples of small files (content as
    bytes or text), stored on the row with the message.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    subject, text, html = render_email(template=template, context=context or {}, language=language)
    now = timezone.now()
    row = Notification(
        key=key[:255],
        to=to,
        language=language,
        template=template,
        subject=subject[:255],
        body_text=text,
        body_html=html,
        headers=headers or {},
        attachments=[stored_attachment(*attachment) for attachment in attachments or []],
        send_after=send_after or now,
        next_attempt_at=send_after or now,
    )
    try:
        with transaction.atomic():  # a savepoint: a repeat key must not break the caller's transaction
            row.save()
    except IntegrityError:
        return None
    if row.send_after <= now:
        transaction.on_commit(_kick_sender)
    return row


def change_key(obj, prefix: str) -> str:
    """The outbox key of an e-mail that announces a change of ``obj``: ``<prefix>-h<history id>``.

    It names the history record (django-simple-history) of the change, so the key is the same
    however often the same change is announced (a retried task, a double click) and different
    for the next change of the same kind (a second claim after a rejection). Call it after the
    save, in the same transaction. Never put a timestamp in a key: two changes in one second
    would share it, and a repeat a second later would not.
    """
    history_id = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return f"{prefix}-h{history_id}"


def _kick_sender():
    """Ask a worker to send now. If the broker is down the row waits for beat: nothing lost."""
    from portal.tasks import outbox_send_due

    try:
        outbox_send_due.delay()
    except Exception:  # noqa: BLE001 - broker down or unreachable; beat will pick the row up
        logger.warning("Could not reach the Celery broker; the outbox row waits for the next beat.")


def _backoff(attempts):
    return timedelta(minutes=min(2**attempts, 24 * 60))


def send_due(*, now=None, limit=None):
    """Send the outbox rows that are due; returns the number sent.

    Each row is claimed (``SELECT … FOR UPDATE SKIP LOCKED``), sent and marked sent in a
    transaction of its own: two workers never send the same row, and a worker killed mid-run
    leaves at most the one message in flight to be sent again (SMTP has no two-phase commit).
    One SMTP connection serves the whole run. Each row is tried at most once per run. An SMTP
    error leaves the row for a later attempt with exponential backoff; after ``MAX_ATTEMPTS``
    it is marked failed. Any other error is the message's own fault: that row is marked failed
    at once and the run goes on.
    """
    sent = 0
    tried = []
    connection = get_connection()
    try:
        while limit is None or len(tried) < limit:
            with transaction.atomic():
                row = (
                    Notification.objects.due(now)
                    .exclude(pk__in=tried)
                    .select_for_update(skip_locked=True)
                    .order_by("send_after", "id")
                    .first()
                )
                if row is None:
                    break
                tried.append(row.pk)
                sent += _send_one(row, connection)
    finally:
        _close_quietly(connection)
    return sent


def _close_quietly(connection):
    try:
        connection.close()
    except RETRYABLE_ERRORS:
        logger.info("Closing a broken SMTP connection failed; a new one is opened next time.")


def _send_one(row, connection):
    now = timezone.now()
    try:
        message = EmailMultiAlternatives(
            subject=row.subject,
            body=row.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to],
            headers=row.headers or None,
            connection=connection,
        )
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        for attachment in row.attachments or []:
            message.attach(attachment["filename"], attachment_content(attachment), attachment["mimetype"])
        message.send()
    except RETRYABLE_ERRORS as exc:
        row.attempts += 1
        row.last_error = _describe(exc)
        if row.attempts >= MAX_ATTEMPTS:
            row.failed_at = now
            logger.error("Outbox gave up on %s after %s attempts: %s", row.key, row.attempts, row.last_error)
        else:
            row.next_attempt_at = now + _backoff(row.attempts)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at", "failed_at"])
        _close_quietly(connection)  # a fresh connection for the next row
        return 0
    except Exception as exc:  # noqa: BLE001 - one unsendable row must not stop or undo the batch
        # Not an outage but a message that can never go out (an address or header Django
        # refuses): set it aside at once. Raising would roll back the sent marks of the rows
        # already sent in this batch (so they would go out again) and hit this row every run.
        row.attempts += 1
        row.last_error = _describe(exc)
        row.failed_at = now
        logger.exception("Outbox cannot send %s; marked failed", row.key)
        row.save(update_fields=["attempts", "last_error", "failed_at"])
        _close_quietly(connection)
        return 0
    row.sent_at = now
    row.attempts += 1
    row.save(update_fields=["sent_at", "attempts"])
    return 1


def _describe(exc):
    return f"{exc.__class__.__name__}: {exc}"[:2000]
