"""Programme indicators (seed 000, Viestintä, Mittarit):

- "Yhdistysuutiskirjeen julkaisukerrat/vuosi" – issues published per year;
- "Yhdistysuutiskirjeen tilaajamäärän kehitys/vuosi" – subscribers at year end and the change.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsletter.models import Issue, Subscriber
from portal.registries import indicator


def year_end(year):
    """The last moment of ``year`` in the portal's time zone."""
    return timezone.make_aware(dt.datetime(year + 1, 1, 1)) - dt.timedelta(microseconds=1)


@indicator(
    "newsletter.issues_per_year",
    label=_("Association newsletter issues published"),
    unit=_("issues"),
    description=_("Issues sent in the year; another language's version of the same issue counts once."),
)
def issues_per_year(year):
    return Issue.objects.sent().editions().filter(sent_at__year=year).count()


@indicator(
    "newsletter.subscribers_at_year_end",
    label=_("Association newsletter subscribers at year end"),
    unit=_("subscribers"),
    description=_("Confirmed subscriptions in force on 31 December."),
)
def subscribers_at_year_end(year):
    return Subscriber.objects.active_on(year_end(year)).count()


@indicator(
    "newsletter.subscriber_change",
    label=_("Change in association newsletter subscribers"),
    unit=_("subscribers"),
    description=_("Subscribers at the end of the year minus those at the end of the previous year."),
)
def subscriber_change(year):
    return subscribers_at_year_end(year) - subscribers_at_year_end(year - 1)
