from django.conf import settings

from portal.navigation import nav_items


def city(request):
    """The city profile and portal-wide template facts, available in every template."""
    return {"city": settings.CITY_PROFILE, "SITE_URL": settings.SITE_URL, "nav_items": nav_items}
