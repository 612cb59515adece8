"""The facilities programme indicators (seed 000, "Tilat", Mittarit), computed for a year."""

from django.utils.translation import gettext_lazy as _

from facilities.selectors import in_kind_support, utilisation_report, year_range
from portal.registries import indicator, shared_result


def _year_report(year):
    """The utilisation report of the year, made once for the three indicators that read it when
    they are asked together (the programme's overview: ``portal.registries.shared_results``)."""
    start, end = year_range(year)
    return shared_result(("facilities.utilisation_report", year), lambda: utilisation_report(start=start, end=end))


@indicator(
    "facilities.shared_use_utilisation",
    label=_("Utilisation of shared-use spaces"),
    unit="%",
    description=_(
        "Booked hours / bookable hours of the shared-use spaces (yhteiskäyttötilat) in the year, "
        "counted on each atomic space, so a whole hall and its halves are not counted twice."
    ),
)
def shared_use_utilisation(year):
    return _year_report(year).total.utilisation


@indicator(
    "facilities.shared_use_utilisation_by_service_area",
    label=_("Utilisation of shared-use spaces by service area"),
    unit="%",
    description=_("Booked hours / bookable hours of the shared-use spaces in the year, per service area."),
)
def shared_use_utilisation_by_service_area(year):
    report = _year_report(year)
    return {
        (str(area) if area is not None else str(_("No service area"))): figures.utilisation
        for area, figures in report.service_areas.items()
    }


@indicator(
    "facilities.association_share",
    label=_("Associations' share of the use of shared-use spaces"),
    unit="%",
    description=_("Hours booked for associations and informal groups / all booked hours of the shared-use spaces."),
)
def association_share(year):
    return _year_report(year).total.association_share


@indicator(
    "facilities.in_kind_support",
    label=_("In-kind support through free or reduced use of spaces"),
    unit="€",
    description=_("The commercial price of associations' confirmed bookings minus what they paid, in the year."),
)
def in_kind_support_total(year):
    from decimal import Decimal

    return sum(in_kind_support(start=year_range(year)[0], end=year_range(year)[1]).values(), Decimal("0.00"))


@indicator(
    "facilities.in_kind_support_by_association",
    label=_("In-kind support through spaces by association"),
    unit="€",
    description=_("The value of free or reduced use of the city's spaces per association in the year."),
)
def in_kind_support_by_association(year):
    return in_kind_support(start=year_range(year)[0], end=year_range(year)[1])


@indicator(
    "facilities.feedback_average",
    label=_("Feedback after use of spaces (average, 1–5)"),
    unit=_("points"),
    description=_("The average rating bookers gave after using a space, for bookings in the year (seed 000)."),
)
def feedback_average(year):
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Avg

    from facilities.models import BookingFeedback

    start, end = year_range(year)
    average = BookingFeedback.objects.filter(
        booking__starts_at__date__gte=start, booking__starts_at__date__lt=end
    ).aggregate(average=Avg("rating"))["average"]
    return Decimal(str(average or 0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@indicator(
    "facilities.feedback_score",
    label=_("Feedback after use of spaces (average 1–5, with the number of answers)"),
    unit=_("average 1–5"),
    description=_(
        "The average rating bookers gave after using a space, for bookings in the year, and how many "
        "ratings it is of: it feeds the programme's feedback indicator as a survey does (seed 000)."
    ),
)
def feedback_score(year):
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Avg, Count

    from facilities.models import BookingFeedback
    from portal.registries import Score

    start, end = year_range(year)
    result = BookingFeedback.objects.filter(
        booking__starts_at__date__gte=start, booking__starts_at__date__lt=end
    ).aggregate(average=Avg("rating"), answers=Count("pk"))
    if not result["answers"]:
        return Score(mean=None, answers=0)
    mean = Decimal(str(result["average"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Score(mean=mean, answers=result["answers"])
