"""Staff keep the year plan and the meetings here. Actions call the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from annualclock import selectors, services
from annualclock.forms import ClockEntryAdminForm, MeetingAdminForm
from annualclock.models import ClockEntry, Meeting, MeetingInvitation, MeetingMaterial, MeetingResponse
from portal.registries import staff_waiting


@admin.register(ClockEntry)
class ClockEntryAdmin(SimpleHistoryAdmin):
    form = ClockEntryAdminForm
    list_display = ["title", "kind", "year", "month", "exact_dates", "state", "has_meeting"]
    list_filter = ["year", "kind", "state"]
    search_fields = ["title", "description", "audience"]
    ordering = ["-year", "month", "start_date", "title"]
    readonly_fields = ["copied_from", "created_at", "updated_at"]
    actions = ["copy_to_next_year", "publish", "match_sources"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "year", "month", "state"]}),
        (
            _("Exact dates (when they are fixed)"),
            {"fields": ["start_date", "end_date", "start_time", "end_time"]},
        ),
        (None, {"fields": ["description", "audience", "link", "replaced_by_uid"]}),
        (_("Record"), {"fields": ["copied_from", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting")

    @admin.display(description=_("exact dates"))
    def exact_dates(self, entry):
        if entry.start_date is None:
            return _("month only")
        return selectors.entry_for_display(entry).when

    @admin.display(description=_("meeting fixed"), boolean=True)
    def has_meeting(self, entry):
        return hasattr(entry, "meeting")

    @admin.action(description=_("Copy to next year's plan (as drafts, month precision)"))
    def copy_to_next_year(self, request, queryset):
        try:
            result = services.clock_entries_copy_to_next_year(entries=queryset, by=request.user)
        except ValidationError as exc:  # e.g. a copy of a 2100 entry would fall outside the clock
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(created)s entry copied to next year's draft plan; %(skipped)s had been copied already.",
                "%(created)s entries copied to next year's draft plan; %(skipped)s had been copied already.",
                result.created,
            )
            % {"created": result.created, "skipped": result.skipped},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected entries"))
    def publish(self, request, queryset):
        count = services.clock_entries_publish(entries=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)s entry published.", "%(count)s entries published.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Let dated items from other apps (grant rounds, newsletters) stand for these entries"))
    def match_sources(self, request, queryset):
        count = services.clock_entries_match_sources(entries=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)s entry now gives way to a dated item of the same kind and month.",
                "%(count)s entries now give way to dated items of the same kind and month.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class MeetingMaterialInline(admin.TabularInline):
    model = MeetingMaterial
    extra = 1
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class MeetingResponseInline(admin.TabularInline):
    model = MeetingResponse
    extra = 0
    can_delete = False
    fields = ["association", "answer", "attendees", "names", "channel", "updated_at"]
    readonly_fields = fields
    verbose_name_plural = _("answers to invitations")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("association")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    form = MeetingAdminForm
    inlines = [MeetingMaterialInline, MeetingResponseInline]
    list_display = ["title", "forum", "starts_at", "invitation_status", "answers", "attending_people"]
    list_filter = ["forum__kind", "forum", "invited_late"]
    search_fields = ["title", "agenda", "place"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["clock_entry"]
    readonly_fields = ["invitation_status", "answer_overview", "created_by", "created_at", "updated_at"]
    actions = ["send_invitations", "remind_silent"]
    fieldsets = [
        (None, {"fields": ["forum", "title", "starts_at", "ends_at", "place", "online_url", "capacity", "agenda"]}),
        (_("Plan and invitations"), {"fields": ["clock_entry", "audience", "send_invitations", "invitation_status"]}),
        (_("Answers"), {"fields": ["answer_overview"]}),
        (_("After the meeting"), {"fields": ["minutes", "matters_handled"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("forum").with_answer_counts()

    @admin.display(description=_("invitations"))
    def invitation_status(self, meeting):
        if meeting.invited_at is None:
            return _("not sent")
        lead = timeuntil(meeting.invited_at + meeting.invitation_lead_time, meeting.invited_at)
        if meeting.invited_late:
            return _("sent %(lead)s ahead – less than 7 days") % {"lead": lead}
        return _("sent %(lead)s ahead") % {"lead": lead}

    @admin.display(description=_("answers"), ordering="answers")
    def answers(self, meeting):
        return getattr(meeting, "answers", None)

    @admin.display(description=_("people attending"), ordering="attending_people")
    def attending_people(self, meeting):
        return getattr(meeting, "attending_people", None) or 0

    @admin.display(description=_("who answered and who has not"))
    def answer_overview(self, meeting):
        if meeting.pk is None:
            return "–"
        return render_to_string("annualclock/_answer_table.html", {"summary": selectors.answer_summary(meeting)})

    def save_model(self, request, obj, form, change):
        result = services.meeting_save(meeting=obj, by=request.user)
        if not self._will_invite(form):  # otherwise the invitation's own warning says it
            for warning in result.warnings:
                self.message_user(request, warning, messages.WARNING)
        if result.change_mailed_to:
            self.message_user(
                request,
                ngettext(
                    "The meeting moved: %(count)s invited address was told.",
                    "The meeting moved: %(count)s invited addresses were told.",
                    result.change_mailed_to,
                )
                % {"count": result.change_mailed_to},
                messages.INFO,
            )

    @staticmethod
    def _will_invite(form):
        meeting = form.instance
        return bool(form.cleaned_data.get("send_invitations") and meeting.audience and meeting.invited_at is None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self._will_invite(form):
            self._invite(request, form.instance)

    def _invite(self, request, meeting):
        try:
            result = services.meeting_invite(meeting=meeting, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, f"{meeting}: {message}", messages.ERROR)
            return
        meeting.refresh_from_db()
        text = ngettext(
            "%(meeting)s: %(count)s invitation queued for sending.",
            "%(meeting)s: %(count)s invitations queued for sending.",
            result.invited,
        ) % {"meeting": meeting, "count": result.invited}
        if result.late:
            lead = timeuntil(timezone.now() + result.lead_time)
            text += " " + str(
                _(
                    "Sent %(lead)s before the meeting: less than the 7 days the programme asks. "
                    "This is recorded in the indicators."
                )
                % {"lead": lead}
            )
            self.message_user(request, text, messages.WARNING)
        else:
            self.message_user(request, text, messages.SUCCESS)

    @admin.action(description=_("Send invitations to the audience (each address once)"))
    def send_invitations(self, request, queryset):
        for meeting in queryset.select_related("forum"):
            self._invite(request, meeting)

    @admin.action(description=_("Remind the associations that have not answered"))
    def remind_silent(self, request, queryset):
        for meeting in queryset:
            try:
                count = services.meeting_remind_silent(meeting=meeting, by=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, f"{meeting}: {message}", messages.ERROR)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(meeting)s: %(count)s reminder queued.",
                    "%(meeting)s: %(count)s reminders queued (each address at most once a day).",
                    count,
                )
                % {"meeting": meeting, "count": count},
                messages.SUCCESS,
            )


@admin.register(MeetingResponse)
class MeetingResponseAdmin(SimpleHistoryAdmin):
    list_display = ["association", "meeting", "answer", "attendees", "channel", "updated_at"]
    list_filter = ["answer", "channel", "meeting__forum"]
    search_fields = ["association__name", "meeting__title", "names"]
    list_select_related = ["association", "meeting"]
    readonly_fields = [
        "meeting",
        "association",
        "answer",
        "attendees",
        "names",
        "channel",
        "answered_by",
        "answered_by_email",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(MeetingInvitation)
class MeetingInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "association", "meeting", "audience", "invited_at"]
    list_filter = ["audience", "meeting__forum"]
    search_fields = ["email", "association__name", "meeting__title"]
    list_select_related = ["association", "meeting"]
    readonly_fields = ["meeting", "email", "name", "language", "association", "audience", "invited_at"]

    def has_add_permission(self, request):
        return False


@staff_waiting("annualclock.minutes", order=40)
def meetings_without_minutes(request):
    """Meetings already held whose minutes are not written yet."""
    from django.urls import reverse

    from portal.permissions import staff_has_perm
    from portal.registries import StaffTask

    if not staff_has_perm(request.user, "annualclock.change_meeting"):
        return None
    count = Meeting.objects.filter(ends_at__lt=timezone.now(), minutes="").count()
    return StaffTask(
        label=str(_("Meetings held without minutes")),
        count=count,
        url=reverse("admin:annualclock_meeting_changelist") + "?minutes__exact=",
    )
