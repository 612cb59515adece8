"""Admin of the portal core: the city's organisation, the contact directory, pages, forums, outbox."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from portal import outbox
from portal.forms import ContactPersonAdminForm
from portal.markdown import render_markdown
from portal.models import (
    AgeGroup,
    ContactPerson,
    Department,
    Forum,
    Heartbeat,
    Notification,
    Page,
    ServiceArea,
    Topic,
)


@admin.register(Department)
class DepartmentAdmin(TranslationAdmin):
    list_display = ["name", "short_name", "staff_group", "contact_count"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["staff_group"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_group").annotate(_contacts=Count("contacts"))

    @admin.display(description=_("contact persons"), ordering="_contacts")
    def contact_count(self, obj):
        return obj._contacts


@admin.register(ServiceArea)
class ServiceAreaAdmin(TranslationAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(AgeGroup)
class AgeGroupAdmin(TranslationAdmin):
    list_display = ["name", "min_age", "max_age", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    form = ContactPersonAdminForm
    list_display = ["name", "title", "department", "email", "is_coordinator", "is_public"]
    list_filter = ["is_coordinator", "is_public", "department", "topics"]
    search_fields = ["name", "title", "email", "department__name"]
    autocomplete_fields = ["department", "user"]
    filter_horizontal = ["topics"]
    list_select_related = ["department"]
    fieldsets = [
        (None, {"fields": ["name", "title", "department", "topics"]}),
        (_("Contact"), {"fields": ["email", "phone"]}),
        (_("Directory"), {"fields": ["is_coordinator", "is_public", "user"]}),
    ]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "show_in_footer", "updated_at"]
    list_filter = ["language", "slug", "show_in_footer"]
    search_fields = ["title", "slug", "body"]
    readonly_fields = ["preview", "updated_at"]
    fields = ["slug", "language", "title", "body", "show_in_footer", "preview", "updated_at"]

    @admin.display(description=_("preview (as saved)"))
    def preview(self, obj):
        """The saved body as the public page shows it: Markdown rendered and sanitised."""
        if not obj.pk:
            return _("Save the page to see a preview.")
        return render_markdown(obj.body)


@admin.register(Forum)
class ForumAdmin(TranslationAdmin):
    list_display = ["name", "kind", "department", "joined_year", "is_active"]
    list_filter = ["kind", "is_active", "department"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["department"]
    list_select_related = ["department"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class NotificationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting")),
            ("retrying", _("Retrying after an error")),
            ("sent", _("Sent")),
            ("failed", _("Gave up")),
        ]

    def queryset(self, request, queryset):
        unsent = queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        match self.value():
            case "waiting":
                return unsent.filter(attempts=0)
            case "retrying":
                return unsent.filter(attempts__gt=0)
            case "sent":
                return queryset.filter(sent_at__isnull=False)
            case "failed":
                return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read only. Staff can push selected rows out now, or retry ones that gave up."""

    list_display = ["key", "to", "subject", "language", "state", "attempts", "send_after", "sent_at"]
    list_filter = [NotificationStateFilter, "language", "template"]
    search_fields = ["key", "to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_now"]
    fieldsets = [
        (None, {"fields": ["key", "to", "language", "template"]}),
        (_("Message"), {"fields": ["subject", "body_text", "body_html", "headers"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "created_at",
                    "send_after",
                    "next_attempt_at",
                    "attempts",
                    "last_error",
                    "sent_at",
                    "failed_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def changelist_view(self, request, extra_context=None):
        """Above the list: the backlog (due, unsent) and when beat last ran."""
        from portal.health import outbox_backlog

        backlog, oldest_age = outbox_backlog()
        heartbeat = Heartbeat.objects.filter(name="beat").first()
        extra_context = {
            **(extra_context or {}),
            "outbox_backlog": backlog,
            "outbox_oldest_minutes": int(oldest_age // 60) if oldest_age is not None else None,
            "beat_last_seen_at": heartbeat.last_seen_at if heartbeat else None,
        }
        return super().changelist_view(request, extra_context=extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # No row can be edited (the outbox is evidence of what was sent); the changelist's
        # action needs the model-level permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.sent_at:
            return _("Sent")
        if obj.failed_at:
            return _("Gave up")
        if obj.attempts:
            return _("Retrying after an error")
        if obj.send_after > timezone.now():
            return _("Scheduled")
        return _("Waiting")

    @admin.action(description=_("Send the selected e-mails now (or retry them)"), permissions=["change"])
    def send_now(self, request, queryset):
        """Make the selected unsent rows due now (clearing "gave up"), then drain the outbox.

        The sending itself is the outbox's (``portal.outbox.send_due``): locking, one send per
        key, backoff on SMTP errors. Rows already sent are never sent again.
        """
        selected = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        if not selected:
            self.message_user(request, _("The selected e-mails have been sent already."), messages.WARNING)
            return
        now = timezone.now()
        Notification.objects.filter(pk__in=selected, sent_at__isnull=True).update(
            send_after=now, next_attempt_at=now, failed_at=None
        )
        outbox.send_due()
        sent = Notification.objects.filter(pk__in=selected, sent_at__isnull=False).count()
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d e-mail sent.", "%(count)d e-mails sent.", sent) % {"count": sent},
                messages.SUCCESS,
            )
        if sent < len(selected):
            unsent = len(selected) - sent
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail could not be sent: see the last error on its row.",
                    "%(count)d e-mails could not be sent: see the last error on each row.",
                    unsent,
                )
                % {"count": unsent},
                messages.ERROR,
            )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """When each periodic job last ran to its end. Read only."""

    list_display = ["name", "last_seen_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from portal.programme import admin as programme_admin  # noqa: E402,F401  (registers the programme's admin)

# --- Sections staff never use -------------------------------------------------------------
# Sites and the social sign-in applications are set up once by the portal's administrator;
# other staff do not see them in the admin (nor open them by address).
SUPERUSER_ONLY_APPS = {"sites", "socialaccount"}


def _superuser_only(model_admin):
    for name in (
        "has_module_permission",
        "has_view_permission",
        "has_add_permission",
        "has_change_permission",
        "has_delete_permission",
    ):
        original = getattr(model_admin, name)

        def check(request, *args, _original=original, **kwargs):
            return request.user.is_superuser and _original(request, *args, **kwargs)

        setattr(model_admin, name, check)


for _model, _model_admin in list(admin.site._registry.items()):
    if _model._meta.app_label in SUPERUSER_ONLY_APPS:
        _superuser_only(_model_admin)
