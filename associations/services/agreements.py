"""Partnership agreements (kumppanuussopimus): the reminder of each year's partnership discussion."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from associations.models import PartnershipAgreement
from portal.links import absolute_url
from portal.outbox import notify, site_language

REVIEW_REMINDER_LEAD_DAYS = 14


def agreement_send_review_reminders(*, today=None, lead_days=REVIEW_REMINDER_LEAD_DAYS) -> int:
    """Remind each agreement's responsible person when the annual partnership discussion is due.

    Sent ``lead_days`` before the due date (or at once when overdue), once per due date: the key
    holds it. Returns the number of new outbox rows.
    """
    today = today or timezone.localdate()
    queued = 0
    agreements = (
        PartnershipAgreement.objects.valid_on(today)
        .with_latest_review()
        .select_related("association", "responsible_person", "department")
    )
    for agreement in agreements:
        due = PartnershipAgreement.review_due_date(
            valid_from=agreement.valid_from,
            latest_review_on=agreement.latest_review_on,
            latest_review_next_due=agreement.latest_review_next_due,
        )
        if due - dt.timedelta(days=lead_days) > today:
            continue
        with transaction.atomic():
            row = notify(
                key=f"agreement-{agreement.pk}-review-due-{due:%Y-%m-%d}",
                to=agreement.responsible_person.email,
                template="partnership-review-due",
                context={
                    "agreement": agreement,
                    "association": agreement.association,
                    "due": due,
                    "overdue": due < today,
                    "admin_url": absolute_url(
                        "admin:associations_partnershipagreement_change", args=[agreement.pk], language=site_language()
                    ),
                },
                language=site_language(),
            )
            queued += row is not None
    return queued
