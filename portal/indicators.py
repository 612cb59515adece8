from django.utils.translation import gettext_lazy as _

from portal.models import Forum
from portal.registries import indicator


@indicator(
    "portal.forums_and_networks",
    label=_("Key cooperation forums and networks between the city and associations"),
    unit=_("forums and networks"),
)
def forums_and_networks(year):
    """Seed 000, Mittarit: "Keskeisten ... yhteistyöfoorumien ja verkostojen määrä" in a year."""
    return Forum.objects.filter(is_active=True).exclude(joined_year__gt=year).exclude(ended_year__lt=year).count()


@indicator(
    "portal.association_page_visitors",
    label=_("Page views of the association pages"),
    unit=_("page views"),
    description=_("Counted by the portal per day without cookies or personal data (portal.programme.visits)."),
)
def association_page_visitors(year):
    """Seed 000, Viestintä: "Yhdistyksille tarkoitettujen kaupungin verkkosivujen kävijämäärät"."""
    from django.db.models import Sum

    from portal.models import PageVisitDay

    return PageVisitDay.objects.filter(day__year=year, section="associations").aggregate(n=Sum("count"))["n"] or 0
