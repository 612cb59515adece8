"""Reminders to the responsible staff when a staff-entered indicator value is due."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from portal.models import Notification
from portal.outbox import coordinator_email
from portal.programme import services
from portal.programme.models import FocusArea, Indicator, IndicatorValue, Programme
from portal.programme.tasks import programme_values_reminders
from tests.conftest import make_staff
from tests.dates import this_year

pytestmark = pytest.mark.django_db

YEAR = this_year()  # the year whose values are due; "today" is in the next one


@pytest.fixture
def programme(department):
    programme = Programme.objects.create(
        city="pori", slug="test-programme", name="Yhdistysohjelma", start_year=YEAR - 1, end_year=YEAR + 2
    )
    area = FocusArea.objects.create(programme=programme, order=1, title="Viestintä", goal_state="Tieto kulkee.")

    def indicator(order, name, source="manual", **extra):
        return Indicator.objects.create(focus_area=area, order=order, name=name, source=source, **extra)

    programme.lahella = indicator(1, "Lähellä.fi-rekisteröitymiset", responsible_department=department)
    programme.hearings = indicator(2, "Kuulemistilaisuudet", responsible_department=department)
    programme.orphan = indicator(3, "Yhteisprojektit")  # no department: the coordinator is told
    programme.done = indicator(4, "Jo syötetty", responsible_department=department)
    programme.computed = indicator(5, "Foorumit", source="computed", computed_key="portal.forums_and_networks")
    IndicatorValue.objects.create(indicator=programme.done, year=YEAR, value=3, source="manual", as_of=timezone.now())
    return programme


def sent(**filters):
    return list(Notification.objects.filter(template="programme-values-due", **filters).order_by("to"))


def test_the_responsible_staff_are_told_once_which_values_are_due(programme, department):
    staff = make_staff(department, "tilastot@city.example")
    make_staff(department, "ex@city.example").groups.clear()
    january = dt.date(YEAR + 1, 1, 2)

    assert services.indicator_values_send_reminders(today=january) == 2
    assert services.indicator_values_send_reminders(today=january + dt.timedelta(days=1)) == 0

    to_staff, to_coordinator = sent(to=staff.email), sent(to=coordinator_email())
    assert len(to_staff) == 1 and len(to_coordinator) == 1
    assert to_staff[0].key == f"programme-{programme.pk}-values-{YEAR}-due:user-{staff.pk}"
    body = to_staff[0].body_text
    assert "Lähellä.fi-rekisteröitymiset" in body and "Kuulemistilaisuudet" in body
    assert "Jo syötetty" not in body and "Foorumit" not in body and "Yhteisprojektit" not in body
    assert f"/admin/portal/indicatorvalue/add/?indicator={programme.lahella.pk}&year={YEAR}" in body
    assert to_staff[0].language == settings.LANGUAGE_CODE
    assert "Yhteisprojektit" in to_coordinator[0].body_text


def test_a_last_reminder_before_the_due_date_names_only_what_is_still_missing(programme, department):
    staff = make_staff(department, "tilastot@city.example")
    services.indicator_values_send_reminders(today=dt.date(YEAR + 1, 1, 2))
    services.indicator_value_enter(indicator=programme.lahella, year=YEAR, value="41", user=staff)
    due = services.values_due_date(YEAR)

    assert services.indicator_values_send_reminders(today=due - dt.timedelta(days=20)) == 0
    assert services.indicator_values_send_reminders(today=due - dt.timedelta(days=3)) == 2

    last = Notification.objects.get(key=f"programme-{programme.pk}-values-{YEAR}-last-call:user-{staff.pk}")
    assert "Kuulemistilaisuudet" in last.body_text and "Lähellä.fi" not in last.body_text


def test_nothing_is_due_during_the_year_or_after_the_due_date(programme, department):
    make_staff(department, "tilastot@city.example")
    services.indicator_values_send_reminders(today=dt.date(YEAR, 12, 31))  # last year's values may be due
    assert not Notification.objects.filter(key__contains=f"-values-{YEAR}-").exists()
    after = services.values_due_date(YEAR) + dt.timedelta(days=1)
    assert services.indicator_values_send_reminders(today=after) == 0
    assert not Notification.objects.filter(key__contains=f"-values-{YEAR}-").exists()


def test_beat_runs_the_reminders_daily(programme, department, time_machine):
    make_staff(department, "tilastot@city.example")
    time_machine.move_to(dt.datetime(YEAR + 1, 1, 5, 9, tzinfo=dt.UTC))
    programme_values_reminders.delay()
    assert len(sent()) == 2
    entry = settings.CELERY_BEAT_SCHEDULE["programme-values-reminders"]
    assert entry["task"] == "portal.programme.tasks.programme_values_reminders"
