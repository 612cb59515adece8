"""Hearings' programme indicators (seed 000 "Yhteistyö ja yhteiskehittäminen", Mittarit).

A hearing counts in the year it opened (in the city's time). ``associations/indicators.py``
imports this module.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.hearings.models import Hearing, HearingAnswer
from portal.registries import indicator


def _year_bounds(year):
    tz = timezone.get_default_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _opened_in(year):
    low, high = _year_bounds(year)
    return Hearing.objects.public().filter(opens_at__gte=low, opens_at__lt=high)


def _with_answers(queryset):
    return queryset.filter(Exists(HearingAnswer.objects.filter(hearing=OuterRef("pk"))))


@indicator(
    "associations.hearings_per_year",
    label=_("Hearings by kind"),
    unit=_("hearings"),
    description=_("Hearings opened during the year, by kind (ex-ante assessment, development, draft regulation)."),
)
def hearings_per_year(year):
    counts = dict(_opened_in(year).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {str(kind.label): counts.get(kind.value, 0) for kind in Hearing.Kind}


@indicator(
    "associations.hearing_associations_answered",
    label=_("Associations that answered hearings"),
    unit=_("associations"),
    description=_("Different associations that answered at least one hearing opened during the year."),
)
def associations_answered(year):
    return HearingAnswer.objects.filter(hearing__in=_opened_in(year)).values("association_id").distinct().count()


@indicator(
    "associations.hearing_summaries_published",
    label=_("Share of hearings with a published summary"),
    unit="%",
    description=_("Of the hearings that closed during the year, the share whose summary has been published."),
)
def summaries_published(year):
    low, high = _year_bounds(year)
    closed = Hearing.objects.public().filter(closes_at__gte=low, closes_at__lt=high, closes_at__lte=timezone.now())
    total = closed.count()
    if not total:
        return None
    published = closed.filter(state=Hearing.State.SUMMARY_PUBLISHED).count()
    return round(100 * published / total, 1)


@indicator(
    "associations.hearing_ex_ante_assessments",
    label=_("Ex-ante impact assessments that used associations' expertise"),
    unit=_("assessments"),
    description=_(
        "Hearings on the ex-ante assessment of a decision opened during the year that associations answered "
        "(Mittarit: yhdistysten asiantuntemuksen hyödyntäminen päätösten vaikutusten ennakkoarvioinneissa)."
    ),
)
def ex_ante_assessments(year):
    return _with_answers(_opened_in(year).filter(kind=Hearing.Kind.EX_ANTE)).count()


@indicator(
    "associations.hearing_development_processes",
    label=_("Development processes with associations involved"),
    unit=_("processes"),
    description=_(
        "Hearings on the development of services, activities or areas opened during the year that associations "
        "answered (Mittarit: keskeiset kehittämisprosessit, joihin yhdistyksiä on osallistettu)."
    ),
)
def development_processes(year):
    return _with_answers(_opened_in(year).filter(kind=Hearing.Kind.DEVELOPMENT)).count()
