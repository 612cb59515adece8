"""Benchmark: one issue to 10,000 subscribers through one Celery worker into a local SMTP sink.

``manage.py bench --only newsletter`` (part of ``make bench``). Production's shape: it runs in
the bench database (``settings.BENCH_DATABASE_URL``, PostgreSQL, created and migrated when
needed; never the working one) with Redis as the broker. ``run`` prepares the database and starts
``manage.py newsletter_bench`` there, which calls ``measure``: the sink is aiosmtpd in its own
process, the worker is one Celery worker process (solo pool; ``newsletter_bench --concurrency 2``
for production's prefork worker with two processes). Measured:

- ``start_seconds``: scheduled → sending, i.e. writing the 10,000 Delivery rows;
- ``messages_per_second``: messages accepted by the sink per second of sending (first to last);
- ``end_to_end_seconds``: from "send" to the issue marked sent;
- the worker's resident memory (RSS) when ready, at the end and at its peak: it must stay flat;
- the CPU seconds the worker and the sink used while sending, and the load average: sending is
  about nine round trips per message between worker, PostgreSQL and sink, so on a loaded machine
  the rate falls with the wait for a core while the CPU per message stays the same.

The benchmark's subscribers (``@bench.invalid``) and its issue are removed afterwards. Run it
with no other Celery worker consuming the same broker.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsletter import conf
from newsletter.models import Delivery, Issue, Subscriber, SubscriberTopic, Topic
from newsletter.services import delivery, drafting
from newsletter.smtpsink import free_port, wait_for_port

SUBSCRIBERS = 10_000
DOMAIN = "bench.invalid"
SUBJECT = "Benchmark: Yhdistysuutiset"
BODY = """## Ajankohtaista

Kevään **avustushaku** alkaa helmikuussa. Hakuaika on 1.2.–28.2.2027. [Lue lisää](https://www.pori.fi/).

## Tulevat tapahtumat

- **12.3.2027** Yhdistysilta: vapaaehtoistoiminnan uudet muodot, Porin kaupungintalo
- **24.3.2027** Yhdistysyhteistyöryhmän kokous
- **15.4.2027** Seuraparlamentti

## Tilat

Yhteiskäyttötilojen kevätkauden vuorot ovat haettavissa. Koulujen liikuntasalit ovat
yhdistysten käytössä arki-iltaisin ja viikonloppuisin.
"""


def _stat(pid):
    """The fields of ``/proc/<pid>/stat`` after the command name (state is [0], ppid [1])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _tree(pid):
    """``pid`` and its children (a prefork worker's pool processes)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(entry.name)[1]) == pid:
                    children.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return [pid, *children]


def _rss_kib(pids):
    """Resident memory of these processes together (KiB), or None."""
    total = None
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total = (total or 0) + int(line.split()[1])
        except OSError:
            continue
    return total


def _cpu_seconds(pids):
    """User + system CPU seconds so far of these processes together, or None."""
    total = None
    for one in pids:
        try:
            fields = _stat(one)
        except (OSError, IndexError):
            continue
        total = (total or 0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _database_url():
    """The current database as a URL for the worker (a Unix socket directory as ``?host=``)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    socket_dir = db.get("OPTIONS", {}).get("host") or (db["HOST"] if db["HOST"].startswith("/") else "")
    if socket_dir:
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={socket_dir}"
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _cleanup():
    Issue.objects.filter(subject=SUBJECT).delete()
    Subscriber.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _make_subscribers(count):
    now = timezone.now()
    rows = Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{i}@{DOMAIN}",
                language="fi",
                method=Subscriber.Method.DOUBLE_OPT_IN,
                consent_version="bench",
                requested_at=now - dt.timedelta(days=2),
                confirmed_at=now - dt.timedelta(days=1),
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    SubscriberTopic.objects.bulk_create(
        [SubscriberTopic(subscriber=s, topic=Topic.GRANTS) for s in rows], batch_size=5000
    )


def _start_worker(smtp_port, log, concurrency=1):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",  # DEBUG keeps every query in memory: not what production runs
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONWARNINGS": "ignore",
    }
    celery = Path(sys.executable).parent / "celery"
    command = [str(celery), "-A", "portal", "worker", "-l", "INFO", "-n", f"bench-{os.getpid()}@%h"]
    command += ["--pool=solo"] if concurrency == 1 else ["--pool=prefork", f"--concurrency={concurrency}"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"Benchmark timed out waiting for {what}.")


def measure(*, stdout, subscribers=SUBSCRIBERS, concurrency=1):
    from portal.celery import app as celery_app

    if celery_app.conf.task_always_eager:
        raise RuntimeError("The benchmark needs a real broker: CELERY_TASK_ALWAYS_EAGER must be off.")
    _cleanup()
    stdout.write(f"  newsletter: {subscribers} subscribers …")
    _make_subscribers(subscribers)
    issue = Issue.objects.create(
        subject=SUBJECT,
        preheader="Avustushaut ja yhdistysillat",
        body=BODY,
        language="fi",
        year=2027,
        quarter=1,
        topics=[Topic.GRANTS],
    )
    smtp_port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "newsletter.smtpsink", "--port", str(smtp_port)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    log = tempfile.NamedTemporaryFile(prefix="newsletter-bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
    worker = None
    try:
        if not wait_for_port(smtp_port):
            raise RuntimeError("The SMTP sink did not start.")
        worker = _start_worker(smtp_port, log, concurrency)
        _wait(lambda: b" ready." in Path(log.name).read_bytes(), 60, "the worker to start")
        workers = _tree(worker.pid) if concurrency > 1 else [worker.pid]  # with the pool's processes
        rss_ready = _rss_kib(workers)
        rss_peak = rss_ready or 0
        cpu_ready = {"worker": _cpu_seconds(workers), "sink": _cpu_seconds([sink.pid])}

        drafting.issue_schedule(issue=issue, at=timezone.now())
        started = time.monotonic()
        delivery.issue_start_sending(issue_id=issue.pk)
        start_seconds = time.monotonic() - started
        stdout.write(f"  newsletter: {subscribers} deliveries written in {start_seconds:.2f} s; sending …")

        def done():
            nonlocal rss_peak
            rss_peak = max(rss_peak, _rss_kib(workers) or 0)
            if worker.poll() is not None:
                raise RuntimeError(f"The worker exited; see {log.name}")
            return Issue.objects.filter(pk=issue.pk, state=Issue.State.SENT).exists()

        _wait(done, 900, "the issue to be sent")
        end_to_end = time.monotonic() - started
        rss_end = _rss_kib(workers)
        cpu = {
            who: round(_cpu_seconds(pids) - cpu_ready[who], 2) if cpu_ready[who] is not None else None
            for who, pids in (("worker", workers), ("sink", [sink.pid]))
        }
        sent = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT)
        first, last = (
            sent.order_by("sent_at").values_list("sent_at", flat=True).first(),
            sent.order_by("-sent_at").values_list("sent_at", flat=True).first(),
        )
        delivered = sent.count()
        sending_seconds = (last - first).total_seconds() if first and last else 0.0
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        sink.terminate()
        sink_out, _ = sink.communicate(timeout=20)
        log.close()
        _cleanup()
    sink_stats = json.loads(sink_out.strip().splitlines()[-1]) if sink_out.strip() else {}
    result = {
        "subscribers": subscribers,
        "delivered": delivered,
        "sink_messages": sink_stats.get("messages"),
        "sink_repeated_recipients": sink_stats.get("repeated"),
        "start_seconds": round(start_seconds, 2),
        "sending_seconds": round(sending_seconds, 2),
        "end_to_end_seconds": round(end_to_end, 2),
        "messages_per_second": round(delivered / sending_seconds, 1) if sending_seconds else None,
        "end_to_end_messages_per_second": round(delivered / end_to_end, 1),
        "worker_rss_kib_ready": rss_ready,
        "worker_rss_kib_end": rss_end,
        "worker_rss_kib_peak": rss_peak,
        # CPU seconds while sending: what the run needs of the machine, whatever else runs on it.
        "worker_cpu_seconds": cpu["worker"],
        "sink_cpu_seconds": cpu["sink"],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "database": connection.vendor,
        "batch_size": conf.batch_size(),
        "worker_pool": "solo" if concurrency == 1 else f"prefork, {concurrency} processes",
    }
    stdout.write(
        f"  newsletter: {delivered} messages, {result['messages_per_second']}/s while sending "
        f"({result['end_to_end_messages_per_second']}/s end to end); worker RSS "
        f"{rss_ready} → {rss_end} KiB (peak {rss_peak})"
    )
    return result


TARGET_MESSAGES_PER_SECOND = 100


def _ensure_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')  # the name comes from settings, not from a user


def run(*, stdout, subscribers=SUBSCRIBERS, prepared=False):
    """``prepared``: the bench database is migrated (``manage.py bench``): no ``migrate`` here."""
    url = settings.BENCH_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        return {"skipped": "BENCH_DATABASE_URL must point at PostgreSQL"}
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_ENV": "test",  # PostgreSQL and Redis, as in production
        "DEBUG": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    if not prepared:
        _ensure_database(url)
        stdout.write("  newsletter: migrating the bench database …")
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=1800)
    completed = subprocess.run(
        [*manage, "newsletter_bench", "--subscribers", str(subscribers)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    for line in completed.stdout.strip().splitlines()[:-1]:
        stdout.write(line)
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["bench_database"] = urlsplit(url).path.lstrip("/")
    result["target_messages_per_second"] = TARGET_MESSAGES_PER_SECOND
    result["meets_target"] = (result.get("messages_per_second") or 0) >= TARGET_MESSAGES_PER_SECOND
    return result
