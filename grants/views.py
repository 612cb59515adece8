"""Views of the grants app: thin. Parse the request, check access (permissions.py), call one
service or selector, render. State changes only on POST (CSRF).

Public: the open calls, a call's page with everything an applicant needs, the published
decisions and their open data (360Giving-shaped JSON and CSV). Signed in: the application pages
of a representative acting for their association, and a reviewer's conflict gate and scores.
"""

import csv
import json
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.acting import acting_association
from associations.models import Association
from grants import permissions, selectors, services, workflow
from grants.models import Application, GrantRound
from grants.opendata import CSV_COLUMNS, grant_record, grant_row

DECISIONS_PAGE_SIZE = 50
ALL_YEARS = "all"  # the decision list's year filter: every year rather than the latest


class _Echo:
    def write(self, value):
        return value


def _messages_from(request, exc):
    for message in exc.messages:
        messages.error(request, message)


# --- Public ---------------------------------------------------------------------------------
@require_GET
def round_list(request):
    now = timezone.now()
    return render(
        request,
        "grants/round_list.html",
        {
            "open_rounds": list(selectors.open_rounds(now)),
            "upcoming_rounds": list(selectors.upcoming_rounds(now)),
            "breadcrumbs": [(_("Grants"), "")],
        },
    )


@require_GET
def round_detail(request, slug):
    round_ = get_object_or_404(
        GrantRound.objects.published().select_related(
            "grant_type__contact__department", "department", "form_version", "operator"
        ),
        slug=slug,
    )
    now = timezone.now()
    return render(
        request,
        "grants/round_detail.html",
        {
            "round": round_,
            "criteria": list(round_.criteria.all()),
            "is_open": round_.is_open(now),
            "not_yet_open": now < round_.opens_at,
            "acting": acting_association(request),
            "earlier": _earlier_applications(request, round_),
            "offers": list(
                round_.applications.filter(published_for_comment_at__isnull=False)
                .select_related("association")
                .order_by("-published_for_comment_at")
            )
            if round_.comment_days
            else [],
            "eligible_labels": permissions.eligible_labels(round_),
            "breadcrumbs": [(_("Grants"), reverse("grants:round-list")), (round_.title, "")],
        },
    )


def _earlier_applications(request, round_):
    association = acting_association(request)
    if association is None:
        return []
    return list(
        association.grant_applications.exclude(round=round_)
        .exclude(state="draft")
        .select_related("round")
        .order_by("-created_at")[:5]
    )


@require_http_methods(["GET", "POST"])
def offer_detail(request, pk):
    """An offer published for public comments (a Polish small grant): what is proposed, and the comments."""
    application = get_object_or_404(
        Application.objects.select_related("round__grant_type", "association").filter(
            published_for_comment_at__isnull=False, round__is_published=True
        ),
        pk=pk,
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.offer_comment_add(application=application, user=request.user, body=request.POST.get("body", ""))
            messages.success(request, _("Thank you: your comment was recorded."))
        except ValidationError as exc:
            _messages_from(request, exc)
        return redirect("grants:offer-detail", pk=application.pk)
    closes = application.comments_close_at
    return render(
        request,
        "grants/offer_detail.html",
        {
            "application": application,
            "closes": closes,
            "is_open": closes is not None and timezone.now() < closes,
            "comments": application.public_comments.all(),
            "results": application.planned_results.all(),
            "breadcrumbs": [
                (_("Grants"), reverse("grants:round-list")),
                (application.round.title, application.round.get_absolute_url()),
                (application.title, ""),
            ],
        },
    )


def _decision_filters(request):
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() and len(year) == 4 else None


@require_GET
def decision_list(request):
    """The published grants of one year (the latest by default; every year on request), newest
    first, a page at a time. No total count: counting five years' decisions over the
    decision–application–round join was most of the page; a page asks one row more than it
    shows to know whether there is a next one."""
    years = selectors.decision_years()
    year = _decision_filters(request)
    every_year = request.GET.get("year") == ALL_YEARS
    if year is None and not every_year and years:
        year = years[0]
    page = request.GET.get("page", "")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    start = (number - 1) * DECISIONS_PAGE_SIZE
    decisions = list(selectors.public_decisions(year=year)[start : start + DECISIONS_PAGE_SIZE + 1])
    has_next = len(decisions) > DECISIONS_PAGE_SIZE
    decisions = decisions[:DECISIONS_PAGE_SIZE]
    round_urls = {}  # a few rounds on a page: one URL each, not one per row
    for decision in decisions:
        grant_round = decision.application.round
        if grant_round.pk not in round_urls:
            round_urls[grant_round.pk] = grant_round.get_absolute_url()
        decision.round_url = round_urls[grant_round.pk]
    return render(
        request,
        "grants/decision_list.html",
        {
            "decisions": decisions,
            "number": number,
            "has_previous": number > 1,
            "has_next": has_next,
            "first_row": start + 1,
            "last_row": start + len(decisions),
            "year": year,
            "year_param": ALL_YEARS if every_year else (year or ""),
            "years": years,
            "all_years": ALL_YEARS,
            "breadcrumbs": [(_("Grants"), reverse("grants:round-list")), (_("Decisions"), "")],
        },
    )


@require_GET
def decisions_json(request):
    """Open data: the published decisions as a 360Giving-shaped package (streamed, one query)."""
    decisions = selectors.public_decisions(year=_decision_filters(request))

    def chunks():
        yield '{"grants": ['
        first = True
        for decision in decisions.iterator(chunk_size=500):
            yield ("" if first else ",") + json.dumps(
                grant_record(decision, base_url=settings.SITE_URL), ensure_ascii=False
            )
            first = False
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")


@require_GET
def decisions_csv(request):
    decisions = selectors.public_decisions(year=_decision_filters(request))
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([header for _key, header in CSV_COLUMNS])
        for decision in decisions.iterator(chunk_size=500):
            yield writer.writerow(grant_row(grant_record(decision, base_url=settings.SITE_URL)).values())

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grants-360giving.csv"'
    return response


# --- The applicant --------------------------------------------------------------------------
def _form_data(request, application_or_round):
    """The application form's POST as the services' ``data`` (works without JavaScript)."""
    form_version = application_or_round.form_version
    post = request.POST
    budget = [
        {"item": item, "amount": amount}
        for item, amount in zip(post.getlist("budget_item"), post.getlist("budget_amount"), strict=False)
    ]
    results = [
        {"description": d, "target_value": t, "measure": m}
        for d, t, m in zip(
            post.getlist("result_description"),
            post.getlist("result_target"),
            post.getlist("result_measure"),
            strict=False,
        )
    ]
    return {
        "title": post.get("title", ""),
        "summary": post.get("summary", ""),
        "answers": {f["name"]: post.get(f"answer_{f['name']}", "") for f in form_version.fields},
        "budget_lines": budget,
        "own_contribution": post.get("own_contribution", ""),
        "amount_requested": post.get("amount_requested", ""),
        "planned_results": results,
        "age_groups": [int(v) for v in post.getlist("age_groups") if v.isdigit()],
        "service_areas": [int(v) for v in post.getlist("service_areas") if v.isdigit()],
        "strategy_goals": [int(v) for v in post.getlist("strategy_goals") if v.isdigit()],
    }


def _form_context(application=None, round_=None, data=None, errors=None):
    from portal.models import AgeGroup, ServiceArea

    round_ = round_ or application.round
    form_version = application.form_version if application else round_.form_version
    if data is None and application is not None:
        data = {
            "title": application.title,
            "summary": application.summary,
            "answers": application.answers,
            "budget_lines": application.budget_lines,
            "own_contribution": application.own_contribution,
            "amount_requested": application.amount_requested,
            "planned_results": list(application.planned_results.values("description", "target_value", "measure")),
            "age_groups": list(application.age_groups.values_list("pk", flat=True)),
            "service_areas": list(application.service_areas.values_list("pk", flat=True)),
            "strategy_goals": list(application.strategy_goals.values_list("pk", flat=True)),
        }
    data = data or {
        "answers": {},
        "budget_lines": [],
        "planned_results": [],
        "age_groups": [],
        "service_areas": [],
        "strategy_goals": [],
    }
    strategy_goals = list(services.strategy_goal_choices().select_related("programme"))
    errors = errors or {}
    fields = [
        {
            **f,
            "value": (data.get("answers") or {}).get(f["name"], ""),
            "errors": errors.get(f"answer_{f['name']}", []),
        }
        for f in form_version.fields
    ]
    budget = list(data.get("budget_lines") or []) + [{"item": "", "amount": ""}] * 2
    results = list(data.get("planned_results") or []) + [{"description": "", "target_value": "", "measure": ""}]
    return {
        "round": round_,
        "application": application,
        "form_version": form_version,
        "data": data,
        # Statements to confirm (the Polish offer's section VII) come last, after the budget and results.
        "fields": [f for f in fields if f.get("type") != "confirm"],
        "statements": [f for f in fields if f.get("type") == "confirm"],
        "budget": budget,
        "results": results,
        "errors": errors or {},
        "age_groups": AgeGroup.objects.all(),
        "service_areas": ServiceArea.objects.all(),
        "strategy_goals": strategy_goals,
        "programme": strategy_goals[0].programme if strategy_goals else None,
    }


def _errors_by_field(exc):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request, slug):
    round_ = get_object_or_404(GrantRound.objects.published().select_related("form_version"), slug=slug)
    association = acting_association(request)
    if association is None:
        messages.error(request, _("Choose the association you act for first."))
        return redirect("associations:acting-for")
    if request.method == "POST":
        data = _form_data(request, round_)
        try:
            application = services.application_create(
                round=round_, association=association, user=request.user, data=data
            )
        except ValidationError as exc:
            context = _form_context(round_=round_, data=data, errors=_errors_by_field(exc))
            return render(request, "grants/application_form.html", {**context, "acting": association}, status=400)
        messages.success(request, _("The draft was saved. You can come back to it until the call closes."))
        return redirect("grants:application-edit", pk=application.pk)
    try:
        services._check_open(round_, timezone.now())
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect(round_)
    return render(request, "grants/application_form.html", {**_form_context(round_=round_), "acting": association})


@login_required
@require_POST
def application_copy(request, slug):
    round_ = get_object_or_404(GrantRound.objects.published().select_related("form_version"), slug=slug)
    source_id = request.POST.get("source", "")
    source = permissions.application_for_representative(request, int(source_id) if source_id.isdigit() else 0)
    try:
        application = services.application_copy(source=source, round=round_, user=request.user)
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect(round_)
    messages.success(request, _("A new draft was made from your earlier application. Check and update it."))
    return redirect("grants:application-edit", pk=application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = permissions.application_for_representative(request, pk)
    if request.method == "POST":
        data = _form_data(request, application)
        try:
            services.application_update(
                application=application, user=request.user, data=data, form_version_id=request.POST.get("form_version")
            )
            if "submit" in request.POST:
                services.application_submit(application=application, user=request.user)
                messages.success(request, _("The application was submitted. A confirmation was sent by e-mail."))
                return redirect(application)
        except ValidationError as exc:
            application.refresh_from_db()
            context = _form_context(application=application, data=data, errors=_errors_by_field(exc))
            return render(request, "grants/application_form.html", context, status=400)
        messages.success(request, _("The draft was saved."))
        return redirect("grants:application-edit", pk=application.pk)
    if application.state not in ("draft", "returned"):
        return redirect(application)
    return render(
        request,
        "grants/application_form.html",
        {**_form_context(application=application), "attachments": application.attachments.all()},
    )


@login_required
@require_POST
def application_autosave(request, pk):
    """htmx saves the draft a few seconds after the applicant stops typing: the same service as
    "Save draft", answered with a one-line status for the form's live region. Without
    JavaScript nothing calls this; the buttons save as before."""
    application = permissions.application_for_representative(request, pk)
    try:
        services.application_update(
            application=application,
            user=request.user,
            data=_form_data(request, application),
            form_version_id=request.POST.get("form_version"),
        )
        status = _("Draft saved automatically at %(time)s.") % {
            "time": formats.time_format(timezone.localtime(), "TIME_FORMAT")
        }
    except ValidationError as exc:
        status = _("Not saved automatically: %(problem)s") % {"problem": " ".join(exc.messages)}
    return render(request, "grants/application_autosave.html", {"status": status})


@login_required
@require_GET
def application_detail(request, pk):
    application, role = permissions.application_for_user(request, pk)
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "role": role,
            "transitions": application.transitions.select_related("by").all(),
            "thread": application.messages.select_related("created_by").all(),
            "results": application.planned_results.all(),
            "strategy_goals": application.strategy_goals.all(),
            "answers": _answers(application),
            "attachments": application.attachments.all(),
            "can_edit": role == "applicant" and application.state in ("draft", "returned"),
            "breadcrumbs": [(_("Grants"), reverse("grants:round-list")), (application.title, "")],
        },
    )


def _answers(application):
    """The answers to the application's own form version, in its order and with its labels."""
    labels = {True: _("Yes"), False: _("No"), "yes": _("Yes"), "no": _("No")}
    rows = []
    for field in application.form_version.fields:
        value = application.answers.get(field["name"], "")
        if field.get("type") == "yes_no":
            value = labels.get(value, value)
        rows.append((field["label"], value))
    return rows


@login_required
@require_POST
def application_withdraw(request, pk):
    application = permissions.application_for_representative(request, pk)
    try:
        services.application_withdraw(application=application, user=request.user)
        messages.success(request, _("The application was withdrawn."))
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect(application)


@login_required
@require_POST
def message_post(request, pk):
    application, role = permissions.application_for_user(request, pk)
    if role == "reviewer":
        raise PermissionDenied
    try:
        services.message_post(application=application, user=request.user, body=request.POST.get("body", ""))
        messages.success(request, _("The message was sent."))
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect(reverse("grants:application-detail", args=[application.pk]) + "#messages")


@login_required
@require_GET
def my_applications(request):
    return render(
        request,
        "grants/application_list.html",
        {
            "applications": [
                (application, workflow.next_step(application))
                for application in selectors.representative_applications(request.user)
            ],
            "reviews": selectors.reviews_of(request.user),
            "operated": selectors.operated_rounds(request.user),
            "breadcrumbs": [(_("Grants"), reverse("grants:round-list")), (_("My applications"), "")],
        },
    )


@login_required
@require_POST
def attachment_add(request, pk):
    application = permissions.application_for_representative(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.attachment_add(
                application=application, user=request.user, file=upload, for_report="for_report" in request.POST
            )
            messages.success(request, _("The file was attached."))
        except ValidationError as exc:
            _messages_from(request, exc)
    application.refresh_from_db()
    if application.state in ("draft", "returned"):
        return redirect("grants:application-edit", pk=application.pk)
    return redirect(application)


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """Served only to those who may see the application; never cached, never run by a browser."""
    application, _role = permissions.application_for_user(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    content_type = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=attachment.name)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, pk):
    """The report after use: how the money was used, the achieved value of each planned result
    beside its target, participants by age group."""
    from portal.models import AgeGroup

    application = permissions.application_for_representative(request, pk)
    if application.state != "paid":
        messages.error(request, str(services.NOT_PAID))
        return redirect(application)
    planned = list(application.planned_results.all())
    age_groups = list(AgeGroup.objects.all())
    errors = {}
    report_fields = application.form_version.report_fields
    values = {"use_of_funds": "", "amount_used": "", "results": {}, "participants": {}, "answers": {}}
    report = getattr(application, "report", None)
    if report is not None:
        values = {
            "use_of_funds": report.use_of_funds,
            "amount_used": report.amount_used,
            "results": {r.planned_result_id: r.achieved_value for r in report.results.all()},
            "participants": {int(k): v for k, v in report.participants.items() if str(k).isdigit()},
            "answers": report.answers,
        }
    if request.method == "POST":
        values = {
            "use_of_funds": request.POST.get("use_of_funds", ""),
            "amount_used": request.POST.get("amount_used", ""),
            "results": {p.pk: request.POST.get(f"result_{p.pk}", "") for p in planned},
            "participants": {g.pk: request.POST.get(f"participants_{g.pk}", "") for g in age_groups},
            "answers": {f["name"]: request.POST.get(f"answer_{f['name']}", "") for f in report_fields},
        }
        try:
            services.report_submit(
                application=application,
                user=request.user,
                use_of_funds=values["use_of_funds"],
                amount_used=values["amount_used"],
                results=values["results"],
                participants=values["participants"],
                answers=values["answers"],
            )
            messages.success(request, _("The report was submitted. Thank you."))
            return redirect(application)
        except ValidationError as exc:
            errors = _errors_by_field(exc)
    rows = [{"planned": p, "value": values["results"].get(p.pk, "")} for p in planned]
    groups = [{"group": g, "value": values["participants"].get(g.pk, "")} for g in age_groups]
    fields = [
        {**f, "value": values["answers"].get(f["name"], ""), "errors": errors.get(f"answer_{f['name']}", [])}
        for f in report_fields
    ]
    return render(
        request,
        "grants/report_form.html",
        {
            "application": application,
            "rows": rows,
            "groups": groups,
            "fields": [f for f in fields if f.get("type") != "confirm"],
            "statements": [f for f in fields if f.get("type") == "confirm"],
            "values": values,
            "errors": errors,
            "report": report,
            "breadcrumbs": [
                (_("Grants"), reverse("grants:round-list")),
                (application.title, application.get_absolute_url()),
                (_("Report"), ""),
            ],
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def decision_letter(request, pk):
    """The decision letter (PDF) for the applicant and the city's staff."""
    application, role = permissions.application_for_user(request, pk)
    decision = getattr(application, "decision", None)
    if role == "reviewer" or decision is None or not decision.letter:
        raise Http404
    try:
        handle = decision.letter.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(handle, content_type="application/pdf", filename=f"decision-{application.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Review ---------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """The reviewer's page: the conflict declaration first; the content and scores only after it."""
    review_ = permissions.review_for_reviewer(request, pk)
    if request.method == "POST":
        try:
            if "declare" in request.POST:
                services.review_declare_conflict(
                    review=review_,
                    user=request.user,
                    has_conflict=request.POST.get("conflict") == "yes",
                    note=request.POST.get("conflict_note", ""),
                )
            else:
                scores = {key[6:]: value for key, value in request.POST.items() if key.startswith("score_")}
                services.review_submit(
                    review=review_, user=request.user, scores=scores, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("Your review was saved."))
        except ValidationError as exc:
            _messages_from(request, exc)
        return redirect("grants:review", pk=review_.pk)
    review_.refresh_from_db()
    may_see = services.review_may_see_content(review_, request.user)
    return render(
        request,
        "grants/review_form.html",
        {
            "review": review_,
            "may_see": may_see,
            "application": review_.application if may_see else None,
            "criteria": list(review_.application.round.criteria.all()),
            "scores": {s.criterion_id: s.score for s in review_.scores.all()},
            "breadcrumbs": [(_("Grants"), reverse("grants:round-list")), (_("Review"), "")],
        },
    )


# --- Running a regranting round (the operator association) --------------------------------
@login_required
@require_GET
def round_manage(request, slug):
    """The operator's desk: the round's ledger within its sub-appropriation, every submitted
    application with its state, reviews and decision, and the forms to handle them."""
    round_ = permissions.round_for_manager(request, slug)
    summary = {row.application.pk: row for row in selectors.panel_summary(round_)}
    own = set(Association.objects.represented_by(request.user).values_list("pk", flat=True))
    rows = [(a, summary.get(a.pk), a.association_id in own) for a in selectors.managed_applications(round_)]
    return render(
        request,
        "grants/round_manage.html",
        {
            "round": round_,
            "ledger": selectors.round_ledger(round_),
            "rows": rows,
            "breadcrumbs": [
                (_("Grants"), reverse("grants:round-list")),
                (_("My applications"), reverse("grants:my-applications")),
                (round_.title, ""),
            ],
        },
    )


@login_required
@require_POST
def round_manage_application(request, slug, pk):
    """One action of the round's manager on one application: review it myself, start the
    review, return it for completion, or decide (the same services, row locks and ledger as the
    city's own decisions)."""
    round_ = permissions.round_for_manager(request, slug)
    application = permissions.managed_application(request, round_, pk)
    action = request.POST.get("action", "")
    try:
        if action == "review":
            review_ = services.review_assign(application=application, reviewer=request.user, user=request.user)
            return redirect("grants:review", pk=review_.pk)
        if action == "start_review":
            services.application_start_review(application=application, user=request.user)
            messages.success(request, _("The application is in review."))
        elif action == "return":
            services.application_return(application=application, user=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("The application was returned for completion; the note was e-mailed."))
        elif action == "decide":
            services.decision_make(
                application=application,
                user=request.user,
                amount=request.POST.get("amount", ""),
                grounds=request.POST.get("grounds", ""),
            )
            messages.success(request, _("The decision was made; the applicant was e-mailed."))
        else:
            raise Http404
    except ValidationError as exc:
        _messages_from(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You are not allowed to do this."))
    return redirect(reverse("grants:round-manage", args=[round_.slug]) + f"#a{application.pk}")
