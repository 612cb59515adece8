"""Root URLconf. Public pages live under a language prefix (/fi/, /sv/, /en/, /pl/)."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from portal import health, i18n, views

# The admin's login form is allauth's: its rate limits and MFA step apply to staff too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.CITY_PROFILE["portal_name"]
admin.site.site_title = settings.CITY_PROFILE["portal_name"]

urlpatterns = [
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page says: the city's logo answers.
    path("favicon.ico", views.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("", include("portal.site_urls")),
    path("accounts/", include("allauth.urls")),
    path("associations/", include("associations.urls")),
    path("grants/", include("grants.urls")),
    path("facilities/", include("facilities.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("clock/", include("annualclock.urls")),
)

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
