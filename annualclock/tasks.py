"""Celery tasks of the annual clock: thin and idempotent (outbox keys make repeats harmless)."""

from celery import shared_task

from annualclock import services


@shared_task
def send_meeting_reminders():
    """The day before a meeting, remind the associations that attend (run hourly by beat)."""
    return services.meetings_send_day_before_reminders()
