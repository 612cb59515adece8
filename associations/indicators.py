"""The registry's programme indicators (seeds 000 and 001), computed for a year."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Event, PartnershipAgreement, PartnershipReview
from portal.registries import indicator


@indicator(
    "associations.per_prh_class",
    label=_("Associations in the registry by PRH class"),
    unit=_("associations"),
    description=_("Approved entries at the end of the year, by the nine PRH classes and unclassified (seed 001)."),
)
def associations_per_prh_class(year):
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))  # midnight in the city's time zone
    counts = dict(
        Association.objects.filter(moderation_state=Association.ModerationState.APPROVED, created_at__lt=end)
        .values_list("prh_class")
        .annotate(n=Count("pk"))
        .values_list("prh_class", "n")
    )
    return {str(choice.label): counts.get(choice.value, 0) for choice in Association.PRHClass}


@indicator(
    "associations.partnership_agreements_valid",
    label=_("Partnership agreements in force"),
    unit=_("agreements"),
    description=_("Agreements valid at some time during the year (Mittarit: kumppanuussopimusten määrä)."),
)
def partnership_agreements_valid(year):
    return PartnershipAgreement.objects.valid_during_year(year).count()


@indicator(
    "associations.partnership_discussions_held",
    label=_("Partnership discussions held"),
    unit=_("discussions"),
    description=_("Annual partnership discussions (kumppanuuskeskustelut) held during the year."),
)
def partnership_discussions_held(year):
    return PartnershipReview.objects.filter(held_on__year=year).count()


@indicator(
    "associations.events_published",
    label=_("Events published by associations"),
    unit=_("events"),
    description=_("Published association events starting during the year."),
)
def events_published(year):
    return Event.objects.published().filter(start_date__year=year).count()


# The forms of cooperation (issue 14) register from their own sub-packages.
import associations.cooperation.indicators  # noqa: E402,F401
import associations.hearings.indicators  # noqa: E402,F401
