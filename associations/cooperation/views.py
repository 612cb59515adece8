"""Views of the forms of cooperation: thin. Parse the request, check access (``permissions``),
call one service or selector, render. State changes only on POST.

Public: joint projects, the city's events that take sign-ups, local initiatives with their
decisions and the published criteria. Signed in: a representative's requests to the city (for the
association they act for), the sign-up for a city event, a resident's own initiatives.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.acting import acting_association
from associations.cooperation import permissions, selectors, services
from associations.cooperation.forms import CityRequestForm, LocalInitiativeForm, SignupForm
from associations.cooperation.letters import request_letter_make
from associations.cooperation.models import CityRequest, RequestKind
from portal.forms import describe_errors


def _crumbs(*rest):
    return [(_("Cooperation"), reverse("associations:cooperation:index")), *rest]


def _apply_errors(form, exc):
    """Put a service's refusal on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
    describe_errors(form)


@require_GET
def index(request):
    """The forms of cooperation in one place: what exists and how to take part."""
    association = acting_association(request)
    return render(
        request,
        "associations/cooperation/index.html",
        {
            "acting": association,
            "projects": list(selectors.joint_projects_public()[:5]),
            "events": list(selectors.city_events_open()[:5]),
            "initiatives": list(selectors.initiatives_public()[:5]),
            "breadcrumbs": [(_("Cooperation"), "")],
        },
    )


# --- Joint projects --------------------------------------------------------------------------
@require_GET
def project_list(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1900 < int(year) < 2200 else None
    return render(
        request,
        "associations/cooperation/jointproject_list.html",
        {
            "projects": selectors.joint_projects_public(year=year),
            "years": selectors.joint_project_years(),
            "year": year,
            "breadcrumbs": _crumbs((_("Joint projects"), "")),
        },
    )


@require_GET
def project_detail(request, pk):
    project = permissions.project_visible_to(request.user, pk)
    return render(
        request,
        "associations/cooperation/jointproject_detail.html",
        {
            "project": project,
            "partners": project.partners.public().order_by("name"),
            "breadcrumbs": _crumbs(
                (_("Joint projects"), reverse("associations:cooperation:project-list")), (project.title, "")
            ),
        },
    )


# --- Requests to the city --------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    association = acting_association(request)
    if association is None:
        messages.error(request, _("Choose the association you act for first."))
        return redirect(f"{reverse('associations:acting-for')}?next={request.path}")
    initial_kind = request.GET.get("kind", "")
    form = CityRequestForm(
        request.POST or None,
        initial={"kind": initial_kind} if initial_kind in {k.value for k in services.FORM_KINDS} else {},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                city_request = services.city_request_submit(
                    association=association,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    data=form.service_data(),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your request was sent. You will get the answer by e-mail."))
                return redirect(city_request)
        describe_errors(form)
        status = 400
    handlers = {kind: services.handler_for(kind) for kind in services.FORM_KINDS}
    return render(
        request,
        "associations/cooperation/cityrequest_form.html",
        {
            "form": form,
            "acting": association,
            "handlers": [(RequestKind(kind).label, contact) for kind, contact in handlers.items()],
            "breadcrumbs": _crumbs((_("Request to the city"), "")),
        },
        status=status,
    )


@login_required
@require_GET
def request_detail(request, pk):
    city_request = permissions.request_visible_to(request.user, pk)
    return render(
        request,
        "associations/cooperation/cityrequest_detail.html",
        {
            "city_request": city_request,
            "can_withdraw": city_request.is_open and permissions._represents(request.user, city_request.association_id),
            "breadcrumbs": _crumbs((city_request.title, "")),
        },
    )


@login_required
@require_POST
def request_withdraw(request, pk):
    city_request = permissions.request_for_representative(request.user, pk)
    try:
        services.city_request_withdraw(city_request=city_request, user=request.user)
        messages.success(request, _("The request was withdrawn."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(city_request)


@login_required
@require_GET
def request_letter(request, pk):
    """The letter (PDF) to the association's representatives and staff. Made now if the worker
    has not made it yet (the broker was down), so a granted letter is never lost."""
    city_request = permissions.request_visible_to(request.user, pk)
    if city_request.state != CityRequest.State.GRANTED or not city_request.is_letter:
        raise Http404("no letter")
    if not city_request.letter:
        city_request = request_letter_make(request_id=city_request.pk)
    try:
        handle = city_request.letter.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("no letter") from None
    response = FileResponse(handle, content_type="application/pdf", filename=f"letter-{city_request.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- City events -----------------------------------------------------------------------------
@require_GET
def event_list(request):
    return render(
        request,
        "associations/cooperation/cityevent_list.html",
        {
            "events": selectors.city_events_published(),
            "breadcrumbs": _crumbs((_("City events"), "")),
        },
    )


@require_http_methods(["GET", "POST"])
def event_detail(request, pk):
    event = permissions.city_event_visible_to(request.user, pk)
    association = acting_association(request)
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if association is None:
            messages.error(request, _("Choose the association you act for first."))
            return redirect(f"{reverse('associations:acting-for')}?next={request.path}")
        if form.is_valid():
            try:
                signup = services.city_event_signup(
                    city_event=event,
                    association=association,
                    user=request.user,
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, _("Your association signed up. The city will confirm by e-mail."))
                return redirect(signup)
        describe_errors(form)
        status = 400
    return render(
        request,
        "associations/cooperation/cityevent_detail.html",
        {
            "event": event,
            "form": form,
            "acting": association,
            "participants": selectors.event_participants(event),
            "signup_open": event.signup_until >= timezone.localdate(),
            "breadcrumbs": _crumbs(
                (_("City events"), reverse("associations:cooperation:event-list")), (event.title, "")
            ),
        },
        status=status,
    )


# --- Local initiatives -----------------------------------------------------------------------
@require_GET
def initiative_list(request):
    mine = list(selectors.initiatives_of_user(request.user)) if request.user.is_authenticated else []
    return render(
        request,
        "associations/cooperation/localinitiative_list.html",
        {
            "initiatives": selectors.initiatives_public(),
            "criteria": selectors.initiative_criteria(),
            "mine": mine,
            "breadcrumbs": _crumbs((_("Local initiatives"), "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request):
    form = LocalInitiativeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                initiative = services.local_initiative_submit(user=request.user, data=form.service_data())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your initiative was sent. Staff assess it by the published criteria."))
                return redirect(initiative)
        describe_errors(form)
        status = 400
    return render(
        request,
        "associations/cooperation/localinitiative_form.html",
        {
            "form": form,
            "criteria": selectors.initiative_criteria(),
            "breadcrumbs": _crumbs(
                (_("Local initiatives"), reverse("associations:cooperation:initiative-list")),
                (_("Propose an initiative"), ""),
            ),
        },
        status=status,
    )


@require_GET
def initiative_detail(request, pk):
    initiative = permissions.initiative_visible_to(request.user, pk)
    return render(
        request,
        "associations/cooperation/localinitiative_detail.html",
        {
            "initiative": initiative,
            "criteria": selectors.initiative_criteria(),
            "is_proposer": request.user.is_authenticated and initiative.created_by_id == request.user.pk,
            "breadcrumbs": _crumbs(
                (_("Local initiatives"), reverse("associations:cooperation:initiative-list")), (initiative.title, "")
            ),
        },
    )


@login_required
@require_POST
def initiative_withdraw(request, pk):
    initiative = permissions.initiative_for_proposer(request.user, pk)
    try:
        services.local_initiative_withdraw(initiative=initiative, user=request.user)
        messages.success(request, _("The initiative was withdrawn."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(initiative)
