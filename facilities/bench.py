"""Benchmark of facilities (issue 11): 2,000 spaces and a year of bookings.

``manage.py bench --only facilities``. Runs in its own PostgreSQL database
(``settings.BENCH_DATABASE_URL``, created when missing), never in the working one: migrates it,
generates the data set (``generate_facilities``) unless it is there (both skipped with
``prepared=True``: ``manage.py bench`` has just made the whole data set), then measures the week view
and the free-at-a-time search (median of 50 requests, SQL queries) and booking attempts under
contention (``bench_facilities``). Targets: pages under 50 ms median with constant queries;
at least 200 booking attempts a second with no overlapping active occupancy.
"""

import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import psycopg
from django.conf import settings

SPACES = 2000
TARGET_MEDIAN_MS = 50
TARGET_ATTEMPTS_PER_SECOND = 200


def _ensure_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')  # name from settings, not user input


def _manage(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_ENV": "test", "DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return result.stdout


def run(*, stdout, prepared=False):
    """``prepared``: the bench database is migrated and holds the data set (``manage.py bench``)."""
    url = settings.BENCH_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        return {"skipped": "BENCH_DATABASE_URL must point at PostgreSQL"}
    generate_seconds = None
    if not prepared:
        _ensure_database(url)
        stdout.write("  migrating the bench database …")
        _manage(url, "migrate", "--no-input", "-v", "0")
        started = time.perf_counter()
        stdout.write(f"  generating {SPACES:,} spaces and a year of bookings (unless there) …")
        _manage(url, "generate_facilities", "--spaces", str(SPACES))
        generate_seconds = round(time.perf_counter() - started, 1)
    stdout.write("  timing the week view, the free-at-a-time search and booking under contention …")
    figures = json.loads(_manage(url, "bench_facilities").strip().splitlines()[-1])
    contention = figures["contention"]
    figures.update(
        {
            "database": urlsplit(url).path.lstrip("/"),
            "generate_seconds": generate_seconds,
            "target_median_ms": TARGET_MEDIAN_MS,
            "target_attempts_per_second": TARGET_ATTEMPTS_PER_SECOND,
            "meets_target": (
                figures["week_view"]["median_ms"] < TARGET_MEDIAN_MS
                and figures["free_at_a_time"]["median_ms"] < TARGET_MEDIAN_MS
                and contention["attempts_per_second"] >= TARGET_ATTEMPTS_PER_SECOND
                and contention["overlapping_active_occupancies"] == 0
            ),
        }
    )
    stdout.write(
        f"  week view median {figures['week_view']['median_ms']} ms, free-at-a-time median "
        f"{figures['free_at_a_time']['median_ms']} ms (target < {TARGET_MEDIAN_MS} ms); "
        f"{contention['attempts_per_second']} booking attempts/s, "
        f"{contention['overlapping_active_occupancies']} overlaps"
    )
    return figures
