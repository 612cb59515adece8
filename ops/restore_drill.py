"""Restore drill (``make restore-drill``): back up a populated database, restore it into an empty
one and show the portal serving from the restored copy with the same counts.

1. ``<prefix>_src``: created afresh, migrated, filled with the demo data.
2. A backup set of it with ``ops/backup.py`` (``pg_dump -Fc`` and the uploads).
3. ``<prefix>_dst``: created empty; ``pg_restore`` of the set's dump into it.
4. The row count of every table compared between the two.
5. gunicorn started on the restored database: ``/healthz``, ``/readyz``, the front page and the
   association list answer 200, and the list names the source's associations.

Every step is timed; the summary goes to stdout and ``var/drill/report.json``. Exit status 0
only if everything matched. The server is a local PostgreSQL (``DRILL_SERVER_URL``, by default
``postgres://postgres@127.0.0.1:5432``); the database names start with ``DRILL_DB_PREFIX``
(``yp_drill``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.backup import make_set, pg_env  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _psql(server, sql, database="postgres"):
    out = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql],
        env=pg_env(f"{server}/{database}"),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _recreate(server, name):
    _psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(server, f'CREATE DATABASE "{name}"')


def table_counts(server, database):
    """{table: rows} for every table of the public schema."""
    tables = _psql(
        server,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        database,
    ).split()
    if not tables:
        return {}
    # The names come from pg_tables itself, not from any input.
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)  # noqa: S608
    rows = _psql(server, union, database).splitlines()
    return {name: int(count) for name, count in (row.split("|") for row in rows)}


def _django_env(database_url, media_root):
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="test",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        CELERY_TASK_ALWAYS_EAGER="true",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


def _manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _files(root):
    import hashlib

    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _gunicorn(env):
    port = _free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def main():
    server = os.environ.get("DRILL_SERVER_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    prefix = os.environ.get("DRILL_DB_PREFIX", "yp_drill")
    src, dst = f"{prefix}_src", f"{prefix}_dst"
    work = BASE_DIR / "var" / "drill"
    work.mkdir(parents=True, exist_ok=True)
    timings = {}
    checks = []

    def step(name):
        timings[name] = time.monotonic()

    def done(name):
        timings[name] = round(time.monotonic() - timings[name], 1)
        print(f"drill: {name}: {timings[name]} s", flush=True)

    media_src, media_dst = work / "media-src", work / "media-dst"
    step("populate source (migrate + demo data)")
    for folder in (media_src, media_dst):
        if folder.exists():
            shutil.rmtree(folder)
    _recreate(server, src)
    src_env = _django_env(f"{server}/{src}", media_src)
    _manage(src_env, "migrate", "--no-input", "-v", "0")
    _manage(src_env, "demo_data")
    done("populate source (migrate + demo data)")

    # The demo data has no uploads: one stands in for them, so the uploads' round trip is checked too.
    sentinel = media_src / "drill" / "poster.png"
    sentinel.parent.mkdir(parents=True, exist_ok=True)
    sentinel.write_bytes(b"\x89PNG drill " + os.urandom(64))

    step("backup (pg_dump -Fc + uploads)")
    backup_set = make_set(database_url=f"{server}/{src}", backup_dir=work / "sets", media_root=media_src)
    done("backup (pg_dump -Fc + uploads)")

    step("restore (pg_restore into an empty database + uploads)")
    _recreate(server, dst)
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={dst}",
            str(backup_set / "portal.dump"),
        ],
        env=pg_env(f"{server}/{dst}"),
        check=True,
    )
    media_dst.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["tar", "-xzf", str(backup_set / "media.tar.gz"), "-C", str(media_dst), "--strip-components=1"], check=True
    )
    done("restore (pg_restore into an empty database + uploads)")

    step("compare row counts and uploads")
    before, after = table_counts(server, src), table_counts(server, dst)
    differing = {
        t: (before.get(t), after.get(t)) for t in before.keys() | after.keys() if before.get(t) != after.get(t)
    }
    checks.append(("same tables and row counts", not differing, differing or f"{len(before)} tables"))
    main_tables = [
        "associations_association",
        "associations_membership",
        "associations_event",
        "associations_partnershipagreement",
        "newsletter_subscriber",
        "newsletter_issue",
        "portal_notification",
        "portal_page",
        "auth_user",
        # Checked once the apps have them (skipped while absent).
        "grants_application",
        "facilities_booking",
    ]
    for table in main_tables:
        if table in before:
            checks.append((f"{table} rows", before[table] == after.get(table), f"{before[table]} = {after.get(table)}"))
    src_files, dst_files = _files(media_src), _files(media_dst)
    checks.append(("same uploads (names and SHA-256)", src_files == dst_files, f"{len(src_files)} files"))
    done("compare row counts and uploads")

    step("serve from the restored database")
    dst_env = _django_env(f"{server}/{dst}", media_dst)
    names = (
        _psql(
            server,
            "SELECT name FROM associations_association"
            " WHERE moderation_state = 'approved' AND is_public ORDER BY name LIMIT 3",
            dst,
        ).splitlines()
        if "associations_association" in after
        else []
    )
    with _gunicorn(dst_env) as base:
        for path in ("/healthz", "/readyz", "/fi/", "/fi/associations/"):
            status, body = _get(base + path)
            checks.append((f"GET {path}", status == 200, status))
            if path == "/fi/associations/":
                from html import escape

                missing = [n for n in names if escape(n) not in body and n not in body]
                checks.append(("the association list names the restored associations", not missing, missing or names))
    done("serve from the restored database")

    ok = all(passed for _name, passed, _detail in checks)
    report = {
        "ok": ok,
        "seconds": timings,
        "total_seconds": round(sum(timings.values()), 1),
        "dump_bytes": (backup_set / "portal.dump").stat().st_size,
        "tables": len(before),
        "rows": sum(before.values()),
        "checks": [{"check": n, "ok": p, "detail": str(d)} for n, p, d in checks],
    }
    (work / "report.json").write_text(json.dumps(report, indent=2))
    for name, passed, detail in checks:
        print(f"drill: {'ok  ' if passed else 'FAIL'} {name}: {detail}")
    print(
        f"drill: {'passed' if ok else 'FAILED'} in {report['total_seconds']} s "
        f"({report['tables']} tables, {report['rows']} rows, dump {report['dump_bytes']} bytes)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
