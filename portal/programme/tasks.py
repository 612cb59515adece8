from celery import shared_task


@shared_task(acks_late=True)
def programme_report_generate(report_id):
    """Generate a report's PDF (thin: the work is ``services.report_generate``)."""
    from portal.programme.services import report_generate

    report_generate(report_id=report_id)


@shared_task(acks_late=True)
def programme_visits_flush():
    """Move the day's page-view counters into the database (``portal.programme.visits``)."""
    from portal.programme.visits import flush

    return flush()


@shared_task(acks_late=True)
def programme_values_reminders():
    """Daily: remind the responsible staff of staff-entered values that are due (idempotent by outbox key)."""
    from portal.programme.services import indicator_values_send_reminders

    return indicator_values_send_reminders()


@shared_task(acks_late=True)
def programme_figures_refresh():
    """Every quarter of an hour: the dashboard's computed figures afresh (``services.programme_figures_refresh``)."""
    from portal.programme.services import programme_figures_refresh

    return programme_figures_refresh()
