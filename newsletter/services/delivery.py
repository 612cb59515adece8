"""Sending an issue: a Delivery row per recipient, sent in batches exactly once as far as SMTP allows.

The issue is bulk mail with its own ``Delivery`` table, not outbox rows: see
``deliveries_send_batch`` for the guarantees and ``issues_send_due`` for the periodic sweep.
"""

import datetime as dt
import logging
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newsletter import conf, selectors
from newsletter.emails import IssueRenderer
from newsletter.models import Delivery, Issue
from newsletter.services.drafting import issue_schedule

logger = logging.getLogger(__name__)

# Refusals of one message or recipient: a 5xx code is final, a 4xx one is tried again. Every
# other SMTP or socket error is about the server or the connection, and stops the batch.
RECIPIENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


class TemporarySendFailure(Exception):
    """SMTP is unreachable or busy; the batch stopped and should be tried again later."""


def issue_send_now(*, issue, by=None, now=None):
    """Schedule for now and start sending at once (the admin's "Send now")."""
    now = now or timezone.now()
    issue_schedule(issue=issue, at=now, by=by, now=now)
    return issue_start_sending(issue_id=issue.pk, now=now)


def issue_start_sending(*, issue_id, now=None):
    """Scheduled → sending: a Delivery row per recipient, then batch tasks on commit.

    Idempotent: an issue that is not scheduled and due is left alone, and the Delivery rows
    are unique per (issue, subscriber), so starting twice never makes a second row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_id).first()
        if issue is None or issue.state != Issue.State.SCHEDULED or issue.scheduled_at > now:
            return issue
        recipient_ids = selectors.issue_recipients(issue=issue).values_list("pk", flat=True).order_by("pk")
        Delivery.objects.bulk_create(
            (Delivery(issue=issue, subscriber_id=pk) for pk in recipient_ids.iterator(chunk_size=2000)),
            batch_size=2000,
            ignore_conflicts=True,
        )
        issue.state = Issue.State.SENDING
        issue.sending_started_at = now
        issue.recipient_count = issue.deliveries.count()
        issue.save(update_fields=["state", "sending_started_at", "recipient_count", "updated_at"])
        transaction.on_commit(lambda: enqueue_delivery(issue_id=issue.pk, tasks=conf.parallel_senders()))
    return issue


def enqueue_delivery(*, issue_id, tasks=1):
    """Ask workers to send. A broker outage only delays: the periodic sweep resumes sending."""
    from newsletter.tasks import deliver_issue

    for _n in range(tasks):
        try:
            deliver_issue.delay(issue_id)
        except Exception:  # noqa: BLE001 - broker unreachable; newsletter.tasks.send_due resumes
            logger.warning("Could not reach the Celery broker; issue %s waits for the next sweep.", issue_id)
            return


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    more: bool = False


def deliveries_send_batch(*, issue_id, limit=None, smtp_connection=None):
    """Send up to ``limit`` pending deliveries of an issue over one SMTP connection.

    Exactly-once as far as SMTP allows: each delivery row is claimed with ``SELECT … FOR UPDATE
    SKIP LOCKED`` in its own short transaction, the message is handed to SMTP while the row is
    locked, and the row is marked sent in that same transaction. So:

    - two workers never take the same row (SKIP LOCKED), and the lock needs no lease or timeout:
      it lives exactly as long as the worker's database connection;
    - a worker killed before the SMTP server accepted the message leaves the row pending and
      unlocked (PostgreSQL rolls back the dead connection's transaction), and the retry sends it;
    - a worker killed after the server's "250 OK" but before its COMMIT (well under a millisecond)
      would send that one message again: SMTP has no two-phase commit. We prefer this to the
      opposite order (mark first, then send), which would lose that message instead. Every
      message of an issue to a subscriber has the same Message-ID, so mail programs show such a
      rare repeat once.

    One transaction per message, not per batch: a batch-wide transaction would re-send the whole
    batch after a crash. Those commits are asynchronous (see
    ``_delivery_transaction``) unless NEWSLETTER_SYNCHRONOUS_COMMIT is on. Returns a
    BatchResult; ``more`` means pending rows remain.
    """
    limit = limit or conf.batch_size()
    result = BatchResult()
    issue = Issue.objects.filter(pk=issue_id, state=Issue.State.SENDING).first()
    if issue is None:
        return result
    smtp = _SMTP(smtp_connection or get_connection())
    try:
        _send_loop(issue_id=issue_id, renderer=IssueRenderer(issue), smtp=smtp, limit=limit, result=result)
    finally:
        smtp.close()
    if not result.more:
        issue_finish_if_done(issue_id=issue_id)
    return result


class _SMTP:
    """One SMTP connection for the whole batch, opened at the first message only."""

    def __init__(self, connection):
        self.connection = connection
        self.opened = False

    def send(self, message):
        if not self.opened:
            self.connection.open()
            self.opened = True
        message.connection = self.connection
        message.send()

    def close(self):
        if self.opened:
            _close_quietly(self.connection)


@contextmanager
def _delivery_transaction():
    """One delivery's transaction, committed asynchronously.

    ``SET LOCAL synchronous_commit TO OFF``: the COMMIT returns before its WAL record reaches
    the disk, one fsync less per message and several times the throughput. ``SET LOCAL`` ends
    with the transaction, so nothing else on the (possibly pooled) connection ever runs with it;
    a batch called inside someone else's transaction leaves that transaction's commit alone. The
    mark is still durable unless PostgreSQL itself crashes in the next moment (at most
    3 × wal_writer_delay, 0.6 s by default): then those few rows would be pending again and
    their messages sent twice. A killed *worker* loses nothing. Set
    NEWSLETTER_SYNCHRONOUS_COMMIT = True to pay the fsync instead.
    """
    quick = not db_connection.in_atomic_block and not conf.synchronous_commit()
    with transaction.atomic():
        if quick:
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _send_loop(*, issue_id, renderer, smtp, limit, result):
    while result.sent + result.failed + result.skipped + result.deferred < limit:
        with _delivery_transaction():
            delivery = (
                Delivery.objects.due()
                .filter(issue_id=issue_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("subscriber")
                .order_by("id")
                .first()
            )
            if delivery is None:
                return
            subscriber = delivery.subscriber
            if not subscriber.is_active:
                # Unsubscribed after the issue started: respect it.
                delivery.status = Delivery.Status.SKIPPED
                delivery.save(update_fields=["status"])
                result.skipped += 1
                continue
            message = renderer.message(to=subscriber.email, language=subscriber.language, subscriber_id=subscriber.pk)
            try:
                smtp.send(message)
            except RECIPIENT_ERRORS as exc:
                # This recipient refused: final (5xx) or "try later" (4xx, the row waits with a
                # back-off and the periodic sweep brings it back). The batch goes on.
                _record_refusal(delivery, exc)
                if delivery.status == Delivery.Status.FAILED:
                    result.failed += 1
                else:
                    result.deferred += 1
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # The server or the connection, not this recipient: the row stays as it was (the
                # transaction is rolled back) and the batch is tried again later.
                raise TemporarySendFailure(f"{exc.__class__.__name__}: {exc}") from exc
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.attempts += 1
            delivery.save(update_fields=["status", "sent_at", "attempts"])
            result.sent += 1
    result.more = Delivery.objects.due().filter(issue_id=issue_id).exists()


def _record_refusal(delivery, exc):
    """Note an SMTP refusal on the row: 5xx is final (failed), 4xx is tried again after a while."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code = next(iter(exc.recipients.values()))[0]
    delivery.attempts += 1
    delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
    permanent = code is None or code >= 500
    if permanent or delivery.attempts >= conf.max_attempts():
        delivery.status = Delivery.Status.FAILED
        delivery.retry_after = None
    else:
        delivery.retry_after = timezone.now() + dt.timedelta(minutes=min(2**delivery.attempts, 60))
    delivery.save(update_fields=["status", "attempts", "last_error", "retry_after"])


def _close_quietly(connection):
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        logger.info("Closing a broken SMTP connection failed; the next batch opens a new one.")


def issue_finish_if_done(*, issue_id, now=None):
    """Sending → sent once no delivery is pending. Safe to call any number of times."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_id, state=Issue.State.SENDING).first()
        if issue is None or issue.deliveries.filter(status=Delivery.Status.PENDING).exists():
            return False
        issue.state = Issue.State.SENT
        issue.sent_at = now or timezone.now()
        issue.save(update_fields=["state", "sent_at", "updated_at"])
    return True


def issues_send_due(*, now=None, force_resume=False):
    """The periodic sweep: start scheduled issues that are due, and resume stalled sending.

    A sending issue is resumed when its last delivery is older than NEWSLETTER_STALLED_AFTER
    (its worker died and the broker has not yet handed the task to another), or always with
    ``force_resume`` (a worker has just started after a crash).
    """
    now = now or timezone.now()
    started = 0
    for issue_id in Issue.objects.filter(state=Issue.State.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    ):
        issue_start_sending(issue_id=issue_id, now=now)
        started += 1
    resumed = 0
    stalled_before = now - dt.timedelta(seconds=conf.stalled_after_seconds())
    sending = (
        Issue.objects.filter(state=Issue.State.SENDING)
        .annotate(last_sent=Max("deliveries__sent_at"))
        .values_list("pk", "last_sent", "sending_started_at")
    )
    for issue_id, last_sent, started_at in sending:
        last_progress = max(filter(None, [last_sent, started_at]), default=None)
        if force_resume or last_progress is None or last_progress < stalled_before:
            if Delivery.objects.pending().filter(issue_id=issue_id).exists():
                enqueue_delivery(issue_id=issue_id, tasks=conf.parallel_senders())
            else:
                issue_finish_if_done(issue_id=issue_id)
            resumed += 1
    return {"started": started, "resumed": resumed}
