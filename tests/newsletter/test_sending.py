"""Sending an issue: one message per subscriber, the RFC 8058 headers, batches, failures."""

import datetime as dt
import email
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import delivery, drafting, subscriptions
from newsletter.tokens import read_manage_token
from portal.models import Notification
from tests.newsletter.backends import CommitModeBackend, CountingBackend, DyingBackend, synchronous_commit
from tests.newsletter.factories import IssueFactory, SubscriberFactory, bulk_subscribers

pytestmark = pytest.mark.django_db


def send(issue, capture):
    with capture(execute=True):
        delivery.issue_send_now(issue=issue)
    issue.refresh_from_db()
    return issue


def test_an_issue_goes_once_to_each_subscriber_of_its_language(django_capture_on_commit_callbacks):
    readers = [SubscriberFactory(language="fi") for _ in range(3)]
    SubscriberFactory(language="sv")
    SubscriberFactory(language="fi", confirmed_at=None)  # pending: not a recipient
    SubscriberFactory(language="fi", unsubscribed_at=timezone.now())  # ended
    issue = send(IssueFactory(language="fi"), django_capture_on_commit_callbacks)

    assert issue.state == Issue.State.SENT
    assert issue.recipient_count == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_every_message_has_one_click_unsubscribe_headers_and_both_parts(django_capture_on_commit_callbacks):
    reader = SubscriberFactory(email="reader@example.org", language="en")  # the frame is in the reader's language
    issue = send(
        IssueFactory(subject="Yhdistysuutiset 4/2026", language="fi", all_languages=True),
        django_capture_on_commit_callbacks,
    )

    message = mail.outbox[0]
    assert message.subject == "Yhdistysuutiset 4/2026"
    unsubscribe, mailto = message.extra_headers["List-Unsubscribe"].split(", ")
    assert unsubscribe.startswith("<https://portal.example/en/newsletter/unsubscribe/")
    assert read_manage_token(unsubscribe.rstrip(">/").rsplit("/", 1)[1]) == reader.pk
    assert mailto == "<mailto:yhdistysyhteistyo@pori.fi?subject=unsubscribe>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == f"<newsletter-{issue.pk}-{reader.pk}@portal.example>"
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert '<h2 style="' in html and "<strong>avustushaku</strong>" in html
    assert unsubscribe.strip("<>") in html and unsubscribe.strip("<>") in message.body
    assert "Kevään **avustushaku** alkaa helmikuussa." in message.body
    assert "<style" not in html  # styles are inline: mail programs drop style blocks
    assert "This message has no tracking" in message.body  # the footer, in the reader's language
    assert (
        '<html lang="en">' in html
        and '<h1 style="margin:0 0 16px;font-size:26px;line-height:1.25;color:#003a70;" lang="fi">' in html
    )


def test_the_body_is_sanitised(django_capture_on_commit_callbacks):
    SubscriberFactory()
    issue = IssueFactory(body='Hei <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">linkki</a>')
    send(issue, django_capture_on_commit_callbacks)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_all_languages_reaches_languages_without_their_own_version(django_capture_on_commit_callbacks):
    fi, sv, en = SubscriberFactory(language="fi"), SubscriberFactory(language="sv"), SubscriberFactory(language="en")
    original = IssueFactory(language="fi", all_languages=True)
    IssueFactory(language="sv", translation_of=original)

    send(original, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([fi.email, en.email])
    assert sv.email not in [m.to[0] for m in mail.outbox]


def test_topics_narrow_the_recipients(django_capture_on_commit_callbacks):
    grants = SubscriberFactory(topics=["grants"])
    SubscriberFactory(topics=["facilities"])

    send(IssueFactory(topics=["grants", "training"]), django_capture_on_commit_callbacks)

    assert [m.to[0] for m in mail.outbox] == [grants.email]


def test_each_batch_uses_one_smtp_connection(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.CountingBackend"
    CountingBackend.opened = 0
    bulk_subscribers(25)
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)

    first = delivery.deliveries_send_batch(issue_id=issue.pk, limit=10)
    assert (first.sent, first.more) == (10, True)
    assert CountingBackend.opened == 1
    delivery.deliveries_send_batch(issue_id=issue.pk, limit=10)
    last = delivery.deliveries_send_batch(issue_id=issue.pk, limit=10)

    assert (last.sent, last.more) == (5, False)
    assert CountingBackend.opened == 3
    assert len(mail.outbox) == 25
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT


def test_running_a_batch_or_the_start_again_sends_nothing_twice():
    bulk_subscribers(6)
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)
    delivery.deliveries_send_batch(issue_id=issue.pk, limit=4)

    delivery.issue_start_sending(issue_id=issue.pk)  # a repeated start: not scheduled any more
    delivery.deliveries_send_batch(issue_id=issue.pk)
    delivery.deliveries_send_batch(issue_id=issue.pk)

    assert Delivery.objects.count() == 6
    assert len(mail.outbox) == 6
    assert len({m.to[0] for m in mail.outbox}) == 6


def test_a_subscriber_who_unsubscribes_during_sending_is_skipped():
    first, second = SubscriberFactory(), SubscriberFactory()
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)
    subscriptions.subscriber_unsubscribe(subscriber=second, reason=Subscriber.Reason.ONE_CLICK)

    result = delivery.deliveries_send_batch(issue_id=issue.pk)

    assert (result.sent, result.skipped) == (1, 1)
    assert [m.to[0] for m in mail.outbox] == [first.email]
    assert Delivery.objects.get(subscriber=second).status == Delivery.Status.SKIPPED


def test_a_refused_address_fails_and_a_full_mailbox_waits_while_the_others_get_the_issue(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.RefusingBackend"
    refused = SubscriberFactory(email="refused@example.org")
    busy = SubscriberFactory(email="busy@example.org")
    fine = SubscriberFactory(email="fine@example.org")
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)

    result = delivery.deliveries_send_batch(issue_id=issue.pk)

    assert (result.sent, result.failed, result.deferred) == (1, 1, 1)
    assert [m.to[0] for m in mail.outbox] == [fine.email]
    assert Delivery.objects.get(subscriber=refused).status == Delivery.Status.FAILED
    waiting = Delivery.objects.get(subscriber=busy)
    assert waiting.status == Delivery.Status.PENDING and waiting.retry_after > timezone.now()
    assert "452" in waiting.last_error
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENDING  # until the full mailbox is tried again

    Delivery.objects.filter(pk=waiting.pk).update(retry_after=timezone.now() - dt.timedelta(seconds=1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery.deliveries_send_batch(issue_id=issue.pk)
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT
    assert Counter(m.to[0] for m in mail.outbox) == {fine.email: 1, busy.email: 1}


def test_when_the_smtp_server_goes_away_the_rest_waits_and_nobody_gets_two(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.DyingBackend"
    DyingBackend.sent, DyingBackend.survive = 0, 2
    bulk_subscribers(5)
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)

    with pytest.raises(delivery.TemporarySendFailure):
        delivery.deliveries_send_batch(issue_id=issue.pk)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2
    assert Delivery.objects.filter(status=Delivery.Status.PENDING, attempts=0).count() == 3

    DyingBackend.survive = 100
    delivery.deliveries_send_batch(issue_id=issue.pk)

    assert Counter(m.to[0] for m in mail.outbox).most_common(1)[0][1] == 1
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_the_same_delivery(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.SlowBackend"
    bulk_subscribers(60)
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    # Deliveries made, but no task queued: the two threads below are the workers.
    Delivery.objects.bulk_create(Delivery(issue=issue, subscriber=s) for s in Subscriber.objects.all())
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENDING, sending_started_at=timezone.now())
    results, errors = [], []

    def worker():
        try:
            results.append(delivery.deliveries_send_batch(issue_id=issue.pk))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(r.sent for r in results)[0] > 0  # both really worked
    assert sum(r.sent for r in results) == 60
    assert len(mail.outbox) == 60
    assert len({m.to[0] for m in mail.outbox}) == 60


def _sending_without_workers(count):
    """An issue in "sending" with its deliveries, and no task queued: the test is the worker."""
    bulk_subscribers(count)
    issue = IssueFactory()
    Delivery.objects.bulk_create(Delivery(issue=issue, subscriber=s) for s in Subscriber.objects.all())
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENDING, sending_started_at=timezone.now())
    return issue


@pytest.fixture
def commit_mode(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.CommitModeBackend"
    CommitModeBackend.during, CommitModeBackend.after_commit = [], []
    return CommitModeBackend


@pytest.mark.django_db(transaction=True)
def test_only_the_delivery_transactions_skip_the_wait_for_the_disk(commit_mode):
    issue = _sending_without_workers(3)

    assert delivery.deliveries_send_batch(issue_id=issue.pk).sent == 3

    assert commit_mode.during == ["off", "off", "off"]
    # Whatever runs on the connection between and after them waits for the disk as usual.
    assert commit_mode.after_commit == ["on", "on", "on"]
    assert synchronous_commit() == "on"


@pytest.mark.django_db(transaction=True)
def test_a_batch_inside_a_callers_transaction_leaves_its_commit_synchronous(commit_mode):
    issue = _sending_without_workers(2)

    with transaction.atomic():
        delivery.deliveries_send_batch(issue_id=issue.pk)

    assert commit_mode.during == ["on", "on"]
    assert commit_mode.after_commit == ["on", "on"]


@pytest.mark.django_db(transaction=True)
def test_the_setting_makes_every_delivery_wait_for_the_disk(commit_mode, settings):
    settings.NEWSLETTER_SYNCHRONOUS_COMMIT = True
    issue = _sending_without_workers(2)

    delivery.deliveries_send_batch(issue_id=issue.pk)

    assert commit_mode.during == ["on", "on"]


def test_a_newline_in_the_subject_is_refused_and_nothing_is_sent():
    SubscriberFactory()
    issue = IssueFactory(subject="Uutiset\r\nBcc: everyone@example.org")

    with pytest.raises(ValidationError) as refused:
        drafting.issue_schedule(issue=issue, at=timezone.now())
    assert str(drafting.SUBJECT_ONE_LINE) in refused.value.messages
    with pytest.raises(ValidationError):
        drafting.issue_send_test(issue=issue, addresses="staff@city.example")

    assert Delivery.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


def test_an_issue_nobody_would_receive_cannot_be_scheduled():
    SubscriberFactory(language="sv")

    with pytest.raises(ValidationError) as refused:
        drafting.issue_schedule(issue=IssueFactory(language="fi"), at=timezone.now() + dt.timedelta(hours=1))

    assert str(drafting.NO_RECIPIENTS) in refused.value.messages


def test_a_second_issue_with_the_same_number_and_language_cannot_be_scheduled():
    SubscriberFactory(language="fi")
    drafting.issue_schedule(issue=IssueFactory(year=2026, quarter=4), at=timezone.now() + dt.timedelta(hours=1))
    IssueFactory(year=2026, quarter=4, language="sv")  # another language's version may go out

    with pytest.raises(ValidationError) as refused:
        drafting.issue_schedule(issue=IssueFactory(year=2026, quarter=4), at=timezone.now() + dt.timedelta(hours=1))

    assert refused.value.messages == [str(drafting.NUMBER_TAKEN) % {"number": "4/2026"}]
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database holds the rule
        IssueFactory(year=2026, quarter=4, state=Issue.State.SENT, sent_at=timezone.now())


def test_a_time_in_the_past_cannot_be_scheduled():
    SubscriberFactory()

    with pytest.raises(ValidationError) as refused:
        drafting.issue_schedule(issue=IssueFactory(), at=timezone.now() - dt.timedelta(hours=1))

    assert str(drafting.SCHEDULE_IN_PAST) in refused.value.messages


def test_a_scheduled_issue_starts_when_its_time_comes(django_capture_on_commit_callbacks):
    SubscriberFactory()
    issue = IssueFactory()
    at = timezone.now() + dt.timedelta(hours=2)
    drafting.issue_schedule(issue=issue, at=at)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.issues_send_due(now=at - dt.timedelta(minutes=1))["started"] == 0
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        delivery.issues_send_due(now=at + dt.timedelta(seconds=30))
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT
    assert len(mail.outbox) == 1


def test_the_sweep_resumes_an_issue_whose_worker_died(django_capture_on_commit_callbacks):
    bulk_subscribers(4)
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)  # its task "died": on_commit never ran
    delivery.deliveries_send_batch(issue_id=issue.pk, limit=1)
    Delivery.objects.update(sent_at=timezone.now() - dt.timedelta(minutes=10))
    Issue.objects.update(sending_started_at=timezone.now() - dt.timedelta(minutes=11))

    assert delivery.issues_send_due()["resumed"] == 1

    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT
    assert len(mail.outbox) == 4


def test_the_sweep_leaves_an_issue_alone_while_it_progresses():
    bulk_subscribers(3)
    issue = IssueFactory()
    drafting.issue_schedule(issue=issue, at=timezone.now())
    delivery.issue_start_sending(issue_id=issue.pk)
    delivery.deliveries_send_batch(issue_id=issue.pk, limit=1)

    assert delivery.issues_send_due()["resumed"] == 0
    assert len(mail.outbox) == 1
