"""Hearings' Celery task: close the hearings whose deadline has passed. Thin and idempotent."""

from celery import shared_task

from associations.hearings import services


@shared_task(acks_late=True)
def hearings_close_due():
    """The state follows the deadline (answers are refused from the deadline on in any case)."""
    return services.hearings_close_due()
