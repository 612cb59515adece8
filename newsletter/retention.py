"""The newsletter's retention jobs (registry: ``portal.retention``)."""

from django.db import models

from newsletter.models import Delivery, Subscriber, SubscriberTopic
from portal.retention import retention_job


@retention_job(
    "newsletter.unconfirmed",
    setting="NEWSLETTER_UNCONFIRMED",
    description="Subscription requests never confirmed: deleted (there was never consent).",
)
def delete_unconfirmed(*, cutoff, dry_run):
    rows = Subscriber.objects.pending().filter(requested_at__lt=cutoff)
    count = rows.count()
    if not dry_run:
        rows.delete()
    return count


ERASED_DOMAIN = "erased.invalid"


@retention_job(
    "newsletter.unsubscribed",
    setting="NEWSLETTER_UNSUBSCRIBED",
    description="Long-unsubscribed subscriptions: the address, account link, topics and page erased "
    "(the dates stay, so past years' subscriber counts do not change).",
)
def anonymise_unsubscribed(*, cutoff, dry_run):
    rows = Subscriber.objects.filter(unsubscribed_at__lt=cutoff).exclude(email__endswith="@" + ERASED_DOMAIN)
    count = rows.count()
    if not dry_run:
        ids = list(rows.values_list("pk", flat=True))
        SubscriberTopic.objects.filter(subscriber_id__in=ids).delete()
        # An SMTP error text may quote the address.
        Delivery.objects.filter(subscriber_id__in=ids).exclude(last_error="").update(last_error="")
        Subscriber.objects.filter(pk__in=ids).update(
            email=models.functions.Concat(
                models.Value("erased-"),
                models.functions.Cast("pk", models.CharField()),
                models.Value("@" + ERASED_DOMAIN),
            ),
            user=None,
            consent_source="",
        )
    return count
