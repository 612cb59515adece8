"""Benchmark of the registry: the directory on a national-scale registry (100,000 associations).

``manage.py bench --only associations``. Runs in its own PostgreSQL database
(``settings.BENCH_DATABASE_URL``, created when missing), never in the working one: migrates it,
generates the registry with COPY (``generate_associations``) unless it already has the rows
(both skipped with ``prepared=True``: ``manage.py bench`` has just made the whole data set,
at whatever scale, and regenerating the registry would empty the other apps' rows that refer
to it), then times the directory with a search word and two filters through the whole Django stack
(``bench_directory``): the median over 50 requests. The target is under 50 ms.
"""

import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import psycopg
from django.conf import settings

COUNT = 100_000
REQUESTS = 50
TARGET_MEDIAN_MS = 50


def _ensure_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
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


def _count(url):
    """How many generated associations the bench database holds (other apps' rows not counted)."""
    with psycopg.connect(url) as conn:
        try:
            return conn.execute(
                "SELECT count(*) FROM associations_association WHERE email LIKE %s", ["%@bench.invalid"]
            ).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


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
    if not prepared and _count(url) != COUNT:
        stdout.write(f"  generating {COUNT:,} associations …")
        started = time.perf_counter()
        _manage(url, "generate_associations", "--count", str(COUNT))
        generate_seconds = round(time.perf_counter() - started, 1)
    stdout.write(f"  timing the directory ({REQUESTS} requests per scenario) …")
    output = _manage(url, "bench_directory", "--requests", str(REQUESTS))
    figures = json.loads(output.strip().splitlines()[-1])
    median = figures["search_and_two_filters"]["median_ms"]
    figures.update(
        {
            "database": urlsplit(url).path.lstrip("/"),
            "generate_seconds": generate_seconds,
            "target_median_ms": TARGET_MEDIAN_MS,
            "meets_target": median < TARGET_MEDIAN_MS,
        }
    )
    stdout.write(f"  directory, search word + two filters: median {median} ms (target < {TARGET_MEDIAN_MS} ms)")
    return figures
