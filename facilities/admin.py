"""Staff manage facilities here, scoped by department: each department's staff see and edit only
their own facilities, spaces and bookings (membership of the department's staff group);
superusers see all. Bookings are decided with the approve/decline actions, which call the
services (so the booker is e-mailed and the time freed), never by editing the state.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from facilities import services
from facilities.models import (
    BookableHours,
    Booking,
    BookingFeedback,
    BookingSeries,
    Closure,
    Equipment,
    Facility,
    FacilityPhoto,
    Lease,
    PriceRule,
    SeasonAllocation,
    SeasonApplication,
    SeasonRound,
    SeasonSlotRequest,
    Space,
)
from portal.models import Department


def staff_departments(user):
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(staff_group__user=user)


class DepartmentScoped:
    """has_*_permission and choices limited to the staff member's departments."""

    department_path = "department_id"  # attribute path from the object to its department id

    def _department_id(self, obj):
        value = obj
        for part in self.department_path.split("."):
            value = getattr(value, part)
        return value

    def _in_scope(self, request, obj):
        if obj is None or request.user.is_superuser:
            return True
        return staff_departments(request.user).filter(pk=self._department_id(obj)).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)


class FacilityPhotoInline(admin.TabularInline):
    model = FacilityPhoto
    extra = 0


class FacilityClosureInline(admin.TabularInline):
    model = Closure
    fk_name = "facility"
    fields = ("starts_at", "ends_at", "reason")
    extra = 0


@admin.register(Facility)
class FacilityAdmin(DepartmentScoped, admin.ModelAdmin):
    list_display = ("name", "department", "service_area", "address", "is_public", "day_link")
    list_filter = ("department", "service_area", "is_public", "step_free_access")
    search_fields = ("name", "address")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("department", "service_area")
    inlines = [FacilityPhotoInline, FacilityClosureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = staff_departments(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        from django.urls import path

        day = path(
            "<int:object_id>/day/",
            self.admin_site.admin_view(self.day_view),
            name="facilities_facility_day",
        )
        return [day, *super().get_urls()]

    @admin.display(description=_("day view"))
    def day_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:facilities_facility_day", args=[obj.pk]), _("Day view")
        )

    def day_view(self, request, object_id):
        """All spaces of the facility on one day: bookings with their bookers, and closures.
        Only the facility's department's staff (and superusers) reach it; others get a 404."""
        import datetime as dt

        from django.http import Http404
        from django.utils import timezone

        from facilities.selectors import facility_day

        facility = self.get_queryset(request).filter(pk=object_id).first()
        if facility is None or not self.has_view_permission(request, facility):
            raise Http404("no such facility")
        try:
            day = dt.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        return TemplateResponse(
            request,
            "facilities/admin/facility_day.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(facility)s on %(day)s")
                % {"facility": facility.name, "day": formats.date_format(day, "DATE_FORMAT")},
                "facility": facility,
                "day": day,
                "previous_day": (day - dt.timedelta(days=1)).isoformat(),
                "next_day": (day + dt.timedelta(days=1)).isoformat(),
                "rows": facility_day(facility=facility, day=day),
                "opts": self.model._meta,
                "original": facility,
            },
        )


class BookableHoursInline(admin.TabularInline):
    model = BookableHours
    extra = 0


class SpaceClosureInline(admin.TabularInline):
    model = Closure
    fk_name = "space"
    fields = ("starts_at", "ends_at", "reason")
    extra = 0


class PriceRuleInline(admin.TabularInline):
    model = PriceRule
    extra = 0


class SpaceForm(forms.ModelForm):
    class Meta:
        model = Space
        fields = [
            "facility",
            "parent",
            "name",
            "slug",
            "description",
            "capacity",
            "area_m2",
            "equipment",
            "is_shared_use",
            "is_bookable",
            "requires_approval",
            "terms",
            "min_minutes",
            "max_minutes",
            "start_interval_minutes",
            "horizon_days",
            "buffer_minutes",
            "cancellation_hours",
        ]

    def clean(self):
        cleaned = super().clean()
        parent, facility = cleaned.get("parent"), cleaned.get("facility")
        if parent is not None and facility is not None:
            if parent.facility_id != facility.pk:
                raise ValidationError({"parent": _("A space can only be part of a space in the same facility.")})
            ancestor = parent
            while ancestor is not None:
                if self.instance.pk and ancestor.pk == self.instance.pk:
                    raise ValidationError({"parent": _("A space cannot be part of itself.")})
                ancestor = ancestor.parent
        return cleaned


@admin.register(Space)
class SpaceAdmin(DepartmentScoped, admin.ModelAdmin):
    form = SpaceForm
    department_path = "facility.department_id"
    list_display = ("name", "facility", "parent", "capacity", "is_shared_use", "requires_approval", "is_bookable")
    list_filter = ("is_shared_use", "requires_approval", "is_bookable", "facility__service_area")
    search_fields = ("name", "facility__name")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("facility", "parent")
    filter_horizontal = ("equipment",)
    inlines = [BookableHoursInline, SpaceClosureInline, PriceRuleInline]
    fieldsets = (
        (None, {"fields": ("facility", "parent", "name", "slug", "description", "capacity", "area_m2", "equipment")}),
        (_("Use"), {"fields": ("is_shared_use", "is_bookable", "requires_approval", "terms")}),
        (
            _("Rules"),
            {
                "fields": (
                    "min_minutes",
                    "max_minutes",
                    "start_interval_minutes",
                    "horizon_days",
                    "buffer_minutes",
                    "cancellation_hours",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "facility":
            kwargs["queryset"] = Facility.objects.for_staff(request.user)
        if db_field.name == "parent":
            kwargs["queryset"] = Space.objects.for_staff(request.user).select_related("facility")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the booker by e-mail."),
    )


class MoveForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))

    def times(self):
        import datetime as dt

        from django.utils import timezone

        data = self.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["date"], data["starts"]))
        ends_day = data["date"] + dt.timedelta(days=1) if data["ends"] == dt.time(0) else data["date"]
        return starts_at, timezone.make_aware(dt.datetime.combine(ends_day, data["ends"]))


class WaitingFilter(admin.SimpleListFilter):
    title = _("approval queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for approval"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(state=Booking.State.REQUESTED)
        return queryset


@admin.register(Booking)
class BookingAdmin(DepartmentScoped, SimpleHistoryAdmin):
    department_path = "space.facility.department_id"
    list_display = ("space", "starts_at", "ends_at", "booker", "association", "state", "price")
    list_filter = (WaitingFilter, "state", "space__facility")
    search_fields = ("space__name", "space__facility__name", "booker__email", "association__name", "purpose")
    date_hierarchy = "starts_at"
    list_select_related = ("space", "space__facility", "booker", "association")
    actions = ["approve", "decline", "cancel", "move"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

    def has_add_permission(self, request):
        return False  # bookings are made through the booking service (the public form)

    def _each(self, request, queryset, call, done_message):
        done = 0
        for booking in queryset:
            try:
                call(booking)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{booking}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Approve the selected bookings"), permissions=["change"])
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.booking_approve(booking=b, user=request.user),
            lambda n: ngettext("%(n)d booking confirmed.", "%(n)d bookings confirmed.", n) % {"n": n},
        )

    @admin.action(description=_("Cancel the selected bookings"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.booking_cancel(booking=b, user=request.user, by_staff=True),
            lambda n: ngettext("%(n)d booking cancelled.", "%(n)d bookings cancelled.", n) % {"n": n},
        )

    @admin.action(description=_("Decline the selected bookings (asks for a reason)"), permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda b: services.booking_decline(booking=b, user=request.user, reason=reason),
                lambda n: ngettext("%(n)d booking declined.", "%(n)d bookings declined.", n) % {"n": n},
            )
            return None
        return TemplateResponse(
            request,
            "facilities/admin/decline_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Decline bookings"),
                "queryset": queryset,
                "form": form,
                "opts": self.model._meta,
                "action": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Move the selected booking to another time"), permissions=["change"])
    def move(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one booking to move."), messages.ERROR)
            return None
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            starts_at, ends_at = form.times()
            self._each(
                request,
                queryset,
                lambda b: services.booking_move(booking=b, user=request.user, starts_at=starts_at, ends_at=ends_at),
                lambda n: _("The booking is moved and the booker told."),
            )
            return None
        return TemplateResponse(
            request,
            "facilities/admin/move_form.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Move a booking"),
                "queryset": queryset,
                "form": form,
                "opts": self.model._meta,
                "action": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- Seasonal rounds ---------------------------------------------------------------------------
class SeasonSlotRequestInline(admin.TabularInline):
    model = SeasonSlotRequest
    extra = 0


@admin.register(SeasonApplication)
class SeasonApplicationAdmin(DepartmentScoped, SimpleHistoryAdmin):
    department_path = "round.department_id"
    list_display = ("association", "round", "purpose", "age_group", "group_size", "slots_wanted", "created_at")
    list_filter = ("round", "age_group")
    search_fields = ("association__name", "purpose")
    list_select_related = ("association", "round", "age_group")
    autocomplete_fields = ("association",)
    inlines = [SeasonSlotRequestInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(round__department__in=staff_departments(request.user))


class SeasonAllocationInline(admin.TabularInline):
    model = SeasonAllocation
    fields = ("application", "space", "weekday", "starts", "ends", "state", "note")
    readonly_fields = ("state",)
    extra = 0


@admin.register(SeasonRound)
class SeasonRoundAdmin(DepartmentScoped, admin.ModelAdmin):
    list_display = ("name", "department", "season_starts", "season_ends", "applications_close", "state")
    list_filter = ("state", "department")
    filter_horizontal = ("spaces",)
    readonly_fields = ("report",)
    inlines = [SeasonAllocationInline]
    actions = ["propose", "publish"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(department__in=staff_departments(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = staff_departments(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "spaces":
            kwargs["queryset"] = Space.objects.for_staff(request.user).select_related("facility")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("conflicts and fairness of the last proposal"))
    def report(self, obj):
        report = obj.allocation_report or {}
        if not report:
            return _("No proposal yet: use the action “Propose an allocation”.")
        conflicts = format_html_join(
            "",
            "<li>{}: {} – {}</li>",
            ((c["association"], c["slot"], c["reason"]) for c in report.get("conflicts", [])),
        )
        fairness = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (name, row["asked_hours"], row["given_hours"])
                for table in ("associations", "age_groups")
                for name, row in report.get("fairness", {}).get(table, {}).items()
            ),
        )
        return format_html(
            "<p>{}</p><ul>{}</ul><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Conflicts"),
            conflicts or format_html("<li>{}</li>", _("None")),
            _("Association or age group"),
            _("Hours a week asked"),
            _("Hours a week given"),
            fairness,
        )

    @admin.action(description=_("Propose an allocation by the published principles"), permissions=["change"])
    def propose(self, request, queryset):
        for season in queryset:
            try:
                services.season_propose(round=season, user=request.user)
                self.message_user(request, _("%(round)s: allocation proposed.") % {"round": season}, messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, f"{season}: {' '.join(exc.messages)}", messages.ERROR)

    @admin.action(description=_("Publish the results as booking series"), permissions=["change"])
    def publish(self, request, queryset):
        for season in queryset:
            try:
                services.season_publish(round=season, user=request.user)
                self.message_user(request, _("%(round)s: results published.") % {"round": season}, messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, f"{season}: {' '.join(exc.messages)}", messages.ERROR)


@admin.register(BookingSeries)
class BookingSeriesAdmin(DepartmentScoped, admin.ModelAdmin):
    department_path = "allocation.round.department_id"
    list_display = ("allocation", "skipped_count", "cancelled_at")
    readonly_fields = ("allocation", "skipped_dates", "cancelled_at")
    fields = ("allocation", "skipped_dates", "cancelled_at")
    actions = ["cancel_series", "readd_skipped"]

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("allocation__application__association", "allocation__space__facility")
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(allocation__round__department__in=staff_departments(request.user))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("skipped dates"))
    def skipped_count(self, obj):
        return len(obj.skipped)

    @admin.display(description=_("skipped dates and reasons"))
    def skipped_dates(self, obj):
        return format_html_join("", "<li>{}: {}</li>", ((s["date"], s["reason"]) for s in obj.skipped)) or "–"

    @admin.action(description=_("Try the skipped dates of the selected series again"), permissions=["change"])
    def readd_skipped(self, request, queryset):
        import datetime as dt

        for series in queryset:
            added = 0
            for entry in list(series.skipped):
                try:
                    services.series_date_readd(
                        series=series, day=dt.date.fromisoformat(entry["date"]), user=request.user
                    )
                    added += 1
                except ValidationError as exc:
                    self.message_user(request, f"{series}: {' '.join(exc.messages)}", messages.WARNING)
            if added:
                message = ngettext("%(n)d date re-added.", "%(n)d dates re-added.", added) % {"n": added}
                self.message_user(request, f"{series}: {message}", messages.SUCCESS)

    @admin.action(description=_("Cancel the selected series (every coming booking)"), permissions=["change"])
    def cancel_series(self, request, queryset):
        for series in queryset:
            try:
                n = services.series_cancel(series=series, user=request.user)
                self.message_user(request, _("%(n)d bookings cancelled.") % {"n": n}, messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, f"{series}: {' '.join(exc.messages)}", messages.ERROR)


@admin.register(BookingFeedback)
class BookingFeedbackAdmin(DepartmentScoped, admin.ModelAdmin):
    department_path = "booking.space.facility.department_id"
    list_display = ("booking", "rating", "text", "created_at")
    list_filter = ("rating", "booking__space__facility")
    readonly_fields = ("booking", "rating", "text", "created_at")
    list_select_related = ("booking", "booking__space", "booking__space__facility")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(booking__space__facility__department__in=staff_departments(request.user))

    def has_add_permission(self, request):
        return False


@admin.register(Lease)
class LeaseAdmin(DepartmentScoped, admin.ModelAdmin):
    department_path = "space.facility.department_id"
    list_display = ("space", "tenant", "starts_on", "ends_on", "rent_per_month", "is_offered", "document_link")
    list_filter = ("is_offered", "space__facility")
    search_fields = ("space__name", "space__facility__name", "tenant__name")
    autocomplete_fields = ("tenant",)
    list_select_related = ("space", "space__facility", "tenant")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(space__facility__department__in=staff_departments(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "space":
            kwargs["queryset"] = Space.objects.for_staff(request.user).select_related("facility")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if not obj.document:
            return "–"
        return format_html('<a href="{}">PDF</a>', reverse("facilities:lease-document", args=[obj.pk]))
