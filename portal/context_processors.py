from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.navigation import nav_items


def city(request):
    """The city profile and portal-wide template facts, available in every template."""
    return {
        "city": settings.CITY_PROFILE,
        "SITE_URL": settings.SITE_URL,
        "nav_items": SimpleLazyObject(lambda: nav_items(request.path)),
    }
