"""The newsletter's part of "download my data" and of deleting the account."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsletter.models import Subscriber
from newsletter.services import subscriptions
from portal.registries import my_data, my_data_eraser


def _mine(user):
    mine = Q(user=user)
    if user.email:
        mine |= Q(email__iexact=user.email)
    return Subscriber.objects.filter(mine).prefetch_related("topics")


def _iso(value):
    return value.isoformat() if value else None


@my_data("newsletter.subscriptions")
def subscription_data(user):
    return [
        {
            "email": s.email,
            "language": s.language,
            "topics": s.topic_codes(),
            "how_consent_was_given": s.method,
            "consent_page": s.consent_source,
            "consent_version": s.consent_version,
            "requested_at": _iso(s.requested_at),
            "confirmed_at": _iso(s.confirmed_at),
            "unsubscribed_at": _iso(s.unsubscribed_at),
        }
        for s in _mine(user).order_by("requested_at")
    ]


SUBSCRIPTION_KEPT = _(
    "Your newsletter subscription ended. Its dates are kept without your address, for the yearly count of subscribers."
)


@my_data_eraser("newsletter.subscriptions")
def erase_subscriptions(user):
    rows = list(_mine(user))
    for subscriber in rows:
        subscriptions.subscriber_unsubscribe(subscriber=subscriber, reason=Subscriber.Reason.PREFERENCES)
    # The dates stay for the indicator; the address, the page and the link to the account go.
    for subscriber in rows:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            email=f"erased-{subscriber.pk}@invalid.invalid", consent_source="", user=None
        )
    return [SUBSCRIPTION_KEPT] if rows else []
