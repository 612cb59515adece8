from celery import shared_task

from portal import outbox


@shared_task(acks_late=True)
def outbox_send_due():
    """Send the outbox rows that are due. Safe to run any number of times at once."""
    return outbox.send_due()


@shared_task(acks_late=True)
def beat_heartbeat():
    """Beat, every minute: record that beat, the broker and a worker all work."""
    from portal.models import Heartbeat

    Heartbeat.beat("beat")


@shared_task(acks_late=True)
def retention_run():
    """Beat, daily: every app's retention job (portal.retention); each logs what it removed."""
    from portal.retention import run_retention

    return {result.key: result.count for result in run_retention()}


from portal.programme.tasks import programme_report_generate  # noqa: E402,F401  (registers the task)
