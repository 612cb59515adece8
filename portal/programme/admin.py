"""The programme in the admin: staff edit the programme, its actions' statuses, manual values and surveys."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.programme import models


class FocusAreaInline(admin.StackedInline):
    model = models.FocusArea
    extra = 0


@admin.register(models.Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "city", "start_year", "end_year", "approved_at"]
    inlines = [FocusAreaInline]


class ActionInline(admin.TabularInline):
    model = models.Action
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = models.Indicator
    extra = 0
    fields = ["order", "name", "source", "computed_key", "survey_question", "unit", "direction", "baseline"]


@admin.register(models.FocusArea)
class FocusAreaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "order"]
    list_filter = ["programme"]
    inlines = [ActionInline, IndicatorInline]


class ActionStatusInline(admin.TabularInline):
    model = models.ActionStatus
    extra = 0


@admin.register(models.Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "focus_area", "responsible_department"]
    list_filter = ["focus_area__programme", "focus_area"]
    inlines = [ActionStatusInline]


class TargetInline(admin.TabularInline):
    model = models.IndicatorTarget
    extra = 0


@admin.register(models.Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "focus_area", "source", "computed_key", "unit", "direction"]
    list_filter = ["focus_area__programme", "source"]
    inlines = [TargetInline]


@admin.register(models.IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "quarter", "breakdown", "value", "status", "source", "as_of"]
    list_filter = ["indicator__focus_area__programme", "year", "status"]
    readonly_fields = ["entered_by"]


class QuestionInline(admin.TabularInline):
    model = models.SurveyQuestion
    extra = 0


@admin.register(models.Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "focus_area", "opens_on", "closes_on"]
    inlines = [QuestionInline]


class ErratumInline(admin.TabularInline):
    model = models.Erratum
    extra = 0
    readonly_fields = ["created_at"]


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "language", "state", "generated_at", "signed_at"]
    readonly_fields = ["snapshot", "state", "progress", "error", "generated_at", "signed_at", "signed_by", "as_of"]
    inlines = [ErratumInline]
