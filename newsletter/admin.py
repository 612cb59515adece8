"""The newsletter in the admin: write and preview issues, test-send, schedule, follow sending.

The tool pages (preview, test send, schedule, assemble a draft) are admin views that call the
services; the recipient count is shown before anything is scheduled or sent.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from newsletter import selectors
from newsletter.emails import IssueRenderer
from newsletter.forms import AssembleForm, IssueAdminForm, ScheduleForm, TestSendForm
from newsletter.models import Delivery, Issue, Subscriber, SubscriberTopic
from newsletter.services import delivery, drafting, subscriptions

SEND_PERMISSION = "newsletter.send_issue"


class SubscriberStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", gettext_lazy("Subscribed")),
            ("pending", gettext_lazy("Waiting for confirmation")),
            ("ended", gettext_lazy("Unsubscribed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "ended":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


class SubscriberTopicInline(admin.TabularInline):
    model = SubscriberTopic
    extra = 0
    can_delete = False
    readonly_fields = ["topic"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Subscribers join only by double opt-in (or a verified account): staff cannot add them."""

    list_display = ["email", "language", "state", "method", "requested_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [SubscriberStateFilter, "language", "method", "topics__topic"]
    search_fields = ["email"]
    date_hierarchy = "requested_at"
    inlines = [SubscriberTopicInline]
    actions = ["unsubscribe_selected"]
    readonly_fields = [
        "email",
        "language",
        "method",
        "consent_source",
        "consent_version",
        "requested_at",
        "confirmed_at",
        "unsubscribed_at",
        "unsubscribe_reason",
        "user",
    ]
    fieldsets = [
        (None, {"fields": ["email", "language", "user"]}),
        (
            gettext_lazy("Consent evidence"),
            {"fields": ["method", "consent_source", "consent_version", "requested_at", "confirmed_at"]},
        ),
        (gettext_lazy("End"), {"fields": ["unsubscribed_at", "unsubscribe_reason"]}),
    ]

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        return obj.state_label

    def has_add_permission(self, request):
        return False

    @admin.action(description=gettext_lazy("Unsubscribe the selected subscribers"), permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = 0
        for subscriber in queryset.filter(unsubscribed_at__isnull=True):
            count += subscriptions.subscriber_unsubscribe(subscriber=subscriber, reason=Subscriber.Reason.STAFF)
        self.message_user(request, _("%(count)s subscribers unsubscribed.") % {"count": count}, messages.SUCCESS)


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
    form = IssueAdminForm
    list_display = ["subject", "language", "quarter_label", "state", "scheduled_at", "sent_at", "progress"]
    list_filter = ["state", "language", "year", "quarter"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["translation_of"]
    change_form_template = "admin/newsletter/issue/change_form.html"
    change_list_template = "admin/newsletter/issue/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                n_deliveries=Count("deliveries"),
            )
        )

    def view_on_site(self, obj):
        """Only a sent issue has a public page."""
        return obj.get_absolute_url() if obj.state == Issue.State.SENT else None

    @admin.display(description=gettext_lazy("quarter"), ordering="year")
    def quarter_label(self, obj):
        return obj.quarter_label

    @admin.display(description=gettext_lazy("delivered"))
    def progress(self, obj):
        if not obj.n_deliveries:
            return "–"
        return f"{obj.n_sent} / {obj.n_deliveries}"

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state", "scheduled_at", "sending_started_at", "sent_at", "recipient_count", "created_by"]
        if obj is not None and not obj.is_editable:
            readonly += [f for f in IssueAdminForm.Meta.fields if f not in readonly]
        return readonly

    def get_fields(self, request, obj=None):
        return [
            *IssueAdminForm.Meta.fields,
            "state",
            "scheduled_at",
            "sending_started_at",
            "sent_at",
            "recipient_count",
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        editable = [Issue.State.DRAFT, Issue.State.SCHEDULED]
        if change and not Issue.objects.filter(pk=obj.pk, state__in=editable).exists():
            raise PermissionDenied(drafting.ISSUE_NOT_EDITABLE)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != Issue.State.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("assemble/", wrap(self.assemble_view), name="newsletter_issue_assemble"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="newsletter_issue_preview"),
            path("<int:pk>/preview/html/", wrap(self.preview_html_view), name="newsletter_issue_preview_html"),
            path("<int:pk>/test-send/", wrap(self.test_send_view), name="newsletter_issue_test_send"),
            path("<int:pk>/schedule/", wrap(self.schedule_view), name="newsletter_issue_schedule"),
            *super().get_urls(),
        ]

    # --- Tool pages --------------------------------------------------------------------------
    def _issue_or_404(self, request, pk, *, permission="view"):
        if permission == "send":
            if not request.user.has_perm(SEND_PERMISSION):
                raise PermissionDenied
        elif not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Issue, pk=pk)

    def _context(self, request, issue, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "issue": issue,
            "title": title,
            "can_send": request.user.has_perm(SEND_PERMISSION),
        }

    def preview_view(self, request, pk):
        """The text part as it will be sent, and a link to the HTML part."""
        issue = self._issue_or_404(request, pk)
        message = IssueRenderer(issue).message(to="preview@example.org", language=issue.language)
        context = self._context(request, issue, _("Preview: %(subject)s") % {"subject": issue.subject})
        context.update({"text": message.body, "headers": message.extra_headers, "subject": message.subject})
        return TemplateResponse(request, "admin/newsletter/issue/preview.html", context)

    def preview_html_view(self, request, pk):
        """The HTML part exactly as sent (inline styles need the page's CSP relaxed for styles only)."""
        from csp.decorators import csp_update

        issue = self._issue_or_404(request, pk)
        message = IssueRenderer(issue).message(to="preview@example.org", language=issue.language)
        html = message.alternatives[0][0]

        @csp_update({"style-src": ["'unsafe-inline'"]})
        def respond():
            return HttpResponse(html)

        return respond()

    def test_send_view(self, request, pk):
        issue = self._issue_or_404(request, pk, permission="send")
        form = TestSendForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                addresses = form.cleaned_data["addresses"]
                sent = drafting.issue_send_test(issue=issue, addresses=addresses, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if sent:
                    self.message_user(request, drafting.TEST_SENT % {"addresses": ", ".join(sent)}, messages.SUCCESS)
                repeats = [a for a in dict.fromkeys(map(subscriptions.normalize_email, addresses)) if a not in sent]
                if repeats:
                    self.message_user(
                        request, drafting.TEST_ALREADY_SENT % {"addresses": ", ".join(repeats)}, messages.WARNING
                    )
                return redirect("admin:newsletter_issue_change", issue.pk)
        context = self._context(request, issue, _("Send a test: %(subject)s") % {"subject": issue.subject})
        context["form"] = form
        return TemplateResponse(request, "admin/newsletter/issue/test_send.html", context)

    def schedule_view(self, request, pk):
        """Recipient count first; then schedule for a time, send now, or return to draft."""
        issue = self._issue_or_404(request, pk, permission="send")
        form = ScheduleForm(
            request.POST if request.POST.get("action") == "schedule" else None,
            initial={"scheduled_at": issue.scheduled_at and timezone.localtime(issue.scheduled_at)},
        )
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "schedule" and form.is_valid():
                    drafting.issue_schedule(issue=issue, at=form.cleaned_data["scheduled_at"], by=request.user)
                    self.message_user(request, _("The issue is scheduled."), messages.SUCCESS)
                    return redirect("admin:newsletter_issue_change", issue.pk)
                if action == "send_now":
                    delivery.issue_send_now(issue=issue, by=request.user)
                    self.message_user(request, _("Sending has started."), messages.SUCCESS)
                    return redirect("admin:newsletter_issue_change", issue.pk)
                if action == "unschedule":
                    drafting.issue_unschedule(issue=issue, by=request.user)
                    self.message_user(request, _("The issue is a draft again."), messages.SUCCESS)
                    return redirect("admin:newsletter_issue_change", issue.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
        context = self._context(request, issue, _("Schedule: %(subject)s") % {"subject": issue.subject})
        counts = selectors.recipient_counts_by_language(issue=issue)
        context.update(
            {
                "form": form,
                "recipient_count": sum(counts.values()),
                "counts_by_language": sorted(counts.items()),
                "deliveries": selectors.delivery_counts(issue=issue),
            }
        )
        return TemplateResponse(request, "admin/newsletter/issue/schedule.html", context)

    def assemble_view(self, request):
        """Start a draft assembled from the portal's calendar for a quarter."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        next_quarter = (today.month - 1) // 3 + 2
        initial = {
            "year": today.year + (next_quarter > 4),
            "quarter": (next_quarter - 1) % 4 + 1,
            "language": request.LANGUAGE_CODE,
        }
        form = AssembleForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            issue = drafting.issue_assemble_draft(created_by=request.user, **form.cleaned_data)
            self.message_user(request, _("A draft was assembled from the portal. Edit it before sending."))
            return redirect("admin:newsletter_issue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Assemble a draft from the portal"),
            "form": form,
        }
        return TemplateResponse(request, "admin/newsletter/issue/assemble.html", context)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber_email", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue", "subscriber"]
    readonly_fields = ["issue", "subscriber", "status", "attempts", "sent_at", "last_error"]

    @admin.display(description=gettext_lazy("e-mail"), ordering="subscriber__email")
    def subscriber_email(self, obj):
        return obj.subscriber.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
