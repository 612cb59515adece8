"""Celery tasks of the forms of cooperation: thin, idempotent adapters."""

from celery import shared_task


@shared_task(acks_late=True)
def make_request_letter(request_id):
    """The letter of recommendation or intent as PDF; a second run finds it made and does nothing."""
    from associations.cooperation.letters import request_letter_make

    city_request = request_letter_make(request_id=request_id)
    return bool(city_request and city_request.letter)
