"""``make bench``: the whole portal at national scale, served as in production, measured as ratios.

All of it runs in the bench database (``settings.BENCH_DATABASE_URL``, PostgreSQL; never the
working one), each step in a ``manage.py`` subprocess pointed at it:

1. ``dataset``: the data set (``portal.bench.dataset``), generated once with COPY; a marker row
   makes the next run skip it. A bench database with data but without the (current) marker is
   dropped and created anew, then migrated.
2. ``pages``: gunicorn with production settings under locust at 1 and 16 clients
   (``portal.bench.load``); each page's figures also as ratios to the contacts page.
3. The apps' own benchmarks (``<app>/bench.py``, ``run(*, stdout, prepared) -> dict``): the
   directory, the grant pages and the facilities' pages through the test client, booking
   contention, and the newsletter to 10,000 subscribers through a Celery worker into a loopback
   SMTP sink. ``prepared=True``: the database was migrated and the data set made in step 1, so
   they neither migrate nor generate their own rows again.
4. ``jobs``: the yearly report PDF and grant decisions under contention (``bench_jobs``).

Writes var/bench/results.json (the previous one kept as previous.json) and the tables in
docs/benchmarks.md, with the seconds each step took (``steps``). ``--only`` runs some of the
steps (the data set is always ensured).
"""

import json
import os
import subprocess
import sys
import time
from importlib import import_module
from urllib.parse import urlsplit

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.bench import dataset, load, report

APP_BENCHES = ["associations", "grants", "facilities", "newsletter", "annualclock"]
STEPS = ["pages", *APP_BENCHES, "jobs"]


def _admin_url(url):
    return urlsplit(url)._replace(path="/postgres").geturl()


def _database_name(url):
    return urlsplit(url).path.lstrip("/")


def _marker(url):
    try:
        with psycopg.connect(url) as conn:
            exists = conn.execute("SELECT to_regclass(%s)", [dataset.MARKER_TABLE]).fetchone()[0]
            has_tables = conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is not None
            row = (
                conn.execute(f"SELECT version, scale FROM {dataset.MARKER_TABLE} LIMIT 1").fetchone()  # noqa: S608
                if exists
                else None
            )
    except psycopg.OperationalError:
        return None, False
    return ((row[0], float(row[1])) if row else None), has_tables


def _server_version(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def bench_env(url):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_ENV": "test",  # PostgreSQL and Redis, as in production
        "DEBUG": "false",
        "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
        "PYTHONWARNINGS": "ignore",
    }


def manage(env, *args, stream=None):
    """Run ``manage.py *args`` with ``env``; return its standard output (lines starting with two
    spaces are passed to ``stream`` as they come: progress)."""
    process = subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=settings.BASE_DIR,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if stream is not None and line.startswith("  "):
            stream.write(line.rstrip())
    stderr = process.stderr.read()
    if process.wait() != 0:
        raise CommandError(f"manage.py {' '.join(args)} failed:\n{stderr[-4000:]}")
    return "".join(lines)


def ensure_dataset(url, *, scale, stdout):
    """The data set in the bench database, generated unless its marker is there."""
    name = _database_name(url)
    if "bench" not in name:
        raise CommandError(f"BENCH_DATABASE_URL must name a database with 'bench' in it, not {name!r}.")
    found, has_tables = _marker(url)
    if found == (dataset.VERSION, float(scale)):
        stdout.write(f"  data set {dataset.VERSION} (scale {scale:g}) found in {name}: not generated again")
        # The code may have migrations the data set has not: apply them (a no-op otherwise).
        manage(bench_env(url), "migrate", "--no-input", "-v", "0")
        return {"version": dataset.VERSION, "scale": scale, "seconds": None, "generated": False}
    started = time.perf_counter()
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        if has_tables:
            stdout.write(f"  {name} holds other data (no current marker): dropping and creating it anew …")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # name from settings
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    stdout.write(f"  migrating {name} …")
    migrating = time.perf_counter()
    manage(bench_env(url), "migrate", "--no-input", "-v", "0")
    migrate_seconds = round(time.perf_counter() - migrating, 1)
    stdout.write(f"  migrated in {migrate_seconds} s; generating the data set (scale {scale:g}) …")
    manage(bench_env(url), "generate_bench_data", "--scale", str(scale), stream=stdout)
    seconds = round(time.perf_counter() - started, 1)
    stdout.write(f"  data set ready in {seconds} s")
    return {
        "version": dataset.VERSION,
        "scale": scale,
        "seconds": seconds,
        "migrate_seconds": migrate_seconds,
        "generated": True,
    }


class Command(BaseCommand):
    help = "Run the benchmarks: data set, pages under load, jobs; writes var/bench/results.json and docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", default=None, help=f"Only these steps: {', '.join(STEPS)}.")
        parser.add_argument("--seconds", type=int, default=load.SECONDS, help="Seconds per page and concurrency.")
        parser.add_argument("--scale", type=float, default=1.0, help="Data set scale (1 = national).")
        parser.add_argument("--no-docs", action="store_true", help="Do not rewrite docs/benchmarks.md.")

    def handle(self, *args, only=None, seconds, scale, no_docs, **options):
        url = settings.BENCH_DATABASE_URL
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("BENCH_DATABASE_URL must point at PostgreSQL.")
        started = time.perf_counter()
        say = self.stdout.write
        say(f"Benchmark into {_database_name(url)} (started {time.strftime('%H:%M:%S')})")
        results = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": report.machine_facts(),
            "apps": {},
        }
        steps = results["steps"] = {}

        def done(step, since):
            steps[step] = round(time.perf_counter() - since, 1)
            say(f"  ({step}: {steps[step]} s)")

        say("Data set …")
        since = time.perf_counter()
        results["dataset"] = ensure_dataset(url, scale=scale, stdout=self.stdout)
        done("dataset", since)
        results["machine"]["postgresql"] = _server_version(url)
        env = bench_env(url)
        if not only or "pages" in only:
            say("Pages under load …")
            since = time.perf_counter()
            results["pages"] = load.run(
                database_url=url, manage=lambda e, *a: manage(e, *a), stdout=self.stdout, seconds=seconds
            )
            done("pages", since)
        for app in APP_BENCHES:
            if only and app not in only:
                continue
            try:
                module = import_module(f"{app}.bench")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.bench":
                    raise
                continue
            say(f"Benchmark: {app} …")
            since = time.perf_counter()
            results["apps"][app] = module.run(stdout=self.stdout, prepared=True)
            done(app, since)
        if not only or "jobs" in only:
            say("Jobs: the yearly report PDF and grant decisions under contention …")
            since = time.perf_counter()
            jobs_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "false"}
            results["jobs"] = json.loads(manage(jobs_env, "bench_jobs").strip().splitlines()[-1])
            pdf, decisions = results["jobs"]["report_pdf"], results["jobs"]["decision_contention"]
            say(
                f"  report PDF {pdf['seconds']} s; decisions {decisions['attempts_per_second']} attempts/s, "
                f"{decisions['overcommits']} overcommits"
            )
            done("jobs", since)
        results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        results["seconds"] = round(time.perf_counter() - started, 1)
        previous = report.save(results, settings.VAR_DIR, published=settings.BASE_DIR / "docs" / "benchmarks.json")
        out = settings.VAR_DIR / "bench" / "results.json"
        say(f"Written to {out} in {results['seconds']} s.")
        if not no_docs:
            docs = report.write_markdown(settings.BASE_DIR / "docs" / "benchmarks.md", results, previous)
            say(f"Tables in {docs}:")
        say(report.markdown(results, previous))
