"""The steering group's dashboard and reports (thin views; the work is in selectors and services)."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import registries
from portal.programme import figures, opendata, permissions, selectors, services
from portal.programme.models import Programme, Report, Survey, SurveyResponse
from portal.programme.pdf import report_context
from portal.programme.pdf import values_csv as pdf_values_csv

REPORT_QUEUED = "The report is being generated. This page refreshes itself."
REPORT_SIGNED = "The report has been signed; its figures are frozen."
FIGURES_RECOMPUTED = gettext_noop("The computed figures have been recomputed.")
REPORT_LANGUAGES = {"pori": ["fi", "sv"], "poznan": ["pl"]}


def _programme(request):
    slug = request.GET.get("programme") or request.POST.get("programme")
    queryset = Programme.objects.all()
    if slug:
        return get_object_or_404(queryset, slug=slug)
    programme = selectors.programme_for_city(settings.CITY_PROFILE["key"]) or queryset.first()
    if programme is None:
        raise Http404
    return programme


def _year(request, programme):
    this_year = timezone.localdate().year
    default = min(max(this_year, programme.start_year), programme.end_year)
    try:
        year = int((request.POST if request.method == "POST" else request.GET).get("year", default))
    except ValueError:
        return default
    return year if programme.start_year <= year <= programme.end_year else default


def dashboard(request):
    permissions.require_steering_group(request.user)
    programme = _programme(request)
    year = _year(request, programme)
    now = timezone.now()
    with figures.cached_figures(now=now) as cached:
        body = _dashboard_body(request, programme, year, now=now, cached=cached)
    return render(
        request,
        "portal/programme/programme_dashboard.html",
        {
            "programme": programme,
            "year": year,
            "body": body,
            "computed_at": cached.computed_at,
            "refresh_minutes": figures.REFRESH_SECONDS // 60,
            "can_recompute": permissions.can_recompute(request.user),
            "reports": programme.reports.order_by("-created_at")[:10],
            "languages": REPORT_LANGUAGES.get(programme.city, [programme.language]),
        },
    )


def _dashboard_body(request, programme, year, *, now, cached):
    """The focus areas with their actions and indicators, rendered once per state of the data:
    keyed by the programme's own rows (``selectors.dashboard_data_version``), the computed
    figures' time, the year (and this year: what is preliminary), and the language."""
    state = [get_language(), str(year), str(now.year), cached.computed_at.isoformat()]
    state.append(selectors.dashboard_data_version(programme))
    digest = hashlib.sha256("|".join(state).encode()).hexdigest()
    key = f"programme:dashboard-body:v{figures.CACHE_VERSION}:{programme.pk}:{digest}"
    body = figures.cache_get(key)
    if body is None:
        overview = selectors.programme_overview(programme, year, now=now, figures=cached)
        context = {"programme": programme, "year": year, "overview": overview, "chart_prefix": "chart"}
        body = render_to_string("portal/programme/_dashboard_body.html", context, request=request)
        figures.cache_set(key, body)
    return mark_safe(body)  # noqa: S308 — our own template's output, escaped when rendered


@require_POST
def figures_recompute(request):
    """The secretary's "recompute now": the computed figures afresh, then back to the dashboard."""
    permissions.require_steering_group(request.user)
    if not permissions.can_recompute(request.user):
        raise Http404
    programme = _programme(request)
    services.programme_figures_recompute(programme=programme, user=request.user, language=get_language())
    messages.success(request, _(FIGURES_RECOMPUTED))
    query = urlencode({"programme": programme.slug, "year": _year(request, programme)})
    return redirect(f"{reverse('portal:programme-dashboard')}?{query}")


@require_POST
def report_request(request):
    permissions.require_steering_group(request.user)
    programme = _programme(request)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    languages = REPORT_LANGUAGES.get(programme.city, [programme.language])
    language = request.POST.get("language") if request.POST.get("language") in languages else languages[0]
    if year is None or not programme.start_year <= year <= programme.end_year:
        messages.error(request, _("Choose a year of the programme."))
        return redirect("portal:programme-dashboard")
    report = services.report_request(programme=programme, year=year, user=request.user, language=language)
    messages.info(request, _(REPORT_QUEUED))
    return redirect("portal:programme-report", pk=report.pk)


def report_detail(request, pk):
    report = permissions.report_for_steering_group(request.user, pk)
    context = report_context(report) if report.snapshot else {"report": report, "errata": []}
    context.update(
        {
            "refresh": report.state in (Report.State.QUEUED, Report.State.RUNNING),
            "can_sign": permissions.can_sign(request.user) and report.signed_at is None,
            "chart_prefix": "chart",
            "year": report.year,
        }
    )
    template = "portal/programme/report_progress.html"
    if request.htmx and context["refresh"]:
        template = "portal/programme/_report_status.html"
    return render(request, template, context)


def report_pdf(request, pk):
    report = permissions.report_for_steering_group(request.user, pk)
    if not report.pdf:
        raise Http404
    return FileResponse(report.pdf.open("rb"), as_attachment=True, filename=report.pdf.name.rsplit("/", 1)[-1])


@require_POST
def report_sign(request, pk):
    report = permissions.report_for_steering_group(request.user, pk)
    if not permissions.can_sign(request.user):
        raise Http404
    try:
        services.report_sign(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _(REPORT_SIGNED))
    return redirect("portal:programme-report", pk=report.pk)


SURVEY_THANKS = "Thank you. Your association's answers have been saved."
SURVEY_NO_ASSOCIATION = "Choose the association you answer for first."


def survey_list(request):
    """Open surveys for association representatives (seed 000: associations are heard by surveys)."""
    association = registries.acting_association(request)
    if association is None:
        raise Http404
    today = timezone.localdate()
    surveys = Survey.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("focus_area")
    answered = set(
        SurveyResponse.objects.filter(association_id=association.pk, survey__in=surveys).values_list(
            "survey_id", flat=True
        )
    )
    return render(
        request,
        "portal/programme/survey_list.html",
        {"surveys": surveys, "answered": answered, "association": association},
    )


def survey_answer(request, pk):
    association = registries.acting_association(request)
    if association is None:
        raise Http404
    today = timezone.localdate()
    survey = get_object_or_404(
        Survey.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("focus_area"), pk=pk
    )
    questions = list(survey.questions.all())
    already = SurveyResponse.objects.filter(survey=survey, association_id=association.pk).exists()
    error = None
    if request.method == "POST" and not already:
        answers = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            services.survey_respond(survey=survey, association_id=association.pk, user=request.user, answers=answers)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _(SURVEY_THANKS))
            return redirect("portal:programme-surveys")
    return render(
        request,
        "portal/programme/survey_answer.html",
        {
            "survey": survey,
            "questions": questions,
            "already": already,
            "association": association,
            "error": error,
            "scale": range(1, 6),
            "posted": request.POST if request.method == "POST" else {},
        },
        status=400 if error else 200,
    )


def values_csv(request):
    """All indicator values of the programme up to this year, as CSV (open data for the steering group)."""
    permissions.require_steering_group(request.user)
    programme = _programme(request)
    year = min(max(timezone.localdate().year, programme.start_year), programme.end_year)
    overview = selectors.programme_overview(programme, year)
    response = HttpResponse(pdf_values_csv(overview), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-indicator-values.csv"'
    return response


def values_import(request):
    permissions.require_steering_group(request.user)
    programme = _programme(request)
    result, error = None, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV file.")
        elif upload.size > 2 * 1024 * 1024:
            error = _("The file is larger than 2 MB.")
        else:
            try:
                result = services.indicator_values_import(programme=programme, file=upload, user=request.user)
            except ValidationError as exc:
                error = exc.messages[0]
    return render(
        request,
        "portal/programme/values_import.html",
        {
            "programme": programme,
            "result": result,
            "error": error,
            "manual": programme_manual_indicators(programme),
        },
        status=400 if error else 200,
    )


def programme_manual_indicators(programme):
    from portal.programme.models import Indicator

    return Indicator.objects.filter(focus_area__programme=programme, source=Indicator.Source.MANUAL).order_by(
        "focus_area__order", "order"
    )


def _published_programme(slug):
    return get_object_or_404(Programme, slug=slug)


def open_datapackage(request, slug):
    """Public: the data package descriptor of the signed indicator values (Frictionless)."""
    programme = _published_programme(slug)
    descriptor = opendata.datapackage(programme, homepage=request.build_absolute_uri(request.path))
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_values_csv(request, slug):
    """Public: the signed indicator values as CSV (the data package's one resource)."""
    programme = _published_programme(slug)
    response = HttpResponse(opendata.values_csv(programme), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{opendata.CSV_NAME}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
