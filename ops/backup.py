"""Nightly backup: the database (``pg_dump -Fc``) and the uploads, kept 7 daily / 4 weekly / 12 monthly.

Run by the ``backup`` service in docker-compose.yml (``python ops/backup.py --loop``), or once by
hand (``python ops/backup.py``). It needs no Django: only ``pg_dump`` on the path and the
environment below.

- ``DATABASE_URL``: the database to dump (postgres://user:password@host:port/name).
- ``BACKUP_DIR``: where the sets go (default ``/backups``); one folder per set,
  ``YYYY-MM-DDTHHMMSSZ/`` with ``portal.dump``, ``media.tar.gz`` and ``MANIFEST.json``.
- ``MEDIA_ROOT``: the uploads on local disk (default ``/app/var/media``). With uploads in an
  S3-compatible bucket, back the bucket up with its own versioning or replication instead.
- ``BACKUP_KEEP_DAILY`` / ``_WEEKLY`` / ``_MONTHLY``: 7 / 4 / 12 by default.
- ``BACKUP_AT``: the UTC time of day for ``--loop`` (default ``01:30``).
- ``BACKUP_S3_BUCKET`` (optional) with ``BACKUP_S3_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``: also copy each set to that bucket under ``BACKUP_S3_PREFIX`` and
  prune it by the same rule.

Restore: see README.md, "Restoring from a backup".
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

logger = logging.getLogger("ops.backup")
SET_FORMAT = "%Y-%m-%dT%H%M%SZ"


def keep_sets(names, *, daily=7, weekly=4, monthly=12):
    """Of the set names (``SET_FORMAT``), the ones the rule keeps.

    The newest set of each of the last ``daily`` days, of the last ``weekly`` ISO weeks and of
    the last ``monthly`` months that have a set at all. A set may count for several.
    """
    stamped = sorted(((dt.datetime.strptime(n, SET_FORMAT), n) for n in names), reverse=True)
    keep = set()
    for count, bucket in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen = []
        for when, name in stamped:
            key = bucket(when)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(name)
    return keep


def pg_env(database_url):
    """libpq environment for a postgres:// URL (the password never appears on a command line)."""
    parts = urlsplit(database_url)
    env = dict(os.environ)
    env.update(
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=unquote(parts.username or "postgres"),
        PGDATABASE=unquote(parts.path.lstrip("/")),
    )
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_set(*, database_url, backup_dir, media_root, now=None):
    """Write one set (dump, uploads, manifest); returns its folder. A failed set is removed."""
    now = now or dt.datetime.now(dt.UTC)
    target = Path(backup_dir) / now.strftime(SET_FORMAT)
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True, exist_ok=False)
    started = time.monotonic()
    try:
        dump = partial / "portal.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            env=pg_env(database_url),
            check=True,
        )
        media = partial / "media.tar.gz"
        with tarfile.open(media, "w:gz") as tar:
            if media_root and Path(media_root).is_dir():
                tar.add(media_root, arcname="media")
        manifest = {
            "created_at": now.isoformat(),
            "database": urlsplit(database_url).path.lstrip("/"),
            "files": {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in (dump, media)},
            "seconds": round(time.monotonic() - started, 1),
        }
        (partial / "MANIFEST.json").write_text(json.dumps(manifest, indent=2))
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    logger.info("backup set %s written in %.1f s", target.name, manifest["seconds"])
    return target


def prune(backup_dir, **rule):
    """Delete the local sets the rule does not keep (and half-written ones); returns their names."""
    root = Path(backup_dir)
    names = [p.name for p in root.iterdir() if p.is_dir() and not p.name.endswith(".partial")]
    valid = [n for n in names if _is_set(n)]
    keep = keep_sets(valid, **rule)
    removed = sorted(n for n in valid if n not in keep)
    for name in removed:
        shutil.rmtree(root / name)
        logger.info("backup set %s pruned", name)
    return removed


def _is_set(name):
    try:
        dt.datetime.strptime(name, SET_FORMAT)
    except ValueError:
        return False
    return True


def upload_to_s3(set_dir, *, bucket, prefix="", endpoint_url=None, **rule):
    """Copy a set to an S3-compatible bucket and prune the bucket by the same rule."""
    import boto3  # only when configured

    s3 = boto3.client("s3", endpoint_url=endpoint_url or None)
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
    for path in sorted(Path(set_dir).iterdir()):
        s3.upload_file(str(path), bucket, f"{prefix}{Path(set_dir).name}/{path.name}")
    listing = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    keys = [obj["Key"] for page in listing for obj in page.get("Contents", [])]
    sets = {key[len(prefix) :].split("/", 1)[0] for key in keys}
    keep = keep_sets([s for s in sets if _is_set(s)], **rule)
    for key in keys:
        name = key[len(prefix) :].split("/", 1)[0]
        if _is_set(name) and name not in keep:
            s3.delete_object(Bucket=bucket, Key=key)


def run_once():
    rule = {
        "daily": int(os.environ.get("BACKUP_KEEP_DAILY", 7)),
        "weekly": int(os.environ.get("BACKUP_KEEP_WEEKLY", 4)),
        "monthly": int(os.environ.get("BACKUP_KEEP_MONTHLY", 12)),
    }
    backup_dir = os.environ.get("BACKUP_DIR", "/backups")
    target = make_set(
        database_url=os.environ["DATABASE_URL"],
        backup_dir=backup_dir,
        media_root=os.environ.get("MEDIA_ROOT", "/app/var/media"),
    )
    prune(backup_dir, **rule)
    if os.environ.get("BACKUP_S3_BUCKET"):
        upload_to_s3(
            target,
            bucket=os.environ["BACKUP_S3_BUCKET"],
            prefix=os.environ.get("BACKUP_S3_PREFIX", "backups"),
            endpoint_url=os.environ.get("BACKUP_S3_ENDPOINT_URL"),
            **rule,
        )
    return target


def seconds_until(at, now=None):
    """Seconds from ``now`` (UTC) to the next ``HH:MM`` UTC."""
    now = now or dt.datetime.now(dt.UTC)
    hour, minute = (int(x) for x in at.split(":"))
    nxt = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if nxt <= now:
        nxt += dt.timedelta(days=1)
    return (nxt - now).total_seconds()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--loop", action="store_true", help="run every night at BACKUP_AT (UTC)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if not args.loop:
        run_once()
        return 0
    while True:
        wait = seconds_until(os.environ.get("BACKUP_AT", "01:30"))
        logger.info("next backup in %d s", wait)
        time.sleep(wait)
        try:
            run_once()
        except Exception:  # noqa: BLE001 - log, and try again the next night
            logger.exception("backup failed")


if __name__ == "__main__":
    sys.exit(main())
