"""The notification outbox: nothing sent twice, nothing lost when Redis or SMTP is down."""

import contextlib
import shutil
import smtplib
import socket
import subprocess
import time
from datetime import timedelta

import kombu.pools
import pytest
import redis
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal import outbox
from portal.celery import app as celery_app
from portal.models import Notification
from portal.tasks import outbox_send_due


def queue_test_mail(key="welcome:user-1", to="sihteeri@example.org", **kwargs):
    return outbox.notify(
        key=key,
        to=to,
        template="allauth-passthrough",
        context={"subject": "Tervetuloa", "body_text": "Hei!", "body_html": "<p>Hei!</p>"},
        language="fi",
        **kwargs,
    )


@pytest.mark.django_db
def test_the_same_key_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_test_mail()
        second = queue_test_mail()

    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Tervetuloa"
    assert mail.outbox[0].alternatives[0][0] == "<p>Hei!</p>"
    outbox.send_due()
    assert len(mail.outbox) == 1, "a sent row is never sent again"


@pytest.mark.django_db
def test_a_repeated_key_does_not_break_the_callers_transaction():
    with transaction.atomic():
        queue_test_mail()
        queue_test_mail()
        Notification.objects.count()  # the transaction is still usable

    assert Notification.objects.filter(key="welcome:user-1").count() == 1


@pytest.mark.django_db
def test_a_notification_is_rolled_back_with_its_cause():
    with contextlib.suppress(RuntimeError), transaction.atomic():
        queue_test_mail()
        raise RuntimeError("the change that caused the e-mail failed")

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_subject_is_one_line_so_no_header_can_be_injected():
    outbox.notify(
        key="inject",
        to="a@example.org",
        template="allauth-passthrough",
        context={"subject": "Hello\r\nBcc: victim@example.org", "body_text": "x", "body_html": ""},
        language="fi",
    )
    outbox.send_due()

    assert mail.outbox[0].subject == "Hello Bcc: victim@example.org"
    assert mail.outbox[0].bcc == []


@pytest.mark.django_db
def test_a_message_scheduled_for_later_waits_until_it_is_due():
    later = timezone.now() + timedelta(days=1)
    queue_test_mail(send_after=later)

    assert outbox.send_due() == 0
    assert outbox.send_due(now=later + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


class FlakySMTPBackend:
    """An e-mail backend whose server refuses the first ``failures`` messages."""

    failures = 0
    sent = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        if FlakySMTPBackend.failures > 0:
            FlakySMTPBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakySMTPBackend.sent.extend(messages)
        return len(messages)


@pytest.mark.django_db
def test_when_smtp_fails_the_row_waits_and_goes_out_later(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.FlakySMTPBackend"
    FlakySMTPBackend.failures, FlakySMTPBackend.sent = 2, []
    queue_test_mail()

    assert outbox.send_due() == 0
    row = Notification.objects.get()
    assert row.sent_at is None
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now(), "backs off before the next attempt"
    assert outbox.send_due() == 0, "not retried before the backoff has passed"

    assert outbox.send_due(now=row.next_attempt_at + timedelta(seconds=1)) == 0  # fails again
    row.refresh_from_db()
    assert row.attempts == 2
    second_wait = row.next_attempt_at - timezone.now()
    assert second_wait > timedelta(minutes=3), "the backoff grows"

    assert outbox.send_due(now=row.next_attempt_at + timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(FlakySMTPBackend.sent) == 1


@pytest.mark.django_db
def test_after_many_failures_the_row_is_marked_failed_not_retried_forever(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.FlakySMTPBackend"
    FlakySMTPBackend.failures, FlakySMTPBackend.sent = 100, []
    queue_test_mail()
    moment = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        moment += timedelta(days=2)
        outbox.send_due(now=moment)

    row = Notification.objects.get()
    assert row.failed_at is not None
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert outbox.send_due(now=moment + timedelta(days=30)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_the_same_row(settings):
    """Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED: concurrent drains split them."""
    import threading

    from django.db import connection

    later = timezone.now() + timedelta(hours=1)
    for n in range(40):
        queue_test_mail(key=f"bulk-{n}", to=f"person{n}@example.org", send_after=later)
    barrier = threading.Barrier(2)
    counts = []

    def drain():
        try:
            barrier.wait()
            counts.append(outbox.send_due(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(counts) == 40
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 40


# --- Redis down -------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of our own on a free port, which the test may stop and start again."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is needed for this test")
    port = _free_port()

    def start():
        proc = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=port)
        for _ in range(50):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            time.sleep(0.1)
        return proc

    handle = {"proc": start(), "url": f"redis://127.0.0.1:{port}/0", "client": redis.Redis(port=port)}

    def stop():
        handle["proc"].terminate()
        handle["proc"].wait(timeout=10)

    def restart():
        handle["proc"] = start()

    handle["stop"], handle["restart"] = stop, restart
    yield handle
    if handle["proc"].poll() is None:
        stop()


@contextlib.contextmanager
def celery_broker(url):
    """Point the Celery app at ``url`` for real publishing (not eager) for the block."""
    old = {"broker_url": celery_app.conf.broker_url, "task_always_eager": celery_app.conf.task_always_eager}

    def drop_connections():
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu.pools.reset()

    drop_connections()
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        drop_connections()
        celery_app.conf.update(**old)


@pytest.mark.django_db
def test_with_redis_up_a_new_row_asks_a_worker_to_send(private_redis, django_capture_on_commit_callbacks):
    with celery_broker(private_redis["url"]), django_capture_on_commit_callbacks(execute=True):
        queue_test_mail()

    assert private_redis["client"].llen("celery") == 1
    assert len(mail.outbox) == 0, "the worker sends, not the web request"


@pytest.mark.django_db
def test_with_redis_stopped_the_row_waits_and_goes_out_when_beat_runs_again(
    private_redis, django_capture_on_commit_callbacks
):
    private_redis["stop"]()
    started = time.monotonic()
    with celery_broker(private_redis["url"]), django_capture_on_commit_callbacks(execute=True):
        queue_test_mail()
    assert time.monotonic() - started < 10, "a broker outage does not hang the request"

    row = Notification.objects.get()
    assert row.sent_at is None
    assert len(mail.outbox) == 0

    private_redis["restart"]()
    with celery_broker(private_redis["url"]):
        outbox_send_due.delay()  # what beat does every minute
    assert private_redis["client"].llen("celery") == 1
    outbox_send_due.apply()  # what the worker does with that message

    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(mail.outbox) == 1


class OneBrokenMessageBackend:
    """An e-mail backend that cannot build one message (a bug, not an SMTP outage)."""

    broken_to = "rikki@example.org"
    sent = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if message.to == [self.broken_to]:
                raise ValueError("Invalid address")
        OneBrokenMessageBackend.sent.extend(messages)
        return len(messages)


@pytest.mark.django_db
def test_a_message_that_can_never_be_sent_is_set_aside_and_the_others_go_out_once(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.OneBrokenMessageBackend"
    OneBrokenMessageBackend.sent = []
    queue_test_mail(key="first", to="eka@example.org")
    queue_test_mail(key="broken", to=OneBrokenMessageBackend.broken_to)
    queue_test_mail(key="third", to="kolmas@example.org")

    assert outbox.send_due() == 2
    assert outbox.send_due() == 0, "the next run sends nothing again and is not stuck on the broken row"

    assert sorted(m.to[0] for m in OneBrokenMessageBackend.sent) == ["eka@example.org", "kolmas@example.org"]
    assert set(Notification.objects.filter(sent_at__isnull=False).values_list("key", flat=True)) == {"first", "third"}
    broken = Notification.objects.get(key="broken")
    assert broken.sent_at is None
    assert broken.failed_at is not None, "a bug is not retried eight times over four days"
    assert "ValueError: Invalid address" in broken.last_error


class CommittedSoFarBackend:
    """Records, at each send, how many rows another database connection already sees as sent."""

    seen = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        import threading

        from django.db import connection

        def look():
            try:
                CommittedSoFarBackend.seen.append(Notification.objects.filter(sent_at__isnull=False).count())
            finally:
                connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_each_sent_mark_is_committed_before_the_next_message_goes_out(settings):
    """A worker killed mid-run can re-send at most the one message it was sending."""
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.CommittedSoFarBackend"
    CommittedSoFarBackend.seen = []
    later = timezone.now() + timedelta(hours=1)
    for n in range(3):
        queue_test_mail(key=f"run-{n}", to=f"person{n}@example.org", send_after=later)

    assert outbox.send_due(now=later) == 3
    assert CommittedSoFarBackend.seen == [0, 1, 2]
