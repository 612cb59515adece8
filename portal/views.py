from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from portal.models import ContactPerson, Forum, Page


def home(request):
    return render(request, "portal/home.html")


@cache_control(max_age=3600, public=True)
def city_css(request):
    """The city's colours as CSS custom properties (a file, so CSP can forbid inline styles)."""
    css = render_to_string("portal/city.css", {"colours": settings.CITY_PROFILE["colours"]})
    return HttpResponse(css, content_type="text/css")


def contact_list(request):
    contacts = ContactPerson.objects.filter(is_public=True).select_related("department").prefetch_related("topics")
    return render(
        request,
        "portal/contact_list.html",
        {"contacts": contacts, "breadcrumbs": [(_("Contacts"), "")]},
    )


def forum_list(request):
    forums = Forum.objects.filter(is_active=True).select_related("department")
    return render(
        request, "portal/forum_list.html", {"forums": forums, "breadcrumbs": [(_("Forums and networks"), "")]}
    )


def forum_detail(request, slug):
    forum = get_object_or_404(Forum, slug=slug, is_active=True)
    return render(
        request,
        "portal/forum_detail.html",
        {"forum": forum, "breadcrumbs": [(_("Forums and networks"), "../"), (forum.name, "")]},
    )


def page_detail(request, slug):
    """A content page in the current language, falling back to the site's default language."""
    language = translation.get_language()
    page = (
        Page.objects.filter(slug=slug, language=language).first()
        or Page.objects.filter(slug=slug, language=settings.LANGUAGE_CODE).first()
        or Page.objects.filter(slug=slug).first()
    )
    if page is None:
        raise Http404(_("No such page."))
    return render(request, "portal/page_detail.html", {"page": page, "breadcrumbs": [(page.title, "")]})


def healthz(request):
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
