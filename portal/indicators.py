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
