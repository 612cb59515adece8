"""Celery tasks: thin, idempotent adapters around the services (beat runs them daily)."""

from celery import shared_task

from associations.services import agreements, registry


@shared_task(acks_late=True)
def send_confirmation_reminders():
    """Yearly "is your profile current?" e-mails. The outbox key makes a second run a no-op."""
    return registry.association_send_confirmation_reminders()


@shared_task(acks_late=True)
def send_partnership_review_reminders():
    """Remind responsible persons of due partnership discussions. Once per due date."""
    return agreements.agreement_send_review_reminders()


# The forms of cooperation (issue 14) keep their tasks with them; importing registers them.
import associations.cooperation.tasks  # noqa: E402,F401
from associations.hearings.tasks import hearings_close_due  # noqa: E402,F401
