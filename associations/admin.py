"""Staff work on the registry here: moderation, memberships, events, partnership agreements, imports.

Actions call the services (so the outbox e-mails and history happen exactly as elsewhere).
Partnership agreements are scoped by department: staff see and edit only their department's
(membership of the department's staff group); superusers see all.
"""

import csv
import io

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from associations.forms import PrivateClearableFileInput, RegisterImportForm, clean_event_date, https_formfield
from associations.models import (
    Association,
    Event,
    FieldOfActivity,
    Language,
    Membership,
    PartnershipAgreement,
    PartnershipReview,
    PublicBenefitSphere,
)
from associations.services import events, memberships, register_import, registry
from associations.validators import IMAGE_FORMATS, validate_image_file, validate_pdf_file
from portal.admin_actions import moderation_actions, reason_action, run_each
from portal.models import Department
from portal.moderation import MODERATION_FIELDS
from portal.registries import staff_waiting

PRIVATE_FILE_WIDGETS = {
    models.FileField: {"widget": PrivateClearableFileInput},
    models.URLField: {"assume_scheme": "https"},
}
IMPORT_FILE_UNREADABLE = _("The file could not be read as UTF-8 CSV with a header row.")
IMPORT_MISSING_COLUMNS = _("The header row must have the columns register_number and name.")


approve_associations, reject_associations = moderation_actions(
    approve=lambda obj, user: registry.association_approve(association=obj, user=user),
    reject=lambda obj, user, reason: registry.association_reject(association=obj, user=user, reason=reason),
    approve_label=_("Approve the selected entries (publish)"),
    approved_message=_("%(n)d approved."),
    reject_label=_("Reject the selected entries…"),
    reject_title=_("Reject entries"),
)
approve_events, reject_events = moderation_actions(
    approve=lambda obj, user: events.event_approve(event=obj, user=user),
    reject=lambda obj, user, reason: events.event_reject(event=obj, user=user, reason=reason),
    approve_label=_("Publish the selected events"),
    approved_message=_("%(n)d published."),
    reject_label=_("Reject the selected events…"),
    reject_title=_("Reject events"),
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "association"
    extra = 0
    fields = ("user", "role", "state", "approved_by", "approved_at")
    readonly_fields = ("user", "state", "approved_by", "approved_at")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


def _checked_image(upload):
    """A new upload must be a real image; its stored suffix comes from the content, as in the site's forms."""
    if upload and hasattr(upload, "content_type"):
        upload.name = f"image.{IMAGE_FORMATS[validate_image_file(upload)]}"
    return upload


class AssociationAdminForm(forms.ModelForm):
    class Meta:
        model = Association
        formfield_callback = https_formfield
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin (fieldsets, readonly_fields) picks the fields

    def clean_logo(self):
        return _checked_image(self.cleaned_data.get("logo"))

    def clean_register_number(self):
        from associations.validators import normalize_register_number

        return normalize_register_number(self.cleaned_data.get("register_number", ""))

    def clean_business_id(self):
        from associations.validators import normalize_business_id

        return normalize_business_id(self.cleaned_data.get("business_id", ""))

    def clean_krs_number(self):
        from associations.poland import normalize_krs

        return normalize_krs(self.cleaned_data.get("krs_number", ""))

    def clean_nip(self):
        from associations.poland import normalize_nip

        return normalize_nip(self.cleaned_data.get("nip", ""))

    def clean_regon(self):
        from associations.poland import normalize_regon

        return normalize_regon(self.cleaned_data.get("regon", ""))


@admin.register(Association)
class AssociationAdmin(SimpleHistoryAdmin):
    form = AssociationAdminForm
    change_list_template = "associations/admin/association_changelist.html"
    list_display = ("name", "kind", "prh_class", "moderation_state", "is_public", "last_confirmed_on", "updated_at")
    list_filter = ("moderation_state", "kind", "prh_class", "is_public", "service_areas", "languages")
    search_fields = ("name", "register_number", "business_id", "email")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("fields_of_activity", "public_benefit_spheres", "service_areas", "age_groups", "languages")
    # Moderation goes through the actions (services: e-mail, history, the creator's membership).
    readonly_fields = (
        *MODERATION_FIELDS,
        "created_by",
        "created_at",
        "updated_at",
    )
    formfield_overrides = PRIVATE_FILE_WIDGETS
    inlines = [MembershipInline]
    actions = [approve_associations, reject_associations]
    history_list_display = ["name", "moderation_state", "is_public"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "register_number", "business_id", "prh_class")}),
        (
            _("Profile"),
            {
                "fields": (
                    "description",
                    "fields_of_activity",
                    "website",
                    "email",
                    "phone",
                    "logo",
                    "founded_year",
                    "service_areas",
                    "age_groups",
                    "languages",
                )
            },
        ),
        (
            _("Publication"),
            {
                "fields": (
                    "is_public",
                    "moderation_state",
                    "moderation_reason",
                    "moderated_by",
                    "moderated_at",
                    "last_confirmed_on",
                )
            },
        ),
        (_("Integration"), {"fields": ("linked_events_publisher", "created_by", "created_at", "updated_at")}),
    )

    def get_fieldsets(self, request, obj=None):
        # The register identity of the city's country (associations.countries), not the other's.
        from associations.countries import current_country

        (name, options), *rest = super().get_fieldsets(request, obj)
        identity = ("name", "slug", "kind", *current_country().identity_fields)
        return ((name, {**options, "fields": identity}), *rest)

    def get_list_filter(self, request):
        from associations.countries import POLAND, current_country

        if current_country() == POLAND:
            return tuple("public_benefit_spheres" if f == "prh_class" else f for f in self.list_filter)
        return self.list_filter

    def get_search_fields(self, request):
        return (*self.search_fields, "krs_number", "nip", "regon")

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="associations_association_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import a register extract (CSV) idempotently by register number, with a per-row report."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = RegisterImportForm(request.POST or None, request.FILES or None)
        results = None
        if request.method == "POST" and form.is_valid():
            try:
                rows = read_register_csv(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                results = register_import.association_import_register_rows(rows=rows, user=request.user)
        summary = {}
        for result in results or []:
            summary[result.outcome] = summary.get(result.outcome, 0) + 1
        return TemplateResponse(
            request,
            "associations/admin/import_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import a register extract"),
                "opts": self.model._meta,
                "form": form,
                "results": results,
                "summary": summary,
            },
        )


def read_register_csv(uploaded, *, max_rows=20000):
    """Rows of a UTF-8 (BOM allowed) CSV with a header row; comma or semicolon separated."""
    try:
        text = uploaded.read().decode("utf-8-sig")
    except (UnicodeDecodeError, AttributeError):
        raise ValidationError(IMPORT_FILE_UNREADABLE)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or not {"register_number", "name"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationError(IMPORT_MISSING_COLUMNS)
    rows = []
    for i, row in enumerate(reader):
        if i >= max_rows:
            break
        rows.append({(k or "").strip(): (v or "") for k, v in row.items() if k})
    return rows


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "association", "role", "state", "created_at", "approved_at")
    list_filter = ("state", "role")
    search_fields = ("user__email", "association__name")
    autocomplete_fields = ("user", "association")
    # Requests are decided with the actions (services: e-mail, approval time, history).
    readonly_fields = ("state", "decision_reason", "approved_by", "approved_at", "created_at")
    actions = ["approve", "reject"]
    list_select_related = ("user", "association")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ("user", "association", *fields) if obj else fields

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj, user: memberships.membership_approve(membership=obj, user=user),
            _("%(n)d approved; each applicant gets an e-mail."),
        )

    @admin.action(description=_("Reject the selected requests…"), permissions=["change"])
    def reject(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            title=_("Reject representation requests"),
            service=lambda obj, user, reason: memberships.membership_reject(membership=obj, user=user, reason=reason),
        )


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        formfield_callback = https_formfield
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin (fieldsets, readonly_fields) picks the fields

    def clean_poster(self):
        return _checked_image(self.cleaned_data.get("poster"))

    def clean_start_date(self):
        return clean_event_date(self, "start_date")

    def clean_end_date(self):
        return clean_event_date(self, "end_date")


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    form = EventAdminForm
    list_display = ("title", "association", "start_date", "start_time", "moderation_state", "source")
    list_filter = ("moderation_state", "kind", "source", ("start_date", admin.DateFieldListFilter))
    search_fields = ("title", "association__name", "external_id")
    autocomplete_fields = ("association",)
    date_hierarchy = "start_date"
    readonly_fields = (
        *MODERATION_FIELDS,
        "created_by",
        "external_id",
        "external_modified_at",
        "created_at",
        "updated_at",
    )
    formfield_overrides = PRIVATE_FILE_WIDGETS
    list_select_related = ("association",)
    actions = [approve_events, reject_events]


class PartnershipReviewInline(admin.TabularInline):
    model = PartnershipReview
    extra = 1
    fields = ("held_on", "notes", "next_due_on")


class PartnershipAgreementForm(forms.ModelForm):
    class Meta:
        model = PartnershipAgreement
        formfield_callback = https_formfield
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin (fieldsets, readonly_fields) picks the fields

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):
            validate_pdf_file(document)
            document.name = "agreement.pdf"
        return document


def staff_departments(user):
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(staff_group__user=user)


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(SimpleHistoryAdmin):
    form = PartnershipAgreementForm
    list_display = ("title", "association", "department", "valid_from", "valid_until", "is_public", "document_link")
    list_filter = ("department", "is_public", "initiated_by")
    search_fields = ("title", "association__name", "goals")
    autocomplete_fields = ("association",)
    date_hierarchy = "valid_from"
    formfield_overrides = PRIVATE_FILE_WIDGETS
    inlines = [PartnershipReviewInline]
    list_select_related = ("association", "department")

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

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
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = staff_departments(request.user)
        if db_field.name == "responsible_person":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                department__in=staff_departments(request.user)
            ).select_related("department")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if not obj.document:
            return "–"
        return format_html('<a href="{}">PDF</a>', reverse("associations:agreement-document", args=[obj.pk]))


@admin.register(FieldOfActivity)
class FieldOfActivityAdmin(TranslationAdmin):
    list_display = ("name", "parent", "order")
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PublicBenefitSphere)
class PublicBenefitSphereAdmin(TranslationAdmin):
    list_display = ("point", "name", "order")
    search_fields = ("point", "name")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")
    search_fields = ("code", "name")


# --- The admin index's "waiting for you" (portal.registries.staff_waiting) ----------------
def _waiting(request, perm, label, queryset, url_name, query):
    from portal.permissions import staff_has_perm
    from portal.registries import StaffTask

    if not staff_has_perm(request.user, perm):
        return None
    return StaffTask(label=str(label), count=queryset.count(), url=reverse(url_name) + query)


@staff_waiting("associations.claims", order=10)
def claims_waiting(request):
    return _waiting(
        request,
        "associations.change_membership",
        _("Requests to represent an association"),
        Membership.objects.filter(state=Membership.State.PENDING),
        "admin:associations_membership_changelist",
        "?state__exact=pending",
    )


@staff_waiting("associations.new_entries", order=20)
def entries_waiting(request):
    return _waiting(
        request,
        "associations.change_association",
        _("New association entries to check"),
        Association.objects.pending(),
        "admin:associations_association_changelist",
        "?moderation_state__exact=pending",
    )


@staff_waiting("associations.events", order=30)
def events_waiting(request):
    return _waiting(
        request,
        "associations.change_event",
        _("Events to moderate"),
        Event.objects.pending(),
        "admin:associations_event_changelist",
        "?moderation_state__exact=pending",
    )


# The forms of cooperation (issue 14) register from their own sub-packages.
import associations.cooperation.admin  # noqa: E402,F401
import associations.hearings.admin  # noqa: E402,F401
