"""A real Celery worker, killed mid-send, restarted: every subscriber gets exactly one message.

The worker is a separate process (prefork, two children) on the test's Redis and the test
database; the SMTP server is a real aiosmtpd sink on loopback. The sink holds the
conversation after 150 messages, so the kill lands while both connections are between two
messages: deliveries in flight are locked and uncommitted, everything the sink accepted has
been acknowledged. After SIGKILL of the whole worker (parent and children), a new worker starts
and must finish the issue without sending anyone a second copy.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsletter.models import Delivery, Issue
from newsletter.services import delivery, drafting
from newsletter.smtpsink import start_sink
from tests import clock
from tests.newsletter.factories import IssueFactory, bulk_subscribers

SUBSCRIBERS = 500
KILL_AFTER = 150
BASE_DIR = Path(settings.BASE_DIR)


def wait_until(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out waiting for {what}")


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(smtp_port, log_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_ENV": "development",  # the test mode would force the in-memory e-mail backend
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": "https://portal.example",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    }
    command = clock.command("celery", "-A", "portal", "worker", "--pool=prefork", "-c", "2", "-l", "WARNING")
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"crashtest-{os.getpid()}@%h"]
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process below
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)
    process.log = log
    return process


def kill_worker(process):
    """SIGKILL the worker's whole process group: the parent and its pool children, no goodbyes."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.log.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_every_subscriber_with_exactly_one_message(real_broker, tmp_path):
    readers = bulk_subscribers(SUBSCRIBERS, prefix="crash")
    issue = IssueFactory(subject="Yhdistysuutiset 4/2026")
    drafting.issue_schedule(issue=issue, at=timezone.now())
    controller, sink = start_sink()
    sink.hold_after = KILL_AFTER
    log_path = tmp_path / "worker.log"
    workers = []
    try:
        workers.append(start_worker(controller.port, log_path))
        delivery.issue_start_sending(issue_id=issue.pk)  # queues the batch tasks on commit

        # Wait until the sink holds every open connection before its next message, then kill.
        wait_until(
            lambda: sink.count >= KILL_AFTER and sink.held >= 1 and sink.held == sink.open_sessions,
            timeout=40,
            what=f"{KILL_AFTER} messages and the held connections (log: {log_path.read_text()[-2000:]})",
        )
        kill_worker(workers[0])

        delivered_before_restart = sink.count
        assert KILL_AFTER <= delivered_before_restart < SUBSCRIBERS
        assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == delivered_before_restart
        assert Issue.objects.get(pk=issue.pk).state == Issue.State.SENDING

        sink.released.set()
        workers.append(start_worker(controller.port, log_path))
        wait_until(
            lambda: Issue.objects.get(pk=issue.pk).state == Issue.State.SENT,
            timeout=40,
            what=f"the restarted worker to finish (log: {log_path.read_text()[-2000:]})",
        )
    finally:
        for worker in workers:
            kill_worker(worker)
        controller.stop()

    assert sink.count == SUBSCRIBERS
    assert sink.recipients == {reader.email: 1 for reader in readers}
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == SUBSCRIBERS


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_end_to_end_on_a_small_list(real_broker):
    """The benchmark's own machinery (sink process, solo worker, figures), on 40 subscribers."""
    import io

    from newsletter import bench
    from newsletter.models import Subscriber

    result = bench.measure(stdout=io.StringIO(), subscribers=40)

    assert result["delivered"] == result["sink_messages"] == 40
    assert result["sink_repeated_recipients"] == 0
    assert result["messages_per_second"] > 0
    assert result["worker_rss_kib_end"] > 0
    # What sending cost the worker and the sink in CPU (the rate alone depends on the machine's load).
    assert result["worker_cpu_seconds"] > 0 and result["sink_cpu_seconds"] >= 0
    assert not Subscriber.objects.filter(email__endswith="@bench.invalid").exists()  # cleaned up


def test_the_benchmark_counts_a_prefork_workers_pool_processes_in_its_memory_and_cpu():
    import os
    import subprocess
    import sys

    from newsletter import bench

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        pids = bench._tree(os.getpid())
        assert pids[0] == os.getpid() and child.pid in pids
        assert bench._rss_kib(pids) > bench._rss_kib([os.getpid()]) > 0
        assert bench._cpu_seconds(pids) >= bench._cpu_seconds([os.getpid()]) > 0
    finally:
        child.kill()
        child.wait()
    assert bench._rss_kib([child.pid]) is None  # gone: nothing counted
