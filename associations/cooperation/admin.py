"""The staff's workplace for the forms of cooperation. Actions call the services, so history,
checks and e-mails are the same whoever acts; the states change only through them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from associations.cooperation import services
from associations.cooperation.models import (
    CityEvent,
    CityRequest,
    InitiativeCriterion,
    JointProject,
    LocalInitiative,
    RequestHandler,
)
from portal.admin_actions import run_each


class AnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the association by e-mail; a letter quotes it."),
    )
    joint_project = forms.ModelChoiceField(
        label=_("Joint project"),
        queryset=JointProject.objects.all(),
        required=False,
        help_text=_("For a letter: the joint project it supports. Empty: a new project is made from the request."),
    )


class ReasonRequiredForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent by e-mail; the grounds of an initiative's decision are public."),
    )


def _ask_then_apply(modeladmin, request, queryset, *, form_class, title, apply, done_message):
    """An action with a form first: ``apply(obj, user, cleaned_data)`` per row, refusals reported."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, request.user, form.cleaned_data)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(
                    request, f"{obj}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "associations/cooperation/admin/answer_form.html",
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


@admin.register(JointProject)
class JointProjectAdmin(SimpleHistoryAdmin):
    list_display = ("title", "department", "starts_on", "ends_on", "is_public")
    list_filter = ("department", "is_public")
    search_fields = ("title", "goals", "partners__name")
    autocomplete_fields = ("partners",)
    date_hierarchy = "starts_on"
    list_select_related = ("department",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


@admin.register(RequestHandler)
class RequestHandlerAdmin(admin.ModelAdmin):
    list_display = ("kind", "contact")
    list_select_related = ("contact",)


@admin.register(CityEvent)
class CityEventAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "starts_on", "signup_until", "is_published")
    list_filter = ("is_published", "department")
    search_fields = ("title",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CityRequest)
class CityRequestAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "association", "state", "handler", "created_at", "decided_at")
    list_filter = ("state", "kind", "city_event")
    search_fields = ("title", "association__name", "description")
    list_select_related = ("association", "handler")
    readonly_fields = (
        "kind",
        "association",
        "state",
        "city_event",
        "title",
        "description",
        "funder",
        "amount_sought",
        "project_starts_on",
        "project_ends_on",
        "event_name",
        "event_date",
        "decision_reason",
        "decided_by",
        "decided_at",
        "joint_project",
        "letter",
        "letter_language",
        "created_by",
        "created_at",
    )
    fields = ("handler", *readonly_fields)
    actions = ["take", "grant", "decline"]

    def has_add_permission(self, request):
        return False  # requests come from associations, through the site

    @admin.action(description=_("Take the selected requests into handling"), permissions=["change"])
    def take(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj, user: services.city_request_take(city_request=obj, user=user),
            _("%(n)d taken into handling."),
        )

    @admin.action(description=_("Grant the selected requests…"), permissions=["change"])
    def grant(self, request, queryset):
        return _ask_then_apply(
            self,
            request,
            queryset,
            form_class=AnswerForm,
            title=_("Grant requests"),
            apply=lambda obj, user, data: services.city_request_grant(
                city_request=obj, user=user, reason=data["reason"], joint_project=data["joint_project"]
            ),
            done_message=_("%(n)d granted, the answer e-mailed."),
        )

    @admin.action(description=_("Decline the selected requests…"), permissions=["change"])
    def decline(self, request, queryset):
        return _ask_then_apply(
            self,
            request,
            queryset,
            form_class=ReasonRequiredForm,
            title=_("Decline requests"),
            apply=lambda obj, user, data: services.city_request_decline(
                city_request=obj, user=user, reason=data["reason"]
            ),
            done_message=_("%(n)d declined, the grounds e-mailed."),
        )


@admin.register(InitiativeCriterion)
class InitiativeCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(LocalInitiative)
class LocalInitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "group_name", "service_area", "state", "created_at", "decided_at", "carried_out_on")
    list_filter = ("state", "service_area", "needs_work", "needs_materials", "needs_space")
    search_fields = ("title", "group_name", "description")
    list_select_related = ("service_area",)
    readonly_fields = (
        "state",
        "decision_reason",
        "decided_by",
        "decided_at",
        "carried_out_on",
        "created_by",
        "created_at",
    )
    actions = ["assess", "accept", "decline", "carried_out"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Start assessing the selected initiatives"), permissions=["change"])
    def assess(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj, user: services.local_initiative_assess(initiative=obj, user=user),
            _("%(n)d in assessment."),
        )

    @admin.action(description=_("Accept the selected initiatives…"), permissions=["change"])
    def accept(self, request, queryset):
        return _ask_then_apply(
            self,
            request,
            queryset,
            form_class=ReasonRequiredForm,
            title=_("Accept initiatives"),
            apply=lambda obj, user, data: services.local_initiative_accept(
                initiative=obj, user=user, reason=data["reason"]
            ),
            done_message=_("%(n)d accepted."),
        )

    @admin.action(description=_("Decline the selected initiatives…"), permissions=["change"])
    def decline(self, request, queryset):
        return _ask_then_apply(
            self,
            request,
            queryset,
            form_class=ReasonRequiredForm,
            title=_("Decline initiatives"),
            apply=lambda obj, user, data: services.local_initiative_decline(
                initiative=obj, user=user, reason=data["reason"]
            ),
            done_message=_("%(n)d declined."),
        )

    @admin.action(description=_("Mark the selected initiatives carried out today"), permissions=["change"])
    def carried_out(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj, user: services.local_initiative_carried_out(initiative=obj, user=user),
            _("%(n)d marked carried out."),
        )
