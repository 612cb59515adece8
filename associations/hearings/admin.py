"""Staff run hearings in the admin, scoped by department like partnership agreements.

Opening (invitations), closing and publishing the summary are actions that call the services;
the answers' "how taken into account" is written in the hearing's answer list and saved through
``answer_taken_into_account`` (the answer's own text is the association's and stays read-only).
Imported by ``associations/admin.py``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from associations.forms import PrivateClearableFileInput
from associations.hearings import services
from associations.hearings.models import Hearing, HearingAnswer, HearingComment, HearingDocument, HearingInvitation
from associations.hearings.validators import validate_attachment
from portal.admin_actions import moderation_actions, run_each
from portal.models import Department
from portal.moderation import MODERATION_FIELDS
from portal.registries import StaffTask, recipient_list_choices, staff_waiting


def staff_departments(user):
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(staff_group__user=user)


class HearingAdminForm(forms.ModelForm):
    audience = forms.ChoiceField(label=_("who is asked"), required=False)

    class Meta:
        model = Hearing
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin (fieldsets, readonly_fields) picks the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "audience" in self.fields:
            self.fields["audience"].choices = [("", "---------"), *recipient_list_choices()]
            self.fields["audience"].help_text = Hearing._meta.get_field("audience").help_text


class HearingDocumentForm(forms.ModelForm):
    class Meta:
        model = HearingDocument
        fields = ("name", "file", "is_public")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            upload.name = f"document.{validate_attachment(upload)}"
        return upload


class HearingDocumentInline(admin.TabularInline):
    model = HearingDocument
    form = HearingDocumentForm
    extra = 0
    formfield_overrides = {HearingDocument._meta.get_field("file").__class__: {"widget": PrivateClearableFileInput}}


class HearingAnswerInline(admin.StackedInline):
    """The answers, read-only but for the city's "how taken into account"."""

    model = HearingAnswer
    extra = 0
    can_delete = False
    fields = ("association", "text", "may_publish", "attachment_links", "created_by", "taken_into_account")
    readonly_fields = ("association", "text", "may_publish", "attachment_links", "created_by")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("attachments"))
    def attachment_links(self, obj):
        from django.utils.html import format_html, format_html_join

        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((a.get_absolute_url(), a.name) for a in obj.attachments.all())
        ) or format_html("{}", "–")


class HearingInvitationInline(admin.TabularInline):
    model = HearingInvitation
    extra = 0
    can_delete = False
    fields = ("email", "association", "language", "invited_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Open the selected hearings and send the invitations"), permissions=["change"])
def open_hearings(modeladmin, request, queryset):
    invited = 0
    opened = 0
    for hearing in queryset:
        try:
            invited += services.hearing_open(hearing=hearing, user=request.user)
            opened += 1
        except ValidationError as exc:
            modeladmin.message_user(request, f"{hearing}: {' '.join(exc.messages)}", messages.ERROR)
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)d hearing opened, %(invited)d invitations queued.",
            "%(n)d hearings opened, %(invited)d invitations queued.",
            opened,
        )
        % {"n": opened, "invited": invited},
        messages.SUCCESS,
    )


@admin.action(description=_("Close the selected hearings now"), permissions=["change"])
def close_hearings(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda obj, user: services.hearing_close(hearing=obj, user=user, closes_at=timezone.now()),
        _("%(n)d closed."),
    )


@admin.action(description=_("Publish the summary of the selected hearings"), permissions=["change"])
def publish_summaries(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda obj, user: services.hearing_publish_summary(hearing=obj, user=user),
        _("%(n)d summaries published."),
    )


@admin.register(Hearing)
class HearingAdmin(SimpleHistoryAdmin):
    form = HearingAdminForm
    list_display = ("title", "kind", "department", "state", "opens_at", "closes_at", "answer_count")
    list_filter = ("state", "kind", "department", "residents_may_comment")
    search_fields = ("title", "question")
    date_hierarchy = "closes_at"
    filter_horizontal = ("fields_of_activity", "service_areas")
    readonly_fields = ("state", "opened_at", "summary_published_at", "summary_published_by", "public_link")
    inlines = [HearingDocumentInline, HearingAnswerInline, HearingInvitationInline]
    actions = [open_hearings, close_hearings, publish_summaries]
    list_select_related = ("department",)
    fieldsets = (
        (None, {"fields": ("title", "kind", "department", "contact_person", "question", "public_link")}),
        (
            _("Who is asked and when"),
            {
                "fields": (
                    "audience",
                    "fields_of_activity",
                    "service_areas",
                    "opens_at",
                    "closes_at",
                    "residents_may_comment",
                )
            },
        ),
        (_("State"), {"fields": ("state", "opened_at")}),
        (_("Summary"), {"fields": ("summary", "summary_published_at", "summary_published_by")}),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).for_staff(request.user).annotate(n_answers=Count("answers"))

    @admin.display(description=_("answers"), ordering="n_answers")
    def answer_count(self, obj):
        return obj.n_answers

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        from django.utils.html import format_html

        if not obj or not obj.pk:
            return "–"
        url = reverse("associations:hearing-detail", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, url)

    def _in_scope(self, request, obj):
        return (
            obj is None
            or request.user.is_superuser
            or staff_departments(request.user).filter(pk=obj.department_id).exists()
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != Hearing.State.DRAFT:
            return False  # an opened hearing stays public (and its answers are the associations')
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state == Hearing.State.SUMMARY_PUBLISHED:
            fields.append("summary")
        if obj is not None and obj.state != Hearing.State.DRAFT:
            # The audience was invited and the period announced: changes go through the services.
            fields += ["audience", "fields_of_activity", "service_areas", "opens_at", "closes_at", "kind"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = staff_departments(request.user)
        if db_field.name == "contact_person":
            kwargs["queryset"] = db_field.related_model.objects.select_related("department")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is HearingAnswer:
            # Only "how taken into account" is editable; it is saved through the service so the
            # association's own text is never rewritten (the database refuses that after the deadline).
            for answer_form in formset.forms:
                if answer_form.instance.pk and "taken_into_account" in answer_form.changed_data:
                    services.answer_taken_into_account(
                        answer=answer_form.instance,
                        user=request.user,
                        text=answer_form.cleaned_data.get("taken_into_account", ""),
                    )
            # What the admin's change message reads from a saved formset.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)


approve_comments, reject_comments = moderation_actions(
    approve=lambda obj, user: services.comment_approve(comment=obj, user=user),
    reject=lambda obj, user, reason: services.comment_reject(comment=obj, user=user, reason=reason),
    approve_label=_("Publish the selected comments"),
    approved_message=_("%(n)d published."),
    reject_label=_("Reject the selected comments…"),
    reject_title=_("Reject comments"),
)


@admin.register(HearingComment)
class HearingCommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "hearing", "moderation_state", "created_at")
    list_filter = ("moderation_state",)
    search_fields = ("text", "hearing__title")
    readonly_fields = (*MODERATION_FIELDS, "hearing", "text", "created_by", "created_at")
    actions = [approve_comments, reject_comments]
    list_select_related = ("hearing",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(hearing__department__in=staff_departments(request.user))

    def has_add_permission(self, request):
        return False


@staff_waiting("associations.hearing_comments", order=35)
def comments_waiting(request):
    from portal.permissions import staff_has_perm

    if not staff_has_perm(request.user, "associations.change_hearingcomment"):
        return None
    queryset = HearingComment.objects.pending()
    if not request.user.is_superuser:
        queryset = queryset.filter(hearing__department__in=staff_departments(request.user))
    return StaffTask(
        label=str(_("Residents' comments on hearings to moderate")),
        count=queryset.count(),
        url=reverse("admin:associations_hearingcomment_changelist") + "?moderation_state__exact=pending",
    )
