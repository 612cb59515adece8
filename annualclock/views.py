import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annualclock import permissions, selectors
from annualclock.forms import AnswerForm, SiteAnswerForm
from annualclock.kinds import ASSOCIATION_EVENT, all_kind_styles, kind_style, known_kinds
from annualclock.models import MeetingResponse
from annualclock.services import meeting_answer_submit
from annualclock.tokens import ExpiredAnswerLink, InvalidAnswerLink, read_answer_token
from annualclock.validators import content_type_for
from annualclock.wheel import build_wheel, wheel_description
from associations.acting import acting_association
from portal.datacache import cached
from portal.ical import calendar_feed

ANSWER_LINK_INVALID = gettext_lazy(
    "This answer link is not valid. Open the link from the invitation e-mail again, or sign in and answer on "
    "the meeting's page."
)
ANSWER_LINK_EXPIRED = gettext_lazy("This link expired when the meeting started. Answers are no longer taken.")
ANSWER_NOT_SAVED = gettext_lazy("Your answer was not saved. Check the fields below.")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(year):
    if year is None:
        return timezone.localdate().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("The annual clock covers the years 2000–2100."))
    return year


def _kind_filter(request):
    kind = request.GET.get("kind", "")
    return kind if kind in known_kinds() else ""


def _year_context(request, year, *, view_name, title, plan=None, items=None):
    """``plan``: the wheel's year (association events counted by month, see ``year_plan``);
    ``items``: the items when the caller has them already (the whole year otherwise)."""
    kind = _kind_filter(request)
    if items is None:
        items = plan.items if plan is not None else selectors.year_items(year, kind=kind or None)
    query = f"?kind={kind}" if kind else ""
    return {
        "year": year,
        "kind": kind,
        "kind_label": kind_style(kind).label if kind else "",
        "items": items,
        "kind_styles": all_kind_styles(),
        "event_style": kind_style(ASSOCIATION_EVENT),
        "previous_url": reverse(view_name, kwargs={"year": year - 1}) + query if year > FIRST_YEAR else "",
        "next_url": reverse(view_name, kwargs={"year": year + 1}) + query if year < LAST_YEAR else "",
        "wheel_url": reverse("annualclock:year", kwargs={"year": year}) + query,
        "list_url": reverse("annualclock:year-list", kwargs={"year": year}) + query,
        "print_url": reverse("annualclock:year-print", kwargs={"year": year}) + query,
        "feeds": _feeds(),
        "breadcrumbs": [(_("Annual clock"), reverse("annualclock:year")), (title, "")],
    }


def _feeds():
    return [{"label": _("Everything"), "url": reverse("annualclock:ical")}] + [
        {"label": style.label, "url": reverse("annualclock:ical-kind", kwargs={"kind": style.kind}), "style": style}
        for style in all_kind_styles()
    ]


@require_GET
def year_wheel(request, year=None):
    """The year as a wheel of twelve months (``/clock/`` is this year).

    The list by month and the wheel are rendered once per data version of the calendar (every
    source's tables and the association events counted on the wheel), day and language, and kept
    in the cache (``portal.datacache``): a change anywhere shows on the next request.
    """
    year = _check_year(year)
    kind = _kind_filter(request) or None
    title = selectors.year_label(year)
    context = _year_context(request, year, view_name="annualclock:year", title=title, items=[])
    context["title"] = title

    def render_body():
        plan = selectors.year_plan(year, kind=kind)
        wheel = build_wheel(year, plan.items, list_url=context["list_url"], event_counts=plan.event_counts)
        return render_to_string(
            "annualclock/_year_wheel_body.html",
            {
                **context,
                "items": plan.items,
                "wheel": wheel,
                # On a phone the wheel's markers are too small to touch: the same items as a list come first.
                "months": selectors.items_by_month(plan.items, year, event_counts=plan.event_counts),
                "wheel_description": wheel_description(year, plan.items, event_total=plan.event_total),
            },
        )

    version = selectors.year_plan_version(kind=kind)
    if version is None:  # a calendar source that does not name its tables: never cached
        body = render_body()
    else:
        body = cached(
            "annualclock:wheel", (version, year, kind, get_language(), timezone.localdate().isoformat()), render_body
        )
    context["wheel_body"] = mark_safe(body)  # noqa: S308 - our own template's output, from the cache
    return render(request, "annualclock/year_wheel.html", context)


@require_GET
def year_list(request, year):
    year = _check_year(year)
    title = _("%(year)s as a list") % {"year": year}
    context = _year_context(request, year, view_name="annualclock:year-list", title=title)
    context["months"] = selectors.items_by_month(context["items"], year)
    context["title"] = selectors.year_label(year)
    return render(request, "annualclock/year_list.html", context)


@require_GET
def year_print(request, year):
    year = _check_year(year)
    title = _("Printable plan %(year)s") % {"year": year}
    plan = selectors.year_plan(year, kind=_kind_filter(request) or None)
    context = _year_context(request, year, view_name="annualclock:year-print", title=title, plan=plan)
    context["months"] = selectors.items_by_month(context["items"], year, event_counts=plan.event_counts)
    context["wheel"] = build_wheel(year, context["items"], list_url=context["list_url"], event_counts=plan.event_counts)
    context["wheel_description"] = wheel_description(year, context["items"], event_total=plan.event_total)
    context["title"] = selectors.year_label(year)
    return render(request, "annualclock/year_print.html", context)


@require_GET
def entry_detail(request, pk):
    entry = permissions.entry_for_viewer(request, pk)
    if hasattr(entry, "meeting"):
        return redirect(entry.meeting)
    clock_item = selectors.entry_for_display(entry)
    return render(
        request,
        "annualclock/clockentry_detail.html",
        {
            "entry": entry,
            "clock_item": clock_item,
            "breadcrumbs": [
                (_("Annual clock"), reverse("annualclock:year")),
                (str(entry.year), reverse("annualclock:year", kwargs={"year": entry.year})),
                (entry.title, ""),
            ],
        },
    )


@require_GET
def meeting_list(request):
    return render(
        request,
        "annualclock/meeting_list.html",
        {
            **selectors.meeting_list(),
            "breadcrumbs": [(_("Annual clock"), reverse("annualclock:year")), (_("Meetings"), "")],
        },
    )


def _meeting_page(request, meeting, *, form=None, status=200):
    now = timezone.now()
    association = acting_association(request)
    current = selectors.answer_for(meeting, association)
    answer_open = not meeting.has_started(now)
    if form is None and answer_open and request.user.is_authenticated:
        initial = {"association": association}
        if current is not None:
            initial.update(answer=current.answer, attendees=current.attendees or None, names=current.names)
        form = SiteAnswerForm(user=request.user, initial=initial)
        if not form.can_answer:
            form = None
    show_materials = permissions.materials_visible(request, meeting, now)
    is_staff = permissions.is_clock_staff(request.user, "annualclock.view_meeting")
    context = {
        "meeting": meeting,
        "item": selectors.ClockItem(
            item=_meeting_item(meeting), style=kind_style(meeting.kind), when=_meeting_when(meeting)
        ),
        "answer_open": answer_open,
        "is_over": meeting.is_over(now),
        "form": form,
        "acting_association": association,
        "current_answer": current,
        "places_left": selectors.places_left(meeting),
        "materials": list(meeting.materials.all()) if show_materials else [],
        "show_materials": show_materials,
        "is_staff": is_staff,
        "summary": selectors.answer_summary(meeting) if is_staff else None,
        "breadcrumbs": [
            (_("Annual clock"), reverse("annualclock:year")),
            (_("Meetings"), reverse("annualclock:meeting-list")),
            (meeting.title, ""),
        ],
    }
    return render(request, "annualclock/meeting_detail.html", context, status=status)


def _meeting_item(meeting):
    from annualclock.calendar import meeting_item

    return meeting_item(meeting)


def _meeting_when(meeting):
    return selectors.describe_when(_meeting_item(meeting))


@require_GET
def meeting_detail(request, pk):
    meeting = permissions.meeting_for_viewer(request, pk)
    return _meeting_page(request, meeting)


@require_POST
def meeting_answer(request, pk):
    """A signed-in representative answers for one of their associations.

    Signed out (say, the session expired while the form was open), the sign-in leads back to the
    meeting's page, where the form is: this address takes only POSTs.
    """
    meeting = permissions.meeting_for_viewer(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    form = SiteAnswerForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, ANSWER_NOT_SAVED)
        return _meeting_page(request, meeting, form=form, status=400)
    data = form.cleaned_data
    try:
        meeting_answer_submit(
            meeting=meeting,
            association=data["association"],
            answer=data["answer"],
            attendees=data["attendees"] or 0,
            names=data["names"],
            channel=MeetingResponse.Channel.SITE,
            user=request.user,
            email=request.user.email,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _meeting_page(request, meeting, form=form, status=400)
    messages.success(request, _answer_saved_message(data["association"], data["answer"], data["attendees"]))
    return redirect(meeting)


def _answer_saved_message(association, answer, attendees):
    if answer == MeetingResponse.Answer.ATTENDING:
        return _("Thank you. %(association)s attends with %(count)s people.") % {
            "association": association,
            "count": attendees,
        }
    return _("Thank you. %(association)s cannot attend: your answer was saved.") % {"association": association}


def _link_error(request, *, title, message, status, meeting=None):
    return render(
        request,
        "annualclock/meeting_answer_error.html",
        {"title": title, "message": message, "meeting": meeting, "breadcrumbs": [(title, "")]},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def answer_by_link(request, token):
    """The page an invitation e-mail's link opens: answer for the association, one click to send.

    GET shows the answer, preselected from the link (``?answer=attending``) — answering needs a
    POST, so mail scanners that follow links change nothing.
    """
    try:
        link = read_answer_token(token)
    except InvalidAnswerLink:
        return _link_error(
            request,
            title=_("The link does not work"),
            message=ANSWER_LINK_INVALID,
            status=400,
        )
    except ExpiredAnswerLink as exc:
        return _link_error(
            request,
            title=_("Answers are closed"),
            message=ANSWER_LINK_EXPIRED,
            status=410,
            meeting=exc.meeting,
        )
    meeting, association = link.meeting, link.association
    current = selectors.answer_for(meeting, association)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting_answer_submit(
                    meeting=meeting,
                    association=association,
                    answer=data["answer"],
                    attendees=data["attendees"] or 0,
                    names=data["names"],
                    channel=MeetingResponse.Channel.EMAIL_LINK,
                    user=request.user if request.user.is_authenticated else None,
                    email=link.email,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                status = 400
            else:
                messages.success(request, _answer_saved_message(association, data["answer"], data["attendees"]))
                return redirect(request.path)
        else:
            messages.error(request, ANSWER_NOT_SAVED)
            status = 400
    else:
        initial = {}
        if current is not None:
            initial = {"answer": current.answer, "attendees": current.attendees or None, "names": current.names}
        preselected = request.GET.get("answer")
        if preselected in MeetingResponse.Answer.values:
            initial["answer"] = preselected
        if initial.get("answer") == MeetingResponse.Answer.ATTENDING and not initial.get("attendees"):
            initial["attendees"] = 1
        form = AnswerForm(initial=initial)
    return render(
        request,
        "annualclock/meeting_answer.html",
        {
            "meeting": meeting,
            "association": association,
            "form": form,
            "current_answer": current,
            "when": _meeting_when(meeting),
            "places_left": selectors.places_left(meeting),
            "breadcrumbs": [
                (_("Annual clock"), reverse("annualclock:year")),
                (meeting.title, meeting.get_absolute_url()),
                (_("Your answer"), ""),
            ],
        },
        status=status,
    )


@require_GET
def material_download(request, meeting_pk, pk):
    material = permissions.material_for_download(request, meeting_pk, pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    filename = material.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type_for(filename))


@require_GET
def ical_feed(request, kind=None):
    """The merged calendar as iCalendar: last year, this year and next year."""
    if kind is not None and kind not in known_kinds():
        raise Http404(_("No such calendar."))
    this_year = timezone.localdate().year
    items = selectors.clock_items(dt.date(this_year - 1, 1, 1), dt.date(this_year + 2, 1, 1), kind=kind)
    name = _("Annual clock") if kind is None else f"{_('Annual clock')}: {kind_style(kind).label}"
    body = calendar_feed(
        [clock_item.item for clock_item in items],
        name=name,
        product="Annual clock",
        absolute_url=request.build_absolute_uri,
        category=lambda item: kind_style(item.kind).label,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = "annual-clock.ics" if kind is None else f"annual-clock-{kind}.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
