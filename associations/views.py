"""Views of the registry: thin. Parse the request, check access (permissions.py), call one
service or selector, render. State changes only on POST (CSRF)."""

import json
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations import permissions, selectors
from associations.acting import acting_association, set_acting_association
from associations.calendar import event_feed_item, events_data_version, events_feed
from associations.forms import ActingForForm, AssociationProfileForm, ClaimForm, EventForm, MemberRoleForm
from associations.jsonld import event_jsonld, organization_jsonld
from associations.models import Association, Event, Membership
from associations.opendata import export_columns, export_row
from associations.search import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG, search_associations
from associations.services import events, memberships, registry
from associations.tokens import association_id_from_token
from portal import csvexport
from portal.datacache import cached_page
from portal.forms import ReasonForm
from portal.ical import calendar_feed

PAGE_SIZE = 20
EVENTS_PAGE_SIZE = 20


def _page(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    known = getattr(queryset, "known_count", None)  # counted already (the search), not asked again
    if known is not None:
        paginator.count = known
    return paginator.get_page(request.GET.get("page"))


def _validation_messages(request, exc):
    for message in exc.messages:
        messages.error(request, message)


def _add_form_errors(form, exc):
    """Put a service's ValidationError on the form (field errors where it names a field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Directory and profile ------------------------------------------------------------------
@require_GET
def directory(request):
    """The public registry: filters and search in the URL, relevance then name, 20 a page."""
    filterset = selectors.association_directory(params=request.GET)
    page = _page(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "associations/association_list.html",
        {
            "filter": filterset,
            "page": page,
            "associations": page.object_list,
            "cards": selectors.directory_cards(page.object_list),
            "filters_active": any(v for k, v in request.GET.items() if k not in {"q", "page"}),
            "searching": bool(filterset.form.is_valid() and filterset.form.cleaned_data.get("q")),
            "breadcrumbs": [(_("Associations"), "")],
        },
    )


def _export_filterset(request):
    filterset = selectors.association_directory(params=request.GET)
    if not filterset.is_valid():
        return filterset, None
    return filterset, selectors.association_export_queryset(filterset)


class _Echo:
    def write(self, value):
        return value


@require_GET
def directory_csv(request):
    """Open data: the public registry as CSV with the directory's filters, public fields only."""
    filterset, rows = _export_filterset(request)
    if rows is None:
        return HttpResponse(
            "\n".join(str(m) for errors in filterset.errors.values() for m in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    writer = csvexport.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM, so a spreadsheet opens it as UTF-8
        yield writer.writerow(export_columns())
        for association in rows.iterator(chunk_size=500):
            record = export_row(association, base_url=settings.SITE_URL)
            yield writer.writerow(["; ".join(v) if isinstance(v, list) else v for v in record.values()])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="associations.csv"'
    return response


@require_GET
def directory_json(request):
    """Open data: the public registry as JSON with the directory's filters, public fields only."""
    filterset, rows = _export_filterset(request)
    if rows is None:
        return HttpResponse(
            json.dumps({"errors": filterset.errors.get_json_data()}), status=400, content_type="application/json"
        )

    def chunks():
        yield '{"generated": ' + json.dumps(timezone.now().isoformat()) + ', "associations": ['
        first = True
        for association in rows.iterator(chunk_size=500):
            yield ("" if first else ",") + json.dumps(
                export_row(association, base_url=settings.SITE_URL), ensure_ascii=False
            )
            first = False
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")


@require_GET
def detail(request, slug):
    association = selectors.association_profile(slug=slug, user=request.user)
    if association is None:
        raise Http404(_("No such association."))
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(association=association, user=request.user).first()
    represents = membership is not None and membership.state == Membership.State.APPROVED
    return render(
        request,
        "associations/association_detail.html",
        {
            "association": association,
            "events": selectors.association_public_events(association),
            "agreements": selectors.association_public_agreements(association),
            "membership": membership,
            "represents": represents,
            "is_admin": represents and membership.role == Membership.Role.ADMIN,
            "own_events": list(association.events.order_by("-start_date")[:20]) if represents else [],
            "jsonld": organization_jsonld(association, base_url=settings.SITE_URL)
            if association.is_publicly_visible
            else None,
            "breadcrumbs": [(_("Associations"), reverse("associations:directory")), (association.name, "")],
        },
    )


def _serve(fieldfile, *, public, attachment_name=None):
    """Stream an upload. Public files of public objects may be cached; others never."""
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404("missing file")
    content_type = mimetypes.guess_type(PurePosixPath(fieldfile.name).name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    if attachment_name:
        response["Content-Disposition"] = f'inline; filename="{attachment_name}"'
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def logo(request, slug):
    association = permissions.association_visible_to(request.user, slug)
    if not association.logo:
        raise Http404("no logo")
    return _serve(association.logo, public=association.is_publicly_visible)


# --- Representatives ------------------------------------------------------------------------
@login_required
@require_GET
def represent(request):
    """ "I represent an association": find the entry and claim it, or create a new one."""
    query = request.GET.get("q", "")
    results, error = [], ""
    if len(query) > SEARCH_MAX_LENGTH:
        error = SEARCH_TOO_LONG % {"limit_value": SEARCH_MAX_LENGTH}
    elif query.strip():
        queryset = Association.objects.claimable()
        results = list(search_associations(queryset, query)[:20])
    return render(
        request,
        "associations/represent.html",
        {
            "query": query,
            "error": error,
            "results": results,
            "memberships": selectors.user_memberships(request.user),
            "breadcrumbs": [(_("Associations"), reverse("associations:directory")), (_("I represent"), "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, slug):
    association = get_object_or_404(Association.objects.claimable(), slug=slug)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            memberships.membership_claim(
                user=request.user, association=association, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request to represent %(name)s was sent. You will get an e-mail when it is decided.")
                % {"name": association.name},
            )
            return redirect("associations:represent")
    return render(
        request,
        "associations/claim_form.html",
        {
            "association": association,
            "form": form,
            "breadcrumbs": [
                (_("Associations"), reverse("associations:directory")),
                (_("I represent"), reverse("associations:represent")),
                (association.name, ""),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """A new entry: it waits for staff moderation before it is public."""
    form = AssociationProfileForm(request.POST or None, request.FILES or None, instance=Association())
    if request.method == "POST" and form.is_valid():
        try:
            association = registry.association_create(user=request.user, data=form.service_data(), logo=form.new_logo)
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was added. Staff check new entries before they are public; you will get an e-mail.")
                % {"name": association.name},
            )
            return redirect(association.get_absolute_url())
    return render(
        request,
        "associations/association_form.html",
        {
            "form": form,
            "creating": True,
            "breadcrumbs": [
                (_("Associations"), reverse("associations:directory")),
                (_("I represent"), reverse("associations:represent")),
                (_("New association"), ""),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def acting_for(request):
    """Choose which association to act for (the header's chooser posts here)."""
    form = ActingForForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        set_acting_association(request, form.cleaned_data["association"])
        messages.success(request, _("You now act for %(name)s.") % {"name": form.cleaned_data["association"].name})
        return HttpResponseRedirect(_safe_next(request, reverse("associations:represent")))
    return render(
        request,
        "associations/acting_for.html",
        {
            "form": form,
            "current": acting_association(request),
            "next": _safe_next(request, ""),
            "breadcrumbs": [(_("Associations"), reverse("associations:directory")), (_("I act for"), "")],
        },
    )


# --- Self-service profile -------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    association = permissions.association_for_representative(request.user, slug)
    # The form works on a copy: an invalid submission must not show as the page's title.
    form = AssociationProfileForm(
        request.POST or None, request.FILES or None, instance=Association.objects.get(pk=association.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            registry.association_update_profile(
                association=association,
                user=request.user,
                data=form.service_data(),
                logo=form.new_logo,
                clear_logo=form.clear_logo,
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("The profile was saved and is public now."))
            return redirect(association.get_absolute_url())
    return render(
        request,
        "associations/association_form.html",
        {
            "form": form,
            "association": association,
            "breadcrumbs": [
                (_("Associations"), reverse("associations:directory")),
                (association.name, association.get_absolute_url()),
                (_("Edit the profile"), ""),
            ],
        },
    )


@login_required
@require_POST
def confirm(request, slug):
    association = permissions.association_for_representative(request.user, slug)
    registry.association_confirm_current(association=association, user=request.user)
    messages.success(request, _("Thank you. The profile is marked as current."))
    return redirect(association.get_absolute_url())


@require_http_methods(["GET", "POST"])
def confirm_token(request, token):
    """The yearly reminder's link: works without signing in; confirming needs a POST."""
    association_id = association_id_from_token(token)
    association = Association.objects.filter(pk=association_id).first() if association_id else None
    if association is None:
        return render(request, "associations/confirm_token.html", {"invalid": True}, status=400)
    if request.method == "POST":
        registry.association_confirm_current(association=association, user=None)
        messages.success(request, _("Thank you. The profile is marked as current."))
        return render(request, "associations/confirm_token.html", {"association": association, "done": True})
    return render(request, "associations/confirm_token.html", {"association": association})


# --- Members --------------------------------------------------------------------------------
@login_required
@require_GET
def members(request, slug):
    association = permissions.association_for_admin(request.user, slug)
    return render(
        request,
        "associations/membership_list.html",
        {
            "association": association,
            "memberships": selectors.membership_list(association),
            "role_choices": Membership.Role.choices,
            "breadcrumbs": [
                (_("Associations"), reverse("associations:directory")),
                (association.name, association.get_absolute_url()),
                (_("Representatives"), ""),
            ],
        },
    )


def _member_action(request, slug, pk, action):
    association = permissions.association_for_admin(request.user, slug)
    membership = permissions.membership_of(association, pk)
    try:
        action(association, membership)
    except ValidationError as exc:
        _validation_messages(request, exc)
    except PermissionDenied:
        raise
    return redirect("associations:members", slug=association.slug)


@login_required
@require_POST
def member_approve(request, slug, pk):
    def action(association, membership):
        memberships.membership_approve(membership=membership, user=request.user)
        messages.success(request, _("%(email)s now represents the association.") % {"email": membership.user.email})

    return _member_action(request, slug, pk, action)


@login_required
@require_http_methods(["GET", "POST"])
def member_reject(request, slug, pk):
    association = permissions.association_for_admin(request.user, slug)
    membership = permissions.membership_of(association, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            memberships.membership_reject(membership=membership, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("The request was rejected and the applicant told why."))
            return redirect("associations:members", slug=association.slug)
    return render(
        request,
        "associations/membership_reject.html",
        {
            "association": association,
            "membership": membership,
            "form": form,
            "breadcrumbs": [
                (association.name, association.get_absolute_url()),
                (_("Representatives"), reverse("associations:members", kwargs={"slug": association.slug})),
                (_("Reject"), ""),
            ],
        },
    )


@login_required
@require_POST
def member_role(request, slug, pk):
    form = MemberRoleForm(request.POST)

    def action(association, membership):
        if not form.is_valid():
            raise ValidationError(_("Choose a role."))
        memberships.membership_change_role(membership=membership, user=request.user, role=form.cleaned_data["role"])
        messages.success(request, _("The role was changed."))

    return _member_action(request, slug, pk, action)


@login_required
@require_POST
def member_remove(request, slug, pk):
    def action(association, membership):
        memberships.membership_remove(membership=membership, user=request.user)
        messages.success(
            request, _("%(email)s no longer represents the association.") % {"email": membership.user.email}
        )

    return _member_action(request, slug, pk, action)


@login_required
@require_POST
def leave(request, slug):
    """A representative stops representing the association themselves."""
    association = permissions.association_for_representative(request.user, slug)
    membership = Membership.objects.get(association=association, user=request.user)
    try:
        memberships.membership_remove(membership=membership, user=request.user)
    except ValidationError as exc:
        _validation_messages(request, exc)
        return redirect(association.get_absolute_url())
    messages.success(request, _("You no longer represent %(name)s.") % {"name": association.name})
    return redirect("associations:represent")


# --- Events ---------------------------------------------------------------------------------
@require_GET
def event_list(request):
    today = timezone.localdate()
    filterset = selectors.event_list(params=request.GET, today=today)
    params = request.GET.copy()
    params.pop("page", None)
    if params:  # filtered: the filters may read other tables (fields of activity, areas)
        page = _page(request, filterset.qs, EVENTS_PAGE_SIZE)
    else:  # the upcoming events everybody opens: kept under the events' data version and the day
        page = cached_page(
            "associations:event-list",
            (events_data_version(), today.isoformat()),
            filterset.qs,
            request.GET.get("page"),
            per_page=EVENTS_PAGE_SIZE,
        )
    feed_path = reverse("associations:event-ical") + (f"?{params.urlencode()}" if params else "")
    return render(
        request,
        "associations/event_list.html",
        {
            "filter": filterset,
            "page": page,
            "events": page.object_list,
            "filtered": bool(params),
            **feed_addresses(request, feed_path),
            "breadcrumbs": [(_("Events"), "")],
        },
    )


@require_GET
def event_ical(request):
    """The published events as iCalendar, with the list's filters: upcoming by default (a
    ``start`` date reaches back), at most 1,000 nearest first; cached until an event changes."""
    body = events_feed(request.GET, name=_("Association events – %(city)s") % {"city": settings.CITY_PROFILE["name"]})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def feed_addresses(request, path):
    """The address a calendar app subscribes to, on the host the visitor reached (so a
    ``make run HOST=…`` link works too), and the same as a ``webcal://`` link."""
    feed_url = request.build_absolute_uri(path)
    return {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]}


@require_GET
def event_ics(request, pk):
    """One event as an iCalendar file ("add to my calendar")."""
    event = permissions.event_visible_to(request.user, pk)
    body = calendar_feed([event_feed_item(event)], name=event.title, product="associations")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_GET
def event_detail(request, pk):
    event = permissions.event_visible_to(request.user, pk)
    published = event.moderation_state == Event.ModerationState.APPROVED and event.association.is_publicly_visible
    return render(
        request,
        "associations/event_detail.html",
        {
            "event": event,
            "published": published,
            "can_edit": request.user.is_authenticated
            and Association.objects.represented_by(request.user).filter(pk=event.association_id).exists(),
            "jsonld": event_jsonld(event, base_url=settings.SITE_URL) if published else None,
            "breadcrumbs": [(_("Events"), reverse("associations:event-list")), (event.title, "")],
        },
    )


@require_GET
def event_poster(request, pk):
    event = permissions.event_visible_to(request.user, pk)
    if not event.poster:
        raise Http404("no poster")
    published = event.moderation_state == Event.ModerationState.APPROVED and event.association.is_publicly_visible
    return _serve(event.poster, public=published)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    """Post an event for the association the user acts for."""
    association = acting_association(request)
    if association is None:
        if Association.objects.represented_by(request.user).exists():
            messages.info(request, _("Choose first which association you act for."))
            return redirect(f"{reverse('associations:acting-for')}?next={request.path}")
        messages.info(request, _("To post events, first tell us which association you represent."))
        return redirect("associations:represent")
    form = EventForm(request.POST or None, request.FILES or None, instance=Event(association=association))
    if request.method == "POST" and form.is_valid():
        try:
            event = events.event_create(
                association=association, user=request.user, data=form.service_data(), poster=form.new_poster
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("The event was sent. It is public once staff have checked it."))
            return redirect(event.get_absolute_url())
    return render(
        request,
        "associations/event_form.html",
        {
            "form": form,
            "association": association,
            "breadcrumbs": [(_("Events"), reverse("associations:event-list")), (_("New event"), "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = permissions.event_for_representative(request.user, pk)
    form = EventForm(request.POST or None, request.FILES or None, instance=Event.objects.get(pk=event.pk))
    if request.method == "POST" and form.is_valid():
        try:
            events.event_update(
                event=event,
                user=request.user,
                data=form.service_data(),
                poster=form.new_poster,
                clear_poster=form.clear_poster,
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("The event was saved. Staff check the changes before they are public."))
            return redirect(event.get_absolute_url())
    return render(
        request,
        "associations/event_form.html",
        {
            "form": form,
            "event": event,
            "association": event.association,
            "breadcrumbs": [
                (_("Events"), reverse("associations:event-list")),
                (event.title, event.get_absolute_url()),
                (_("Edit"), ""),
            ],
        },
    )


@login_required
@require_POST
def event_delete(request, pk):
    event = permissions.event_for_representative(request.user, pk)
    association = event.association
    events.event_delete(event=event, user=request.user)
    messages.success(request, _("The event was deleted."))
    return redirect(association.get_absolute_url())


# --- Partnership agreements -----------------------------------------------------------------
@require_GET
def agreement_list(request):
    agreements = selectors.agreements_valid_public()
    return render(
        request,
        "associations/agreement_list.html",
        {"agreements": agreements, "breadcrumbs": [(_("Partnership agreements"), "")]},
    )


@require_GET
def agreement_detail(request, pk):
    agreement = permissions.agreement_visible_to(request.user, pk)
    return render(
        request,
        "associations/agreement_detail.html",
        {
            "agreement": agreement,
            "is_valid_now": agreement.is_valid_on(timezone.localdate()),
            "breadcrumbs": [
                (_("Partnership agreements"), reverse("associations:agreement-list")),
                (agreement.title, ""),
            ],
        },
    )


@require_GET
def agreement_document(request, pk):
    agreement = permissions.agreement_visible_to(request.user, pk)
    if not agreement.document:
        raise Http404("no document")
    public = agreement.is_public and agreement.association.is_publicly_visible
    return _serve(agreement.document, public=public, attachment_name=f"agreement-{agreement.pk}.pdf")
