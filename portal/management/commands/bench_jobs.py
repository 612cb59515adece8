"""``manage.py bench_jobs``: the yearly report PDF and grant decisions under contention, on the
bench data set. Prints one JSON object.

- ``report_pdf``: the steering group's yearly report of Pori's programme over the bench data:
  ``report_generate`` (the indicators' snapshot, then the PDF with WeasyPrint), in seconds. The
  report row and its file are removed afterwards.
- ``decision_contention``: ``--workers`` processes (forked, each with its own connection)
  decide ``--applications`` submitted applications of one round at the same time through
  ``grants.services.decision_make``, each granting what was asked; the appropriation covers
  only about half of it, so the round's row lock and the ledger CHECK decide who gets money.
  Measured: decision attempts per second; afterwards the round is read back: the sum of the
  decisions must equal ``committed`` and neither may exceed the appropriation (overcommits
  must be 0). The decision letters are queued for the worker as in production (run it with
  ``CELERY_TASK_ALWAYS_EAGER=false``) and purged from the bench's broker afterwards; the round
  and its rows are removed.
"""

import datetime as dt
import functools
import json
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Sum
from django.urls import get_resolver
from django.utils import timezone

from portal.bench import contention

CONTENTION_SLUG = "bench-contention"


def report_pdf():
    from portal.bench.dataset import steering_user
    from portal.programme.demo import PORI_SLUG
    from portal.programme.models import Programme, Report
    from portal.programme.services import report_generate

    programme = Programme.objects.get(slug=PORI_SLUG)
    year = min(max(timezone.localdate().year, programme.start_year), programme.end_year)
    report = Report.objects.create(programme=programme, year=year, language="fi", created_by=steering_user())
    try:
        started = time.perf_counter()
        report = report_generate(report_id=report.pk)
        seconds = time.perf_counter() - started
        size = report.pdf.size
        indicators = sum(len(a["indicators"]) for a in report.snapshot.get("focus_areas", []))
    finally:
        report.refresh_from_db()
        if report.pdf:
            report.pdf.delete(save=False)
        report.delete()
    return {"year": year, "seconds": round(seconds, 2), "pdf_bytes": size, "indicators": indicators}


def _contention_round(applications):
    from associations.models import Association
    from grants.models import Application, FormVersion, GrantRound, GrantType
    from portal.bench.copy import copy_objects
    from portal.models import Department

    _remove_contention_round()
    grant_type = GrantType.objects.get(slug="bench-type")
    now = timezone.now()
    requested = Decimal(1000)
    round_ = GrantRound.objects.create(
        grant_type=grant_type,
        department=Department.objects.filter(name="Bench department").first() or Department.objects.first(),
        form_version=FormVersion.objects.get(grant_type=grant_type, number=1),
        title="Bench contention",
        slug=CONTENTION_SLUG,
        year=now.year,
        appropriation=requested * applications / 2,
        opens_at=now - dt.timedelta(days=60),
        closes_at=now - dt.timedelta(days=30),
        is_published=False,
    )
    associations = list(Association.objects.order_by("pk").values_list("pk", flat=True)[:applications])
    copy_objects(
        Application,
        [
            Application(
                round=round_,
                association_id=associations[n % len(associations)],
                form_version=round_.form_version,
                title=f"Contention {n}",
                summary="Bench",
                amount_requested=requested,
                state="submitted",
                submitted_at=now - dt.timedelta(days=31),
            )
            for n in range(applications)
        ],
    )
    return round_


def _remove_contention_round():
    from grants.models import Application, Decision, GrantRound, Transition

    rounds = GrantRound.objects.filter(slug=CONTENTION_SLUG)
    Transition.objects.filter(application__round__in=rounds).delete()
    Decision.objects.filter(application__round__in=rounds).delete()
    Application.objects.filter(round__in=rounds).delete()
    rounds.delete()


def decision_contention(*, workers, applications):
    from grants import services
    from grants.models import Application, Decision, GrantRound
    from portal.bench.pages import GRANTS_OFFICER, users

    users()  # the grants officer: staff superuser with TOTP
    round_ = _contention_round(applications)
    ids = list(Application.objects.filter(round=round_).order_by("pk").values_list("pk", flat=True))
    # As a web worker that has served a request: the URLconf (the applicant's e-mail links to the
    # application) is loaded before the clock starts, not by each child inside its first decision.
    get_resolver().url_patterns  # noqa: B018 - loaded for its side effect

    def prepare(index):
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.get(username=GRANTS_OFFICER)
        mine = list(Application.objects.filter(pk__in=ids[index::workers]))
        return (
            functools.partial(
                services.decision_make,
                application=application,
                user=officer,
                amount=application.amount_requested,
                grounds="Bench",
            )
            for application in mine
        )

    totals, seconds = contention.run(workers=workers, prepare=prepare, success="decided")
    round_ = GrantRound.objects.get(pk=round_.pk)
    decided = Decision.objects.filter(application__round=round_).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    overcommits = int(decided > round_.appropriation) + int(round_.committed > round_.appropriation)
    result = {
        "worker_processes": workers,
        "attempts": len(ids),
        **totals,
        "seconds": round(seconds, 2),
        "attempts_per_second": round(len(ids) / seconds),
        "appropriation": str(round_.appropriation),
        "committed": str(round_.committed),
        "decided_sum": str(decided),
        "ledger_consistent": decided == round_.committed,
        "overcommits": overcommits,
    }
    _remove_contention_round()
    _purge_queued_letters()
    return result


def _purge_queued_letters():
    """The decisions queued their letters for the worker (as in production, where the worker
    makes them later); nobody consumes this broker during the benchmark: drop them."""
    from portal.celery import app as celery_app

    if not celery_app.conf.task_always_eager:
        celery_app.control.purge()


class Command(BaseCommand):
    help = "Time the yearly report PDF and grant decisions under contention on this database (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--applications", type=int, default=300)
        parser.add_argument("--skip-pdf", action="store_true")

    def handle(self, *args, workers, applications, skip_pdf, **options):
        figures = {}
        if not skip_pdf:
            figures["report_pdf"] = report_pdf()
        figures["decision_contention"] = decision_contention(workers=workers, applications=applications)
        connection.close()
        self.stdout.write(json.dumps(figures))
