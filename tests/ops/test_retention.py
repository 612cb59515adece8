"""Retention: each job removes what is past its period and keeps what is not; a dry run shows
the same counts and changes nothing; every run is logged."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from associations.models import Membership
from newsletter.models import Delivery, Subscriber, SubscriberTopic
from portal.models import Notification
from portal.retention import all_retention_jobs, run_retention
from tests.factories import MembershipFactory
from tests.newsletter.factories import IssueFactory

DAY = timedelta(days=1)


@pytest.fixture
def now():
    return timezone.now()


def subscriber(email, **fields):
    defaults = {"language": "fi", "method": Subscriber.Method.DOUBLE_OPT_IN, "consent_version": "1"}
    return Subscriber.objects.create(email=email, **(defaults | fields))


def mail(key, *, sent_at=None, failed_at=None):
    return Notification.objects.create(
        key=key,
        to="resident@example.org",
        language="fi",
        template="test",
        subject="Hei",
        body_text="Viestisi: olen puheenjohtaja.",
        body_html="<p>Viestisi</p>",
        sent_at=sent_at,
        failed_at=failed_at,
    )


def test_every_app_registers_its_jobs():
    assert {
        "newsletter.unconfirmed",
        "newsletter.unsubscribed",
        "associations.rejected_claims",
        "portal.outbox_bodies",
    } <= set(all_retention_jobs())


def test_unconfirmed_newsletter_requests_go_after_their_period(db, now, settings):
    days = settings.RETENTION_DAYS["NEWSLETTER_UNCONFIRMED"]
    old = subscriber("old@example.org", requested_at=now - days * DAY - timedelta(minutes=5))
    recent = subscriber("recent@example.org", requested_at=now - days * DAY + timedelta(minutes=5))
    confirmed = subscriber("confirmed@example.org", requested_at=now - 400 * DAY, confirmed_at=now - 399 * DAY)

    (result,) = run_retention(only=["newsletter.unconfirmed"], now=now)

    assert result.count == 1
    assert not Subscriber.objects.filter(pk=old.pk).exists()
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}


def test_long_unsubscribed_addresses_are_erased_but_the_counts_stay(db, now, settings):
    days = settings.RETENTION_DAYS["NEWSLETTER_UNSUBSCRIBED"]
    start = now - (days + 100) * DAY
    old = subscriber("gone@example.org", requested_at=start, confirmed_at=start, unsubscribed_at=now - days * DAY - DAY)
    recent = subscriber(
        "left@example.org", requested_at=start, confirmed_at=start, unsubscribed_at=now - days * DAY + DAY
    )
    SubscriberTopic.objects.create(subscriber=old, topic=SubscriberTopic._meta.get_field("topic").choices[0][0])
    issue = IssueFactory()
    Delivery.objects.create(issue=issue, subscriber=old, status="failed", last_error="550 gone@example.org unknown")
    active_before = Subscriber.objects.active_on(start + DAY).count()

    (result,) = run_retention(only=["newsletter.unsubscribed"], now=now)

    old.refresh_from_db()
    assert result.count == 1
    assert old.email == f"erased-{old.pk}@erased.invalid" and old.user is None
    assert not old.topics.exists()
    assert Delivery.objects.get(subscriber=old).last_error == ""
    assert Subscriber.objects.get(pk=recent.pk).email == "left@example.org"
    assert Subscriber.objects.active_on(start + DAY).count() == active_before == 2
    assert run_retention(only=["newsletter.unsubscribed"], now=now)[0].count == 0  # idempotent


def test_rejected_claims_and_their_messages_go_after_their_period(db, now, settings):
    days = settings.RETENTION_DAYS["REJECTED_CLAIMS"]
    HistoricalMembership = Membership.history.model

    def rejected(email, days_ago):
        membership = MembershipFactory(
            user__email=email, state="rejected", approved_at=None, message="Olen puheenjohtaja.", decision_reason="Ei."
        )
        HistoricalMembership.objects.filter(id=membership.pk).update(history_date=now - days_ago * DAY)
        mail(f"membership-{membership.pk}-rejected-20250101120000")
        return membership

    old = rejected("old@example.org", days + 1)
    recent = rejected("recent@example.org", days - 1)
    approved = MembershipFactory(user__email="ok@example.org")
    HistoricalMembership.objects.filter(id=approved.pk).update(history_date=now - 1000 * DAY)

    (result,) = run_retention(only=["associations.rejected_claims"], now=now)

    assert result.count == 1
    assert not Membership.objects.filter(pk=old.pk).exists()
    assert not HistoricalMembership.objects.filter(id=old.pk).exists()
    old_mail = Notification.objects.get(key__startswith=f"membership-{old.pk}-")
    assert old_mail.body_text == "" and old_mail.to == "resident@example.org"  # the send log stays
    assert Membership.objects.filter(pk__in=[recent.pk, approved.pk]).count() == 2
    assert Notification.objects.get(key__startswith=f"membership-{recent.pk}-").body_text


def test_texts_of_old_sent_emails_are_blanked_and_the_send_log_stays(db, now, settings):
    days = settings.RETENTION_DAYS["OUTBOX_BODY"]
    old = mail("old", sent_at=now - days * DAY - DAY)
    old_failed = mail("old-failed", failed_at=now - days * DAY - DAY)
    recent = mail("recent", sent_at=now - days * DAY + DAY)
    unsent = mail("unsent")

    (result,) = run_retention(only=["portal.outbox_bodies"], now=now)

    assert result.count == 2
    for row in (old, old_failed):
        row.refresh_from_db()
        assert (row.body_text, row.body_html, row.to, row.subject) == ("", "", "resident@example.org", "Hei")
    assert Notification.objects.get(pk=recent.pk).body_text
    assert Notification.objects.get(pk=unsent.pk).body_text


def test_a_dry_run_shows_what_would_go_and_changes_nothing(db, now, settings, caplog):
    days = settings.RETENTION_DAYS["OUTBOX_BODY"]
    row = mail("old", sent_at=now - days * DAY - DAY)
    out = StringIO()

    with caplog.at_level(logging.INFO, logger="portal.retention"):
        call_command("retention", "--dry-run", stdout=out)

    assert "portal.outbox_bodies: would remove 1 (older than 90 days)" in out.getvalue()
    assert Notification.objects.get(pk=row.pk).body_text
    assert "retention portal.outbox_bodies: would remove 1" in caplog.text

    with caplog.at_level(logging.INFO, logger="portal.retention"):
        call_command("retention", "--job", "portal.outbox_bodies", stdout=StringIO())
    assert Notification.objects.get(pk=row.pk).body_text == ""
    assert "retention portal.outbox_bodies: removed 1 (older than 90 days)" in caplog.text


def test_a_job_set_to_zero_days_is_off_and_an_unknown_job_is_refused(db, now, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "OUTBOX_BODY": 0}
    mail("old", sent_at=now - 1000 * DAY)

    (result,) = run_retention(only=["portal.outbox_bodies"], now=now)

    assert result.days is None and result.count == 0
    assert Notification.objects.get(key="old").body_text
    with pytest.raises(CommandError, match="Unknown retention job"):
        call_command("retention", "--job", "nonsense")


def test_beat_runs_retention_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-run"]
    assert entry["task"] == "portal.tasks.retention_run" and entry["schedule"] == 24 * 60 * 60
