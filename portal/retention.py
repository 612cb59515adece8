"""Retention: the privacy notice's promises as jobs that remove or anonymise old personal data.

Each app's ``retention.py`` registers its jobs (discovered when Django starts, like the other
registries in ``portal.registries``)::

    @retention_job("facilities.booking_personal_data", setting="RETENTION_BOOKING_DAYS")
    def anonymise_old_bookings(*, cutoff, dry_run):
        rows = Booking.objects.filter(ends_at__lt=cutoff).exclude(booker_name="")
        count = rows.count()
        if not dry_run:
            rows.update(booker_name="", booker_email="", booker_phone="")
        return count

A job receives ``cutoff`` (now minus its period) and ``dry_run``, and returns how many items it
removed (or would remove). It must be idempotent and change nothing with ``dry_run``. Its
period is ``settings.RETENTION_DAYS[<setting>]`` in days (``portal/settings.py``; each
can be overridden from the environment); ``0`` or ``None`` turns the job off.

Beat runs every job daily (``portal.tasks.retention_run``); each logs what it removed.
``manage.py retention --dry-run`` shows what would go.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("portal.retention")


@dataclass(frozen=True)
class RetentionJob:
    key: str
    setting: str
    description: str
    run: Callable[..., int]

    @property
    def days(self):
        return settings.RETENTION_DAYS.get(self.setting)

    def cutoff(self, now):
        return now - dt.timedelta(days=self.days)


@dataclass(frozen=True)
class RetentionResult:
    key: str
    description: str
    days: int | None
    count: int
    dry_run: bool


_jobs: dict[str, RetentionJob] = {}


def retention_job(key: str, *, setting: str, description: str = ""):
    """Register ``func(*, cutoff, dry_run) -> int`` as the retention job ``key``."""

    def register(func):
        if key in _jobs and _jobs[key].run is not func:
            raise ValueError(f"Retention job {key!r} is registered twice.")
        _jobs[key] = RetentionJob(
            key=key, setting=setting, description=description or (func.__doc__ or "").strip(), run=func
        )
        return func

    return register


def all_retention_jobs() -> dict[str, RetentionJob]:
    return dict(sorted(_jobs.items()))


def run_retention(*, dry_run=False, now=None, only=None) -> list[RetentionResult]:
    """Run every job (or those in ``only``), each in its own transaction; log what each did."""
    now = now or timezone.now()
    results = []
    for key, job in all_retention_jobs().items():
        if only and key not in only:
            continue
        if not job.days:
            logger.info("retention %s: off (%s not set)", key, job.setting)
            results.append(RetentionResult(key, job.description, None, 0, dry_run))
            continue
        with transaction.atomic():
            count = job.run(cutoff=job.cutoff(now), dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)  # belt and braces: a dry run changes nothing
        logger.info(
            "retention %s: %s %d (older than %d days)",
            key,
            "would remove" if dry_run else "removed",
            count,
            job.days,
            extra={"retention_job": key, "count": count, "dry_run": dry_run, "days": job.days},
        )
        results.append(RetentionResult(key, job.description, job.days, count, dry_run))
    return results


# --- The portal's own jobs ------------------------------------------------------------------


@retention_job(
    "portal.outbox_bodies",
    setting="OUTBOX_BODY",
    description="Texts of sent and abandoned e-mails (recipient, subject and time stay as the send log).",
)
def blank_old_outbox_bodies(*, cutoff, dry_run):
    """The notice promises a log of recipient, subject and time; the message text need not stay."""
    from django.db.models import Q

    from portal.models import Notification

    rows = Notification.objects.filter(
        Q(sent_at__lt=cutoff) | Q(failed_at__lt=cutoff), ~Q(body_text="", body_html="", headers={}, attachments=[])
    )
    count = rows.count()
    if not dry_run:
        rows.update(body_text="", body_html="", headers={}, attachments=[])
    return count
