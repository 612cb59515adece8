from celery import shared_task

from portal import outbox


@shared_task(acks_late=True)
def outbox_send_due():
    """Send the outbox rows that are due. Safe to run any number of times at once."""
    return outbox.send_due()


from portal.programme.tasks import programme_report_generate  # noqa: E402,F401  (registers the task)
