"""Staff run grant rounds here, scoped by department: staff see and act on their department's
rounds and applications only (membership of the department's staff group); superusers see all.

State changes are admin actions that call the services (so the workflow table, the log, the
ledger's row lock and the outbox e-mails apply exactly as elsewhere); the state, the committed
total and the decision are never edited as fields.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from grants import selectors, services
from grants.models import (
    Application,
    Clawback,
    Criterion,
    Decision,
    FormVersion,
    GrantReport,
    GrantRound,
    GrantType,
    Message,
    Panel,
    Payment,
    PlannedResult,
    Review,
    Transition,
)
from portal.models import Department

# Rows per page of a round's evaluation summary: a round can have thousands of applications.
SUMMARY_PAGE_SIZE = 50


def staff_departments(user):
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(staff_group__user=user)


@dataclass(frozen=True)
class SummaryRow:
    """A row of the evaluation summary as the page shows it: its strings made once here, not by
    a filter, a ``{% url %}`` and a ``{% blocktranslate %}`` per cell (50 rows a page)."""

    href: str
    title: str
    applicant: str
    rank: str
    requested: str
    average: str
    spread: str
    reviews: str
    recused: str
    state: str


def summary_rows(summaries, currency) -> list[SummaryRow]:
    """The page's ``ReviewSummary`` rows as ``SummaryRow``: the same text the template's filters
    made (a zero average shows as "–", like ``default``; the totals as ``join`` showed them)."""
    change = reverse("admin:grants_application_change", args=["0"])
    before, after = change.rsplit("/0/", 1)
    rows = []
    for row in summaries:
        application = row.application
        reviews = ", ".join(str(total) for total in row.totals)
        if row.pending:
            pending = ngettext("%(n)s pending", "%(n)s pending", row.pending) % {"n": row.pending}
            reviews = f"{reviews} ({pending})"
        rows.append(
            SummaryRow(
                href=f"{before}/{application.pk}/{after}",
                title=application.title,
                applicant=application.association.name,
                rank=str(row.rank) if row.rank else "–",
                requested=services.money(application.amount_requested, currency),
                average=formats.localize(row.average) if row.average else "–",
                spread="–" if row.spread is None else formats.localize(row.spread),
                reviews=reviews,
                recused=ngettext("%(n)s recused", "%(n)s recused", row.recused) % {"n": row.recused}
                if row.recused
                else "–",
                state=row.state_label,
            )
        )
    return rows


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the applicant"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the applicant"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount granted"),
        required=False,
        help_text=_(
            "Leave empty to grant each application its proposed amount (or else the amount applied for). 0 rejects."
        ),
    )
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 4}))
    report_due_on = forms.DateField(
        label=_("Report due (this grant)"), required=False, help_text=_("Leave empty to use the round's date.")
    )


class PaymentForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount"), required=False, help_text=_("Leave empty to pay the rest of the grant.")
    )
    paid_on = forms.DateField(label=_("Paid on"), initial=timezone.localdate)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)


class ClawbackForm(forms.Form):
    amount = forms.CharField(label=_("Amount to return"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Due"))


def _report_context(site, request):
    """``AdminSite.each_context`` without the list of every app and model for the navigation
    sidebar (about half of a report page's time): a wide report needs the width, and the
    breadcrumbs lead back."""
    script_name = request.META["SCRIPT_NAME"]
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "log_entries": site.get_log_entries(request),
    }


def _errors(exc):
    return " ".join(getattr(exc, "messages", [str(exc)]))


def _form_action(modeladmin, request, queryset, *, form_class, run, title, done):
    """An admin action that first asks for its details, then calls ``run(obj, cleaned_data)`` for each."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        count = 0
        for obj in queryset:
            try:
                run(obj, form.cleaned_data)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"{obj}: {_errors(exc)}", messages.ERROR)
        modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "grants/admin/action_form.html",
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


class DepartmentScoped:
    """Staff see and change only their department's objects; ``department_path`` leads there."""

    department_path = "department"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.department_path}__staff_group__user": request.user})

    def _in_scope(self, request, obj):
        if obj is None or request.user.is_superuser:
            return True
        department_id = obj
        for part in self.department_path.split("__"):
            department_id = getattr(department_id, part)
        return staff_departments(request.user).filter(pk=department_id.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)


class FormVersionInline(admin.StackedInline):
    model = FormVersion
    extra = 0
    fields = ("number", "fields", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("number", "fields", "note") if obj else ()


@admin.register(GrantType)
class GrantTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "contact", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("contact",)
    actions = ["add_pl_offer_form", "add_pl_simplified_offer_form"]

    def _add_schema(self, request, queryset, key):
        from grants.forms_schema import form_version_from_schema

        for grant_type in queryset:
            version = form_version_from_schema(grant_type=grant_type, key=key, user=request.user)
            self.message_user(request, _("%(type)s: form version %(n)d.") % {"type": grant_type, "n": version.number})

    @admin.action(description=_("Use the Polish statutory offer form (open competition) as a new form version"))
    def add_pl_offer_form(self, request, queryset):
        self._add_schema(request, queryset, "pl-offer-2018")

    @admin.action(description=_("Use the Polish simplified offer form (small grant) as a new form version"))
    def add_pl_simplified_offer_form(self, request, queryset):
        self._add_schema(request, queryset, "pl-simplified-offer-2018")


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    """A version already used by an application cannot be changed: make a new one instead."""

    list_display = ("grant_type", "number", "note", "created_at")
    list_filter = ("grant_type",)
    list_select_related = ("grant_type",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.applications.exists():
            return ("grant_type", "number", "fields", "note")
        return ()

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.applications.exists())


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1
    fields = ("order", "name", "weight", "max_score", "guidance")


class PanelInline(admin.TabularInline):
    model = Panel
    extra = 0
    fields = ("name", "members")
    autocomplete_fields = ("members",)


@admin.register(GrantRound)
class GrantRoundAdmin(DepartmentScoped, SimpleHistoryAdmin):
    list_display = (
        "title",
        "year",
        "department",
        "opens_at",
        "closes_at",
        "appropriation",
        "ledger_decided",
        "ledger_remaining",
        "is_published",
    )
    list_filter = ("year", "department", "grant_type", "is_published")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("committed", "ledger", "summary_link")
    autocomplete_fields = ("operator",)
    inlines = [CriterionInline, PanelInline]
    list_select_related = ("department", "grant_type")
    fieldsets = (
        (None, {"fields": ("title", "slug", "grant_type", "form_version", "department", "year", "description")}),
        (_("Dates"), {"fields": ("opens_at", "closes_at", "report_due_on", "comment_days", "is_published")}),
        (_("Money"), {"fields": ("currency", "appropriation", "committed", "ledger", "summary_link")}),
        (_("Cap rules"), {"fields": ("max_per_grant", "max_per_association_year", "max_share_percent")}),
        (_("Eligibility"), {"fields": ("eligible_kinds",)}),
        (_("Regranting"), {"fields": ("operator",)}),
    )

    def get_queryset(self, request):
        return selectors.rounds_with_ledger(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = staff_departments(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/summary/",
                self.admin_site.admin_view(self.summary_view),
                name="grants_grantround_summary",
            )
        ]
        return extra + super().get_urls()

    def summary_view(self, request, pk):
        """The panel's summary: weighted totals per application, the reviewers' spread, the ranking
        and the conflict declarations, a page at a time; the round's totals come from SQL over
        the whole round (the ledger sums with the summary's data version, so the round's own
        row is read without ``rounds_with_ledger``'s annotations)."""
        round_ = super().get_queryset(request).filter(pk=pk).first()
        if round_ is None or not self.has_view_permission(request, round_):
            raise Http404
        criteria = list(round_.criteria.all())
        order = request.GET.get("sort", "rank")
        summary = selectors.panel_summary(round_, order=order, criteria=criteria)
        page = Paginator(summary, SUMMARY_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = summary_rows(page.object_list, round_.currency)
        sorts = [
            (key, label, summary.order == key)
            for key, label in (("rank", _("Rank")), ("spread", _("Spread")), ("requested", _("Requested")))
        ]
        return TemplateResponse(
            request,
            "grants/admin/round_summary.html",
            {
                **_report_context(self.admin_site, request),
                "title": _("Evaluation summary: %(round)s") % {"round": round_.title},
                "round": round_,
                "page": page,
                "rows": rows,
                "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                "order": summary.order,
                "sorts": sorts,
                "criteria": criteria,
                "ledger": summary.ledger(),
                "opts": self.model._meta,
            },
        )

    @admin.display(description=_("evaluation"))
    def summary_link(self, obj):
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:grants_grantround_summary", args=[obj.pk]), _("Evaluation summary")
        )

    @admin.display(description=_("decided"))
    def ledger_decided(self, obj):
        return obj.ledger_decided

    @admin.display(description=_("remaining"))
    def ledger_remaining(self, obj):
        return obj.appropriation - obj.committed

    @admin.display(description=_("ledger"))
    def ledger(self, obj):
        if obj.pk is None:
            return "–"
        # The change form's object comes through get_queryset, already annotated with the sums.
        ledger = selectors.ledger_of(obj) if hasattr(obj, "ledger_decided") else selectors.round_ledger(obj)
        parts = [
            (_("requested"), ledger.requested),
            (_("proposed"), ledger.proposed),
            (_("decided"), ledger.decided),
            (_("paid"), ledger.paid),
            (_("returned"), ledger.returned),
            (_("remaining"), ledger.remaining),
        ]
        return " · ".join(f"{label}: {services.money(value, obj.currency)}" for label, value in parts)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlannedResultInline(ReadOnlyInline):
    model = PlannedResult
    fields = ("description", "target_value", "measure")


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ("at", "from_state", "to_state", "by", "note")


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ("reviewer", "conflict", "submitted_at", "comment")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("amount", "paid_on", "reference")


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "created_by", "from_city", "body")


@admin.register(Application)
class ApplicationAdmin(DepartmentScoped, SimpleHistoryAdmin):
    department_path = "round__department"
    list_display = ("title", "association", "round", "state", "amount_requested", "proposed_amount", "submitted_at")
    list_filter = ("state", "round__year", "round")
    search_fields = ("title", "association__name")
    list_select_related = ("association", "round")
    readonly_fields = (
        "round",
        "association",
        "form_version",
        "submitted_by",
        "submitted_at",
        "state",
        "title",
        "summary",
        "answers",
        "budget_lines",
        "own_contribution",
        "amount_requested",
        "age_groups",
        "service_areas",
        "strategy_goals",
    )
    fields = readonly_fields + ("proposed_amount",)
    inlines = [PlannedResultInline, ReviewInline, TransitionInline, PaymentInline, MessageInline]
    actions = [
        "start_review",
        "assign_panel",
        "publish_for_comment",
        "return_for_completion",
        "decide",
        "record_payment",
        "approve_report",
        "request_more_report",
        "claw_back",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if "proposed_amount" in form.changed_data:
            try:
                services.application_propose(application=obj, user=request.user, amount=obj.proposed_amount)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _errors(exc), messages.ERROR)

    @admin.action(description=_("Start review"))
    def start_review(self, request, queryset):
        count = 0
        for application in queryset:
            try:
                services.application_start_review(application=application, user=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{application}: {_errors(exc)}", messages.ERROR)
        self.message_user(request, ngettext("%(n)d in review.", "%(n)d in review.", count) % {"n": count})

    @admin.action(description=_("Assign a panel's members as reviewers"))
    def assign_panel(self, request, queryset):
        """Choose one of the round's panels; each member becomes a reviewer of each selected
        application, except one who represents the applicant (recused, and said so)."""
        rounds = set(queryset.values_list("round_id", flat=True))
        panels = Panel.objects.filter(round_id__in=rounds, round__department__in=staff_departments(request.user))

        class PanelChoiceForm(forms.Form):
            panel = forms.ModelChoiceField(label=_("Panel"), queryset=panels)

        def run(application, data):
            panel = data["panel"]
            if panel.round_id != application.round_id:
                raise ValidationError(_("The panel belongs to another round."))
            for member in panel.members.all():
                try:
                    services.review_assign(application=application, reviewer=member, user=request.user, panel=panel)
                except ValidationError as exc:
                    self.message_user(request, f"{member} / {application}: {_errors(exc)}", messages.WARNING)

        return _form_action(
            self,
            request,
            queryset,
            form_class=PanelChoiceForm,
            title=_("Assign a panel"),
            done=_("The panel was assigned to %(n)d applications."),
            run=run,
        )

    @admin.action(description=_("Publish for public comments"))
    def publish_for_comment(self, request, queryset):
        count = 0
        for application in queryset:
            try:
                services.application_publish_for_comment(application=application, user=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{application}: {_errors(exc)}", messages.ERROR)
        self.message_user(request, ngettext("%(n)d published.", "%(n)d published.", count) % {"n": count})

    @admin.action(description=_("Return for completion"))
    def return_for_completion(self, request, queryset):
        return _form_action(
            self,
            request,
            queryset,
            form_class=RequiredNoteForm,
            title=_("Return for completion"),
            done=_("%(n)d returned; the note was e-mailed."),
            run=lambda obj, data: services.application_return(application=obj, user=request.user, note=data["note"]),
        )

    @admin.action(description=_("Decide"))
    def decide(self, request, queryset):
        def run(obj, data):
            amount = data["amount"]
            if amount in (None, ""):
                amount = obj.proposed_amount if obj.proposed_amount is not None else obj.amount_requested
            services.decision_make(
                application=obj,
                user=request.user,
                amount=amount,
                grounds=data["grounds"],
                report_due_on=data.get("report_due_on"),
            )

        return _form_action(
            self,
            request,
            queryset,
            form_class=DecisionForm,
            title=_("Decide"),
            done=_("%(n)d decided; the applicants were e-mailed."),
            run=run,
        )

    @admin.action(description=_("Record a payment"))
    def record_payment(self, request, queryset):
        def run(obj, data):
            amount = data["amount"]
            if amount in (None, ""):
                decision = Decision.objects.filter(application=obj).first()
                if decision is None:
                    raise ValidationError(services.NOT_GRANTED)
                paid = obj.payments.aggregate(total=Sum("amount"))["total"] or 0
                amount = decision.amount - paid
            services.payment_record(
                application=obj, user=request.user, amount=amount, paid_on=data["paid_on"], reference=data["reference"]
            )

        return _form_action(
            self,
            request,
            queryset,
            form_class=PaymentForm,
            title=_("Record a payment"),
            done=_("%(n)d payments recorded."),
            run=run,
        )

    @admin.action(description=_("Approve the report"))
    def approve_report(self, request, queryset):
        return _form_action(
            self,
            request,
            queryset,
            form_class=NoteForm,
            title=_("Approve the report"),
            done=_("%(n)d reports approved."),
            run=lambda obj, data: services.report_approve(application=obj, user=request.user, note=data["note"]),
        )

    @admin.action(description=_("Ask for more in the report"))
    def request_more_report(self, request, queryset):
        return _form_action(
            self,
            request,
            queryset,
            form_class=RequiredNoteForm,
            title=_("Ask for more in the report"),
            done=_("%(n)d reports returned to the applicant."),
            run=lambda obj, data: services.report_request_more(application=obj, user=request.user, note=data["note"]),
        )

    @admin.action(description=_("Claw back"))
    def claw_back(self, request, queryset):
        return _form_action(
            self,
            request,
            queryset,
            form_class=ClawbackForm,
            title=_("Claw back"),
            done=_("%(n)d clawbacks made; the applicants were e-mailed."),
            run=lambda obj, data: services.clawback_create(
                application=obj, user=request.user, amount=data["amount"], reason=data["reason"], due_on=data["due_on"]
            ),
        )


class ReadOnlyAdmin(DepartmentScoped, SimpleHistoryAdmin):
    department_path = "application__round__department"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("application", "amount", "decided_by", "decided_at", "is_public")
    list_select_related = ("application__association", "decided_by")
    list_filter = ("application__round__year", "application__round")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("application", "amount", "paid_on", "reference")
    list_select_related = ("application__association",)


@admin.register(GrantReport)
class GrantReportAdmin(ReadOnlyAdmin):
    list_display = ("application", "state", "amount_used", "submitted_at", "approved_at")
    list_select_related = ("application__association",)
    list_filter = ("state",)


@admin.register(Clawback)
class ClawbackAdmin(ReadOnlyAdmin):
    list_display = ("application", "amount", "due_on", "returned_on")
    list_select_related = ("application__association",)


@admin.register(Review)
class ReviewAdmin(DepartmentScoped, admin.ModelAdmin):
    """Assignments are made with the action on the panel; here staff follow the reviews."""

    department_path = "application__round__department"
    list_display = ("application", "reviewer", "conflict", "submitted_at")
    list_filter = ("conflict",)
    list_select_related = ("application__association", "reviewer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PanelForm(forms.ModelForm):
    class Meta:
        model = Panel
        fields = ("round", "name", "members")
        help_texts = {
            "members": _(
                "City staff, and association representatives as in Poznań. A member who represents an applicant "
                "is never assigned that application (recused automatically)."
            )
        }


@admin.register(Panel)
class PanelAdmin(DepartmentScoped, admin.ModelAdmin):
    """Staff form the panels of their department's rounds and assign them to applications."""

    department_path = "round__department"
    form = PanelForm
    list_display = ("name", "round", "member_count")
    list_filter = ("round__year",)
    autocomplete_fields = ("members",)
    actions = ["assign_all"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("round").annotate(n_members=Count("members"))

    @admin.display(description=_("members"))
    def member_count(self, obj):
        return obj.n_members

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "round":
            kwargs["queryset"] = GrantRound.objects.filter(department__in=staff_departments(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if not staff_departments(request.user).filter(pk=obj.round.department_id).exists():
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Assign the panel to every submitted application of its round"))
    def assign_all(self, request, queryset):
        assigned = 0
        for panel in queryset.prefetch_related("members"):
            for application in panel.round.applications.filter(
                state__in=[Application.State.SUBMITTED, Application.State.IN_REVIEW]
            ):
                for member in panel.members.all():
                    try:
                        services.review_assign(application=application, reviewer=member, user=request.user, panel=panel)
                        assigned += 1
                    except ValidationError as exc:
                        self.message_user(request, f"{member} / {application}: {_errors(exc)}", messages.WARNING)
                    except PermissionDenied as exc:
                        self.message_user(request, _errors(exc), messages.ERROR)
        self.message_user(request, ngettext("%(n)d assignment.", "%(n)d assignments.", assigned) % {"n": assigned})
