"""Admin actions that call services, for every app's ``admin.py``.

An admin action never changes a row itself: it calls the same service the site uses, so the
history, the checks and the outbox e-mails are the same whoever acts. ``run_each`` calls a
service per selected row and reports refusals one by one; ``reason_action`` asks for a reason
first (a rejection's reason is e-mailed); ``moderation_actions`` makes the pair for a
``portal.moderation.Moderated`` model::

    approve, reject = moderation_actions(
        approve=lambda obj, user: events.event_approve(event=obj, user=user),
        reject=lambda obj, user, reason: events.event_reject(event=obj, user=user, reason=reason),
        approve_label=_("Publish the selected events"), approved_message=_("%(n)d published."),
        reject_label=_("Reject the selected events…"), reject_title=_("Reject events"),
    )

    class EventAdmin(admin.ModelAdmin):
        actions = [approve, reject]
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from portal.forms import ReasonForm


def _refusal(modeladmin, request, obj, exc):
    modeladmin.message_user(request, f"{obj}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR)


def run_each(modeladmin, request, queryset, service, done_message):
    """Call ``service(obj, user=…)`` for each selected row; a refused row is reported, the rest go on."""
    done = 0
    for obj in queryset:
        try:
            service(obj, user=request.user)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            _refusal(modeladmin, request, obj, exc)
    modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


def reason_action(modeladmin, request, queryset, *, service, title):
    """Ask for a reason (sent to the applicant), then call ``service(obj, user=…, reason=…)`` per row."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                service(obj, user=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                _refusal(modeladmin, request, obj, exc)
        modeladmin.message_user(
            request,
            ngettext("%(n)d rejected, the reason e-mailed.", "%(n)d rejected, the reason e-mailed.", done)
            % {"n": done},
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "portal/admin/reason_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "queryset": queryset,
            "form": form,
            "opts": modeladmin.model._meta,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def moderation_actions(*, approve, reject, approve_label, approved_message, reject_label, reject_title):
    """The "approve" and "reject" admin actions of a moderated model, calling its services."""

    @admin.action(description=approve_label, permissions=["change"])
    def approve_action(modeladmin, request, queryset):
        run_each(modeladmin, request, queryset, approve, approved_message)

    @admin.action(description=reject_label, permissions=["change"])
    def reject_action(modeladmin, request, queryset):
        return reason_action(modeladmin, request, queryset, service=reject, title=reject_title)

    approve_action.__name__ = "approve"
    reject_action.__name__ = "reject"
    return approve_action, reject_action
