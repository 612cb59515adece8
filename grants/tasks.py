"""Celery tasks: thin, idempotent adapters around the services (beat runs them daily)."""

from celery import shared_task

from grants import services


@shared_task(acks_late=True)
def send_reminders():
    """Drafters 14 and 3 days before a call closes; recipients when a report is due or overdue.
    The outbox keys make a second run the same day (or any day) a no-op."""
    return services.reminders_send_closing() + services.reminders_send_reports()


@shared_task(acks_late=True)
def make_decision_letter(decision_id):
    """The decision letter as PDF; a second run finds it made and does nothing."""
    from grants.letters import decision_letter_make

    decision = decision_letter_make(decision_id=decision_id)
    return bool(decision and decision.letter)
