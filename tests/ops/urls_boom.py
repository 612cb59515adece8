"""A URLconf with a view that fails, for the 500 page's tests."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("resident@example.org broke it")


urlpatterns = [path("boom", boom), *portal_urlpatterns]
handler500 = "portal.views.server_error"
