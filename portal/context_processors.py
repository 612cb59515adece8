from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portal.cities import localized_profile
from portal.navigation import nav_items


def city(request):
    """The city profile and portal-wide template facts, available in every template."""
    return {
        "city": localized_profile(settings.CITY_PROFILE, translation.get_language()),
        "SITE_URL": settings.SITE_URL,
        "nav_items": SimpleLazyObject(lambda: nav_items(request.path)),
    }
