"""Public pages of hearings and the association's answer form. Thin: permissions, one service, render."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.acting import acting_association
from associations.hearings import permissions, selectors, services
from associations.hearings.forms import AnswerForm, CommentForm
from associations.hearings.models import HearingAnswer
from associations.models import Association

PAGE_SIZE = 20


def _breadcrumbs(*tail):
    return [(_("Hearings"), reverse("associations:hearing-list")), *tail]


@require_GET
def hearing_list(request):
    """Every opened hearing: open ones first, then the closed ones with their summaries."""
    page = Paginator(selectors.public_hearings(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "associations/hearing_list.html",
        {"page": page, "hearings": page.object_list, "now": timezone.now(), "breadcrumbs": [(_("Hearings"), "")]},
    )


@require_GET
def hearing_detail(request, pk):
    hearing = permissions.hearing_visible_to(request.user, pk)
    acting = acting_association(request)
    staff = permissions.staff_runs_hearing(request.user, hearing)
    now = timezone.now()
    context = selectors.hearing_page(hearing, user=request.user, acting=acting, sees_all_answers=staff)
    return render(
        request,
        "associations/hearing_detail.html",
        {
            "hearing": hearing,
            **context,
            "acting": acting,
            "staff_view": staff,
            "accepts_answers": hearing.accepts_answers(now),
            "comment_form": CommentForm()
            if hearing.residents_may_comment and hearing.accepts_answers(now) and request.user.is_authenticated
            else None,
            "breadcrumbs": _breadcrumbs((hearing.title, "")),
        },
    )


def _closed_message(request, hearing, exc):
    for message in exc.messages:
        messages.error(request, message)
    return redirect(hearing)


@login_required
@require_http_methods(["GET", "POST"])
def hearing_answer(request, pk):
    """The association the user acts for answers, or edits its answer, until the deadline."""
    hearing = permissions.hearing_visible_to(request.user, pk)
    association = acting_association(request)
    if association is None:
        if Association.objects.represented_by(request.user).exists():
            messages.info(request, _("Choose first which association you act for."))
            return redirect(f"{reverse('associations:acting-for')}?next={request.path}")
        messages.info(request, _("To answer a hearing, first tell us which association you represent."))
        return redirect("associations:represent")
    now = timezone.now()
    if not hearing.accepts_answers(now):
        try:
            services.refuse_unless_accepting(hearing, now)
        except ValidationError as exc:
            return _closed_message(request, hearing, exc)
    answer = HearingAnswer.objects.filter(hearing=hearing, association=association).first()
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        instance=answer or HearingAnswer(hearing=hearing, association=association),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_save(
                hearing=hearing,
                association=association,
                user=request.user,
                data=form.service_data(),
                attachments=form.new_attachments,
                remove_attachments=form.removed_attachments,
            )
        except ValidationError as exc:
            if exc.code in ("deadline", "not_open", "not_yet"):
                return _closed_message(request, hearing, exc)
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The answer of %(association)s was saved. You can edit it until the deadline.")
                % {"association": association.name},
            )
            return redirect(hearing)
    return render(
        request,
        "associations/hearing_answer_form.html",
        {
            "hearing": hearing,
            "association": association,
            "answer": answer,
            "form": form,
            "breadcrumbs": _breadcrumbs((hearing.title, hearing.get_absolute_url()), (_("Answer"), "")),
        },
    )


@login_required
@require_POST
def hearing_comment(request, pk):
    hearing = permissions.hearing_visible_to(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(hearing=hearing, user=request.user, data=form.service_data())
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you. Your comment is shown once staff have checked it."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(hearing)


def _serve(fieldfile, *, filename, public):
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404("missing file")
    content_type = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def hearing_document(request, pk, document_pk):
    """A public document of an opened hearing to anyone; a private one to the department's staff."""
    hearing = permissions.hearing_visible_to(request.user, pk)
    document = get_object_or_404(hearing.documents, pk=document_pk)
    staff = permissions.staff_runs_hearing(request.user, hearing)
    if not (document.is_public and hearing.is_public) and not staff:
        raise Http404(permissions.NOT_FOUND)
    suffix = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else "bin"
    return _serve(document.file, filename=f"hearing-{hearing.pk}-{document.pk}.{suffix}", public=document.is_public)


@require_GET
def hearing_answer_attachment(request, pk, attachment_pk):
    hearing = permissions.hearing_visible_to(request.user, pk)
    attachment = permissions.answer_attachment_visible_to(request.user, hearing, attachment_pk)
    public = permissions.is_answer_public(attachment.answer)
    return _serve(attachment.file, filename=attachment.name, public=public)
