"""``manage.py bench_grants``: 50,000 applications over five years, and the grant pages timed.

Generates (unless the rows are there) five years of rounds — four calls a year — with 50,000
applications, decisions for most of them within each appropriation, payments and a few
clawbacks, written with COPY (``portal.bench.copy``); then times the call page, the decision list (first and last
page), the open data and the ledger through the whole Django stack with the test client, and
counts their SQL queries (which must not grow with the rows). Prints one JSON object. Refuses a
database whose name lacks "bench" unless ``--force``.
"""

import datetime as dt
import json
import random
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from associations.models import Association
from grants import selectors
from grants.models import Application, Criterion, Decision, FormVersion, GrantRound, GrantType, Payment
from portal.bench.copy import copy_objects
from portal.models import Department

APPLICATIONS = 50_000
YEARS = 5
ROUNDS_PER_YEAR = 4
MARK = "bench-"


class Command(BaseCommand):
    help = "Generate 50,000 grant applications (in a *bench* database) and time the grant pages."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=APPLICATIONS)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--force", action="store_true")
        parser.add_argument(
            "--measure-only",
            action="store_true",
            help="Time the pages on the rows as they are (the bench data set): no generation, no ANALYZE.",
        )

    def handle(self, *args, count, requests, force, measure_only=False, **options):
        name = connection.settings_dict["NAME"]
        generated = None
        if measure_only:  # reads only: any database will do
            count = Application.objects.filter(round__slug__startswith=MARK).count()
        else:
            if "bench" not in name and not force:
                raise CommandError(f"Refusing to generate grants in {name!r}: use a *bench* database or --force.")
            if Application.objects.filter(round__slug__startswith=MARK).count() != count:
                started = time.perf_counter()
                generate(count)
                generated = round(time.perf_counter() - started, 1)
            with connection.cursor() as cursor:  # fresh statistics, as autovacuum gives a live database
                cursor.execute("ANALYZE grants_application, grants_decision, grants_payment, grants_grantround")
        figures = measure(requests)
        figures.update({"applications": count, "generate_seconds": generated})
        self.stdout.write(json.dumps(figures))


@transaction.atomic
def generate(count, seed=2026):
    rng = random.Random(seed)
    _wipe()
    # Looked up in the city's language, whatever language is active (modeltranslation).
    department, _created = Department.objects.get_or_create(
        **{f"name_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}": "Bench department"},
        defaults={"name": "Bench department"},
    )
    user, _created = get_user_model().objects.get_or_create(username="bench-decider", defaults={"is_active": False})
    grant_type, _created = GrantType.objects.get_or_create(
        slug=f"{MARK}type", defaults={"name": "Bench", "kind": "project"}
    )
    form, _created = FormVersion.objects.get_or_create(grant_type=grant_type, number=1, defaults={"fields": []})
    associations = list(Association.objects.values_list("pk", flat=True)[:5000])
    if len(associations) < 2000:
        Association.objects.bulk_create(
            Association(name=f"Bench {n} ry", slug=f"{MARK}association-{n}", moderation_state="approved")
            for n in range(2000 - len(associations))
        )
        associations = list(Association.objects.values_list("pk", flat=True)[:5000])
    this_year = timezone.localdate().year
    rounds = []
    for year in range(this_year - YEARS + 1, this_year + 1):
        for n in range(ROUNDS_PER_YEAR):
            opens = timezone.make_aware(dt.datetime(year, 1 + 3 * n, 1, 8))
            rounds.append(
                GrantRound(
                    grant_type=grant_type,
                    department=department,
                    form_version=form,
                    title=f"Bench round {year}/{n + 1}",
                    slug=f"{MARK}{year}-{n + 1}",
                    year=year,
                    appropriation=Decimal("2000000"),
                    opens_at=opens,
                    closes_at=opens + dt.timedelta(days=45),
                    is_published=True,
                )
            )
    rounds = GrantRound.objects.bulk_create(rounds)
    Criterion.objects.bulk_create(
        Criterion(round=r, name=name, weight=w, order=i)
        for r in rounds
        for i, (name, w) in enumerate([("A", 2), ("B", 1)])
    )
    per_round = count // len(rounds)
    applications = []
    for r in rounds:
        for n in range(per_round + (count - per_round * len(rounds) if r is rounds[-1] else 0)):
            requested = Decimal(rng.randrange(500, 8000))
            applications.append(
                Application(
                    round=r,
                    association_id=rng.choice(associations),
                    form_version=form,
                    title=f"Toiminta {r.year} #{n}",
                    summary="Viikoittainen toiminta ja tapahtumat.",
                    amount_requested=requested,
                    state="paid" if n % 5 else "rejected",
                    submitted_at=r.closes_at - dt.timedelta(days=1),
                )
            )
    applications = copy_objects(Application, applications)
    decisions, payments = [], []
    for application in applications:
        amount = (
            Decimal(0)
            if application.state == "rejected"
            else (application.amount_requested * Decimal("0.5")).quantize(Decimal("1"))
        )
        decisions.append(
            Decision(
                application=application,
                amount=amount,
                grounds="Bench",
                decided_by=user,
                decided_at=application.round.closes_at + dt.timedelta(days=30),
            )
        )
        if amount:
            payments.append(Payment(application=application, amount=amount, paid_on=application.round.closes_at.date()))
    copy_objects(Decision, decisions)
    copy_objects(Payment, payments)
    for r in rounds:
        total = Decision.objects.filter(application__round=r).aggregate(t=Sum("amount"))["t"] or 0
        GrantRound.objects.filter(pk=r.pk).update(committed=min(total, r.appropriation))


def _wipe():
    rounds = GrantRound.objects.filter(slug__startswith=MARK)
    Payment.objects.filter(application__round__in=rounds).delete()
    Decision.objects.filter(application__round__in=rounds).delete()
    Application.objects.filter(round__in=rounds).delete()
    rounds.delete()


def _time(client, url, *, requests, stream=False):
    def get():
        response = client.get(url)
        if stream:
            b"".join(response.streaming_content)
        assert response.status_code == 200, (url, response.status_code)
        return response

    get()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "queries": len(queries),
    }


def measure(requests):
    client = Client()
    latest = GrantRound.objects.filter(slug__startswith=MARK).order_by("-opens_at").first()
    pages = Decision.objects.filter(is_public=True, amount__gt=0).count() // 50 + 1
    figures = {
        "healthz": _time(client, "/healthz", requests=requests),
        "call_page": _time(client, f"/en/grants/calls/{latest.slug}/", requests=requests),
        "calls_list": _time(client, "/en/grants/", requests=requests),
        "decisions_first_page": _time(client, "/en/grants/decisions/", requests=requests),
        "decisions_last_page": _time(client, f"/en/grants/decisions/?page={pages}", requests=requests),
        "decisions_one_year": _time(client, f"/en/grants/decisions/?year={latest.year}", requests=requests),
        "open_data_json_one_year": _time(
            client, f"/en/grants/decisions.json?year={latest.year}", requests=max(3, requests // 5), stream=True
        ),
    }
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            rows = list(selectors.rounds_with_ledger(GrantRound.objects.filter(slug__startswith=MARK)))
        timings.append((time.perf_counter() - started) * 1000)
    figures["ledger_all_rounds"] = {
        "median_ms": round(statistics.median(timings), 1),
        "queries": len(queries),
        "rounds": len(rows),
    }
    return figures
