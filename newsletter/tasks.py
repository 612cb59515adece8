"""Celery tasks: thin adapters over newsletter.services. Each is safe to run twice.

``deliver_issue`` is acked late (settings: CELERY_TASK_ACKS_LATE, REJECT_ON_WORKER_LOST): a
task whose worker dies goes back to the broker. Whether it comes back or not, nothing is sent
twice: the Delivery rows, not the task messages, say what is left to send. A worker that
starts resumes interrupted sending at once, and beat's ``send_due`` sweeps every minute.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready

from newsletter.services import delivery, subscriptions

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=12)
def deliver_issue(self, issue_id):
    """Send one batch of the issue over one SMTP connection; queue the next batch if any."""
    try:
        result = delivery.deliveries_send_batch(issue_id=issue_id)
    except delivery.TemporarySendFailure as exc:
        # After the last retry the periodic sweep (send_due) still resumes the issue.
        raise self.retry(exc=exc, countdown=min(30 * 2 ** min(self.request.retries, 6), 1800)) from None
    if result.more:
        deliver_issue.delay(issue_id)
    return {
        "sent": result.sent,
        "failed": result.failed,
        "skipped": result.skipped,
        "deferred": result.deferred,
        "more": result.more,
    }


@shared_task(acks_late=True)
def send_due():
    """Beat, every minute: start the scheduled issues that are due, resume stalled sending."""
    return delivery.issues_send_due()


@shared_task(acks_late=True)
def resume_sending():
    """Resume every issue that is being sent (a worker has just started)."""
    return delivery.issues_send_due(force_resume=True)


@shared_task(acks_late=True)
def purge_unconfirmed():
    """Daily: forget subscription requests that were never confirmed."""
    return subscriptions.subscribers_purge_unconfirmed()


@worker_ready.connect
def _resume_after_start(sender=None, **kwargs):
    """A worker that starts (perhaps after one was killed mid-send) resumes sending at once.

    Without this, a task lost with a killed worker would wait for the broker's visibility
    timeout (an hour on Redis) or for the next sweep.
    """
    try:
        resume_sending.delay()
    except Exception:  # noqa: BLE001 - the broker is down; beat's sweep resumes later
        logger.warning("Could not queue the resume of newsletter sending; beat's sweep will do it.")
