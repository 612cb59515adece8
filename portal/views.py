"""Public pages of the portal core: home, contact directory, content pages, forums and networks."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from portal import filters
from portal.forms import describe_errors
from portal.models import Forum, Page
from portal.navigation import MAIN_NAV
from portal.registries import home_sections, my_data_parts, my_sections
from portal.services import account_deletion

# What each main service is for, shown on the front page's cards. Keyed by the URL names of
# portal.navigation.MAIN_NAV (each of which must reverse).
SERVICE_DESCRIPTIONS = {
    "associations:directory": gettext_lazy("Find associations by field of activity, area of the city and age group."),
    "associations:event-list": gettext_lazy("Events and activities that associations organise."),
    "grants:round-list": gettext_lazy("Open grant calls, how to apply and report, and the decisions made."),
    "facilities:facility-list": gettext_lazy("City premises associations can book, and their free times."),
    "annualclock:year": gettext_lazy(
        "The year of cooperation month by month: meetings, grant periods and newsletters."
    ),
    "associations:agreement-list": gettext_lazy("Valid partnership agreements between the city and associations."),
    "associations:hearing-list": gettext_lazy(
        "The city asks associations about drafts, decisions and development work: answer, and see what was heard."
    ),
    "associations:cooperation:index": gettext_lazy(
        "Joint projects, requests to the city (letters of recommendation, patronage, city events)"
        " and local initiatives."
    ),
    "newsletter:archive": gettext_lazy("The association newsletter four times a year: subscribe or read past issues."),
}


def _services():
    services = []
    for url_name, label in MAIN_NAV:
        services.append(
            {"url": reverse(url_name), "label": label, "description": SERVICE_DESCRIPTIONS.get(url_name, "")}
        )
    services += [
        {
            "url": reverse("portal:contacts"),
            "label": _("Who do I ask?"),
            "description": _("The city's contact persons for associations, by topic and department."),
        },
        {
            "url": reverse("portal:forums"),
            "label": _("Forums and networks"),
            "description": _("The cooperation working group, the sports clubs' parliament and the city's networks."),
        },
    ]
    return services


def home(request):
    """The front page: welcome, the main services, and the blocks other apps register."""
    sections = [
        (key, render_to_string(template_name, context, request=request))
        for key, template_name, context in home_sections(request)
    ]
    return render(
        request,
        "portal/home.html",
        {"services": _services(), "sections": sections, "facilities_open": _resolves("facilities:facility-list")},
    )


def _resolves(url_name) -> bool:
    """Whether a service has pages yet: the texts mention only what a visitor can open."""
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


@cache_control(max_age=86400, public=True)
def favicon(request):
    """``/favicon.ico``: a redirect to the city's logo (an SVG every current browser shows as the icon)."""
    return HttpResponseRedirect(static(settings.CITY_PROFILE["logo"]))


@cache_control(max_age=3600, public=True)
def city_css(request):
    """The city's colours as CSS custom properties (a file, so CSP can forbid inline styles)."""
    css = render_to_string("portal/city.css", {"colours": settings.CITY_PROFILE["colours"]})
    return HttpResponse(css, content_type="text/css")


def contact_list(request):
    """ "Who do I ask about …": the public directory, filtered by topic and department (GET)."""
    filterset, contacts = filters.contact_directory(data=request.GET)
    describe_errors(filterset.form)
    return render(
        request,
        "portal/contact_list.html",
        {
            "filter": filterset,
            "contacts": contacts,
            "content_language": settings.LANGUAGE_CODE,
            "breadcrumbs": [(_("Who do I ask?"), "")],
        },
    )


def forum_list(request):
    """Cooperation bodies, then networks. Their texts are written in the site's default language
    (``content_language``), which the templates mark with ``lang`` for screen readers."""
    forums = list(filters.forum_list())
    return render(
        request,
        "portal/forum_list.html",
        {
            "bodies": [forum for forum in forums if forum.kind != Forum.Kind.NETWORK],
            "networks": [forum for forum in forums if forum.kind == Forum.Kind.NETWORK],
            "content_language": settings.LANGUAGE_CODE,
            "breadcrumbs": [(_("Forums and networks"), "")],
        },
    )


def forum_detail(request, slug):
    forum = filters.forum_list().filter(slug=slug).first()
    if forum is None:
        return not_found(request, message=_("There is no such cooperation forum or network."))
    return render(
        request,
        "portal/forum_detail.html",
        {
            "forum": forum,
            "content_language": settings.LANGUAGE_CODE,
            "breadcrumbs": [(_("Forums and networks"), reverse("portal:forums")), (forum.name, "")],
        },
    )


def page_detail(request, slug):
    """A content page in the current language, else in the site's default language, else any."""
    language = translation.get_language()
    candidates = {page.language: page for page in Page.objects.filter(slug=slug)}
    page = candidates.get(language) or candidates.get(settings.LANGUAGE_CODE) or next(iter(candidates.values()), None)
    if page is None:
        return not_found(request, message=_("There is no such page."))
    return render(
        request,
        "portal/page_detail.html",
        {
            "page": page,
            "is_fallback": page.language != language,
            "breadcrumbs": [(page.title, "")],
        },
    )


def not_found(request, *, message):
    """A friendly 404: say what is missing and offer the ways on."""
    return render(
        request,
        "portal/not_found.html",
        {"message": message, "breadcrumbs": [(_("Page not found"), "")]},
        status=404,
    )


def healthz(request):
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request):
    """The site-wide 500 (``handler500``): the portal's own page, in the layout and the visitor's
    language, with the request id to quote when reporting it; if even that fails (the database
    is down), a plain page says the same."""
    request_id = getattr(request, "request_id", "")
    try:
        return render(request, "500.html", {"request_id": request_id}, status=500)
    except Exception:  # noqa: BLE001 - the error page must answer whatever broke
        html = render_to_string("500-plain.html", {"request_id": request_id})
        return HttpResponse(html, status=500)


def page_not_found(request, exception=None):
    """The site-wide 404 (``handler404``): the same friendly page as a missing content page."""
    return not_found(request, message=_("The page you were looking for is not here. It may have moved."))


# --- My associations: the signed-in person's own page, their data, deleting the account ------
@login_required
@require_GET
def my_page(request):
    """ "My associations": what I represent, what waits for me; apps add blocks (``my_section``)."""
    sections = [
        (key, render_to_string(template_name, context, request=request))
        for key, template_name, context in my_sections(request)
    ]
    return render(
        request,
        "portal/my_page.html",
        {"sections": sections, "breadcrumbs": [(_("My associations"), "")]},
    )


@login_required
@require_GET
def my_data_download(request):
    """Everything the portal holds about me, as one JSON file (GDPR art. 15 and 20)."""
    data = {
        "portal": settings.CITY_PROFILE["portal_name"],
        "generated_at": timezone.now().isoformat(),
        "data": my_data_parts(request.user),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_account_delete(request):
    """Delete my account: a page that says what happens, then a POST with a ticked box."""
    error = ""
    if request.method == "POST":
        try:
            kept = account_deletion.account_delete(user=request.user, confirmed=request.POST.get("confirm") == "yes")
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            logout(request)
            return render(request, "portal/account_deleted.html", {"kept": kept})
    return render(
        request,
        "portal/account_delete.html",
        {
            "error": error,
            "staff": request.user.is_staff or request.user.is_superuser,
            "breadcrumbs": [(_("My associations"), reverse("portal:mine")), (_("Delete my account"), "")],
        },
        status=400 if error else 200,
    )
