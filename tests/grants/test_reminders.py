"""Reminders: drafters 14 and 3 days before a call closes, recipients when a report is due."""

import datetime as dt

import pytest
from django.utils import timezone

from grants import services, tasks
from grants.models import Application, GrantRound
from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_drafters_are_reminded_14_and_3_days_before_closing_once_each(draft, association_admin):
    now = timezone.now()
    GrantRound.objects.filter(pk=draft.round_id).update(closes_at=now + dt.timedelta(days=10))
    assert services.reminders_send_closing(now=now) == 1
    assert services.reminders_send_closing(now=now + dt.timedelta(hours=6)) == 0  # the same reminder
    assert services.reminders_send_closing(now=now + dt.timedelta(days=8)) == 1  # now within 3 days
    mails = Notification.objects.filter(to=association_admin.email, template="grant-closing-reminder")
    assert mails.count() == 2
    assert f"/grants/applications/{draft.pk}/edit/" in mails.first().body_text


def test_submitted_applications_get_no_closing_reminder(submitted):
    GrantRound.objects.filter(pk=submitted.round_id).update(closes_at=timezone.now() + dt.timedelta(days=2))
    assert services.reminders_send_closing() == 0


def test_reports_due_and_overdue_are_reminded_once_each(draft, association_admin):
    today = timezone.localdate()
    Application.objects.filter(pk=draft.pk).update(state="paid")
    GrantRound.objects.filter(pk=draft.round_id).update(report_due_on=today + dt.timedelta(days=5))
    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0
    assert services.reminders_send_reports(today=today + dt.timedelta(days=6)) == 1
    subjects = list(Notification.objects.filter(template="grant-report-reminder").values_list("subject", flat=True))
    assert len(subjects) == 2


def test_a_grants_own_report_date_overrides_the_rounds(in_review, staff, association_admin):
    today = timezone.localdate()
    GrantRound.objects.filter(pk=in_review.round_id).update(report_due_on=today + dt.timedelta(days=200))
    services.decision_make(
        application=in_review, user=staff, amount="500", grounds="ok", report_due_on=today + dt.timedelta(days=10)
    )
    services.payment_record(application=in_review, user=staff, amount="500", paid_on=today)
    in_review.refresh_from_db()
    assert in_review.report_due == today + dt.timedelta(days=10)
    assert services.reminders_send_reports(today=today) == 1
