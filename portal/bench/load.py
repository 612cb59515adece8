"""The portal served as in production, under load (part of ``manage.py bench``).

1. ``manage.py bench_pages`` (in the bench database) lists the pages, counts each page's SQL
   queries through the test client and makes the signed-in sessions.
2. ``collectstatic`` with production's storage (whitenoise, compressed manifest) into
   ``var/bench/static``.
3. gunicorn (``portal.wsgi``, sync workers, 2 × cores + 1) on 127.0.0.1 and a free port with
   ``DJANGO_ENV=production``: DEBUG off, ``CONN_MAX_AGE`` 60, a random SECRET_KEY of this run,
   ALLOWED_HOSTS and TRUSTED_PROXY_IPS for loopback, an https SITE_URL — everything
   ``portal/settings.py`` demands before it serves production.
4. locust, headless, in another process (``portal.bench.locustrun``) at 1 and 16 clients for
   ``seconds`` per page. The contacts page — a small real page on the same base template — is
   measured first and last; every figure is also given as a ratio to it (the mean of its two runs).
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from newsletter.smtpsink import free_port
from portal.bench.pages import CONTACTS

CONCURRENCIES = (1, 16)
SECONDS = 5


def production_env(database_url, *, port, secret_key):
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "TRUSTED_PROXY_IPS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:1025",  # no page sends e-mail; never reached
        "STATIC_ROOT": str(Path(settings.VAR_DIR) / "bench" / "static"),
        "LOG_LEVEL": "WARNING",
        "SENTRY_DSN": "",
        "PYTHONWARNINGS": "ignore",
    }


def workers():
    return 2 * (os.cpu_count() or 1) + 1


def _wait_until_up(port, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def ratios(results):
    """Add to each page's runs its ratios to the contacts page's runs (same concurrency)."""
    contacts = [r for r in results if r["name"] == CONTACTS]
    base = {}
    for users in {u for r in contacts for u in r["runs"]}:
        runs = [r["runs"][users] for r in contacts if r["runs"][users].get("median_ms")]
        base[users] = {
            key: sum(run[key] for run in runs) / len(runs) for key in ("median_ms", "p95_ms", "requests_per_second")
        }
    merged = {}
    for row in results:
        if row["name"] == CONTACTS and row["name"] in merged:
            merged[CONTACTS]["runs_again"] = row["runs"]
            continue
        merged[row["name"]] = row
        for users, run in row["runs"].items():
            b = base.get(users)
            if not b or not run.get("median_ms"):
                continue
            run["median_ratio"] = round(run["median_ms"] / b["median_ms"], 2)
            run["p95_ratio"] = round(run["p95_ms"] / b["p95_ms"], 2)
            run["throughput_ratio"] = round(run["requests_per_second"] / b["requests_per_second"], 2)
    return list(merged.values()), base


def run(*, database_url, manage, stdout, seconds=SECONDS, concurrencies=CONCURRENCIES):
    secret_key = secrets.token_urlsafe(64)
    port = free_port()
    env = production_env(database_url, port=port, secret_key=secret_key)
    stdout.write("  pages: counting SQL queries per page and signing in the steering group …")
    test_env = {**env, "DJANGO_ENV": "test", "ALLOWED_HOSTS": "testserver", "CELERY_TASK_ALWAYS_EAGER": "true"}
    planned = json.loads(manage(test_env, "bench_pages").strip().splitlines()[-1])
    stdout.write("  pages: collectstatic (whitenoise, compressed manifest) …")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    command = [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers())]
    # --timeout: the steering group's dashboard takes ~50 s on this data set (docs/benchmarks.md).
    command += ["--worker-class", "sync", "--timeout", "180"]
    stdout.write(f"  pages: gunicorn, {workers()} sync workers, DJANGO_ENV=production on 127.0.0.1:{port} …")
    server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        if not _wait_until_up(port):
            raise RuntimeError(f"gunicorn did not answer; see {log.name}")
        pages = planned["pages"]
        bad = [p["name"] for p in pages if p["status"] != 200]
        if bad:
            raise RuntimeError(f"Pages not answering 200 through the test client: {bad}")
        order = [*pages, next(p for p in pages if p["name"] == CONTACTS)]  # contacts first and last
        plan = {
            "host": f"http://127.0.0.1:{port}",
            "seconds": seconds,
            "concurrencies": list(concurrencies),
            "cookie_name": "__Host-sessionid",
            "pages": [{**p, "sessions": planned["sessions"].get(p["auth"]) if p["auth"] else None} for p in order],
        }
        with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
            plan_path, out_path = Path(tmp) / "plan.json", Path(tmp) / "out.json"
            plan_path.write_text(json.dumps(plan))
            stdout.write(
                f"  pages: locust, {len(order)} runs × {len(concurrencies)} concurrencies × {seconds} s "
                f"(after a warm-up of every page; +1 s warm-up each) …"
            )
            load = subprocess.Popen(
                [sys.executable, "-m", "portal.bench.locustrun", str(plan_path), str(out_path)],
                cwd=settings.BASE_DIR,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for line in load.stdout:
                if line.startswith("    "):
                    stdout.write(line.rstrip())
            if load.wait() != 0:
                raise RuntimeError("The load generator failed.")
            results = json.loads(out_path.read_text())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    queries = {p["name"]: p for p in planned["pages"]}
    rows, base = ratios(results)
    for row in rows:
        info = queries[row["name"]]
        row.update({"url": info["url"], "queries": info["queries"], "signed_in": bool(info["auth"])})
    contacts_queries = queries[CONTACTS]["queries"]
    for row in rows:
        row["queries_ratio"] = round(row["queries"] / contacts_queries, 2) if contacts_queries else None
    return {
        "server": {"gunicorn_workers": workers(), "worker_class": "sync", "django_env": "production"},
        "load_generator": "locust (FastHttpUser, headless, no think time)",
        "seconds_per_run": seconds,
        "concurrencies": list(concurrencies),
        "contacts_baseline": base,
        "pages": rows,
    }
