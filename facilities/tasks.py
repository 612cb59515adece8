"""Celery tasks of facilities: thin and idempotent (outbox keys make repeats harmless)."""

from celery import shared_task

from facilities import services


@shared_task
def send_booking_reminders():
    """A day before a booking, remind the booker with the booking's .ics (run hourly by beat)."""
    return services.booking_reminders_send()
