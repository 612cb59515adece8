"""``manage.py bench_facilities``: time the week view and the free-at-a-time search, and book
under contention. Prints one JSON object.

Page timings go through the whole Django stack with the test client: the median (and p95) over
``--requests`` requests after a warm-up, with the SQL query count. Contention: ``--workers``
processes, each with its own connection, make ``--attempts`` booking attempts in all on a few
spaces at overlapping times (the threaded proof of "exactly one wins" is in the tests); the
figure is attempts per second, timed from the moment every worker is connected and warmed up
by one booking of its own, and the database is then asked for any two active occupancy rows
of one space that overlap (there must be none). The contention bookings, with their history
and queued e-mails, are deleted afterwards, so the data set stays as generated.
"""

import datetime as dt
import functools
import json
import os
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities import services
from facilities.models import Booking, Occupancy, Space
from portal.bench import contention
from portal.models import Notification

CONTENTION_PURPOSE = "bench-contention"


class Command(BaseCommand):
    help = "Measure the facilities pages and booking under contention on this database."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--attempts", type=int, default=2000)
        parser.add_argument(
            "--only", choices=["pages", "contention"], help="Measure only the pages or only booking under contention."
        )

    def _measure(self, client, url, query, *, requests, warmup):
        for _ in range(warmup):
            client.get(url, query)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url, query)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        timings.sort()
        return {
            "url": url,
            "params": query,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "queries": len(queries),
        }

    def _contention(self, *, workers, attempts):
        """``workers`` processes (forked, each with its own connection, so both cores work and
        no GIL is shared) make the attempts together on five halls and their halves. The clock
        runs from the moment all workers are connected and warmed up (one booking each on a hall
        of its own) until the last one is done; process start-up is not counted."""
        user = get_user_model().objects.get(username="bench@bench.invalid")
        halls = list(Space.objects.filter(slug__startswith="bench-").filter(slug__endswith="-hall").order_by("pk"))
        spaces = halls[:5]
        warm_up_spaces = halls[5 : 5 + workers]
        targets = [s.pk for s in spaces] + list(Space.objects.filter(parent__in=spaces).values_list("pk", flat=True))
        day = timezone.localdate() + dt.timedelta(days=10)
        starts = [
            timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
            for hour in range(9, 14)
            for minute in (0, 30)
        ]
        per_worker = attempts // workers

        def book(space, start):
            services.booking_create(
                space=space,
                booker=user,
                association=None,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                purpose=CONTENTION_PURPOSE,
                attendees=5,
            )

        def warm_up(space):
            """One booking of the worker's own, on a hall outside the contention, before the clock
            starts: the imports, templates and URLs a web worker has loaded after its first
            request. Without it each worker's first accepted booking took 0.5-2.5 s (the URLconf
            importing WeasyPrint, the e-mail templates, Celery's producer pool), much of it while
            holding the row lock others queue on."""
            book(space, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9))))

        def prepare(seed):
            rng = random.Random(seed)
            spaces_by_pk = {s.pk: s for s in Space.objects.filter(pk__in=targets)}
            if seed < len(warm_up_spaces):
                warm_up(warm_up_spaces[seed])

            def tries():
                for _ in range(per_worker):
                    start = rng.choice(starts)
                    yield functools.partial(book, spaces_by_pk[rng.choice(targets)], start)

            return tries()

        totals, seconds = contention.run(workers=workers, prepare=prepare, success="booked")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM facilities_occupancy a JOIN facilities_occupancy b "
                "ON a.space_id = b.space_id AND a.id < b.id AND a.during && b.during "
                "WHERE a.active AND b.active"
            )
            overlaps = cursor.fetchone()[0]
        self._remove_contention_bookings()
        return {
            "worker_processes": workers,
            "attempts": per_worker * workers,
            **totals,
            "seconds": round(seconds, 2),
            "attempts_per_second": round(per_worker * workers / seconds),
            "overlapping_active_occupancies": overlaps,
        }

    def _remove_contention_bookings(self):
        """The bookings, occupancies, history records and queued e-mails the contention wrote:
        the data set stays as generated however often the bench runs."""
        bookings = Booking.objects.filter(purpose=CONTENTION_PURPOSE)
        ids = list(bookings.values_list("pk", flat=True))
        Occupancy.objects.filter(booking_id__in=ids).delete()
        bookings.delete()
        Booking.history.filter(id__in=ids).delete()
        keys = [f"booking-{pk}-{template}" for pk in ids for template in ("booking-confirmed", "booking-received")]
        Notification.objects.filter(key__in=keys).delete()

    def handle(self, *args, requests, warmup, workers, attempts, only=None, **options):
        client = Client()
        hall = Space.objects.filter(slug__startswith="bench-", slug__endswith="-hall").order_by("pk").first()
        week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
        tuesday = timezone.localdate() + dt.timedelta(days=7)
        tuesday += dt.timedelta(days=(1 - tuesday.weekday()) % 7)
        results = {
            "spaces": Space.objects.count(),
            "bookings": Booking.objects.count(),
            "requests": requests,
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        }
        if only == "contention":
            results["contention"] = self._contention(workers=workers, attempts=attempts)
            results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
            self.stdout.write(json.dumps(results))
            return
        results["baseline_healthz"] = self._measure(client, "/healthz", {}, requests=requests, warmup=warmup)
        results["week_view"] = self._measure(
            client, f"/fi/facilities/spaces/{hall.slug}/", {"week": week}, requests=requests, warmup=warmup
        )
        results["free_at_a_time"] = self._measure(
            client,
            "/fi/facilities/",
            {"date": tuesday.isoformat(), "starts": "18:00", "ends": "20:00", "capacity": 30},
            requests=requests,
            warmup=warmup,
        )
        results["catalogue_first_page"] = self._measure(client, "/fi/facilities/", {}, requests=requests, warmup=warmup)
        if only != "pages":
            results["contention"] = self._contention(workers=workers, attempts=attempts)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        self.stdout.write(json.dumps(results))
