"""Liveness and readiness.

``/healthz`` (``portal.views.healthz``) is liveness: the process answers and reaches its
database. ``/readyz`` is readiness: this instance can do its work. It checks

- the database (``SELECT 1``),
- Redis (the cache and Celery's broker), when ``REDIS_URL`` is set,
- that no migration is unapplied (checked until it first holds; a deploy restarts the process),
- the outbox backlog: the oldest due, unsent e-mail is younger than ``READYZ_OUTBOX_MAX_AGE``
  seconds (beat sends the outbox every minute, so an old row means beat, the worker or SMTP is
  stuck),

and answers 200 or 503 with a JSON body naming each failed check. The reasons are terse: no
host names or exception texts (those go to the log).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

_migrations_applied = False


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def check_redis():
    url = settings.REDIS_URL
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return None


def check_migrations():
    global _migrations_applied
    if _migrations_applied:
        return None
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} unapplied migration(s)"
    _migrations_applied = True
    return None


def outbox_backlog(now=None):
    """(due unsent rows, age in seconds of the oldest of them or None)."""
    from portal.models import Notification

    now = now or timezone.now()
    due = Notification.objects.filter(sent_at__isnull=True, failed_at__isnull=True, send_after__lte=now)
    oldest = due.order_by("send_after").values_list("send_after", flat=True).first()
    return due.count(), (now - oldest).total_seconds() if oldest else None


def check_outbox():
    count, age = outbox_backlog()
    limit = settings.READYZ_OUTBOX_MAX_AGE
    if age is not None and age > limit:
        return f"{count} unsent e-mail(s), the oldest due {int(age)} s ago (limit {limit} s)"
    return None


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
    "outbox": check_outbox,
}
UNREACHABLE = {"database": "database unreachable", "redis": "redis unreachable"}


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception:  # noqa: BLE001 - any failure makes the instance not ready
            logger.warning("readiness check %s failed", name, exc_info=True)
            problem = UNREACHABLE.get(name, f"{name} check failed")
            if name == "database":
                # Without a database the later checks cannot say anything useful.
                results[name] = problem
                break
        results[name] = problem
    return results


@never_cache
def readyz(request):
    results = run_checks()
    failed = {name: problem for name, problem in results.items() if problem}
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: ("fail: " + problem) if problem else "ok" for name, problem in results.items()},
    }
    return JsonResponse(body, status=503 if failed else 200)
