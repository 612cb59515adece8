"""The grants' indicators and calendar source, read through portal's registries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from grants import services
from grants.models import Application
from portal.registries import calendar_items, get_indicator
from tests.factories import AgeGroupFactory, ServiceAreaFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db


def test_applicants_recipients_and_money_by_area_and_age_group(department, staff):
    year = timezone.localdate().year
    grant_round = GrantRoundFactory(department=department)
    keskusta, noormarkku = ServiceAreaFactory(name="Keskusta"), ServiceAreaFactory(name="Noormarkku")
    children = AgeGroupFactory(name="Lapset")
    granted = ApplicationFactory(round=grant_round, state=Application.State.IN_REVIEW)
    granted.service_areas.set([keskusta, noormarkku])
    granted.age_groups.set([children])
    ApplicationFactory(round=grant_round, state=Application.State.SUBMITTED)
    ApplicationFactory(round=grant_round, state=Application.State.DRAFT)
    staff.is_superuser = True
    staff.save()
    services.decision_make(application=granted, user=staff, amount="800", grounds="ok")
    assert get_indicator("grants.applicants_per_year").value_for(year) == 2
    assert get_indicator("grants.recipients_per_year").value_for(year) == 1
    assert get_indicator("grants.applicants_per_year").value_for(year - 1) == 0
    by_area = get_indicator("grants.amount_by_service_area").value_for(year)
    assert by_area["Keskusta"] == by_area["Noormarkku"] == Decimal("400.00")
    assert get_indicator("grants.amount_by_age_group").value_for(year)["Lapset"] == Decimal("800.00")
    assert get_indicator("grants.amount_granted_per_year").value_for(year) == Decimal("800.00")


def test_rounds_open_close_and_report_due_are_on_the_merged_calendar():
    today = timezone.localdate()
    grant_round = GrantRoundFactory(title="Kevätavustukset", report_due_on=today + dt.timedelta(days=20))
    GrantRoundFactory(title="Unpublished", is_published=False)
    items = [
        i
        for i in calendar_items(today - dt.timedelta(days=30), today + dt.timedelta(days=60))
        if i.source == "grants.rounds"
    ]
    assert [i.extra["event"] for i in items] == ["opens", "closes", "report_due"]
    assert all("Kevätavustukset" in i.title for i in items)
    assert items[0].start == timezone.localtime(grant_round.opens_at)
    assert items[2].kind == "grant_reporting_deadline" and items[2].start == today + dt.timedelta(days=20)
    assert items[1].url == f"/fi/grants/calls/{grant_round.slug}/"


def test_reports_on_time_and_results_against_planned(in_review, staff, association_admin):
    from grants.models import GrantRound

    year = in_review.round.year
    GrantRound.objects.filter(pk=in_review.round_id).update(report_due_on=timezone.localdate() + dt.timedelta(days=30))
    services.decision_make(application=in_review, user=staff, amount="1000", grounds="ok")
    services.payment_record(application=in_review, user=staff, amount="1000", paid_on=timezone.localdate())
    assert get_indicator("grants.reports_on_time").value_for(year) == 0
    assert get_indicator("grants.results_achieved").value_for(year) is None
    planned = in_review.planned_results.get()  # target 40
    services.report_submit(
        application=in_review,
        user=association_admin,
        use_of_funds="Leiri",
        amount_used="1000",
        results={planned.pk: "30"},
    )
    assert get_indicator("grants.reports_on_time").value_for(year) == 100.0
    assert get_indicator("grants.results_achieved").value_for(year) == 75.0
