"""``manage.py bench_directory``: time the public directory on the current database.

Requests go through the whole Django stack (middleware, view, search, templates) with the test
client; the figure is the median (and p95) over ``--requests`` requests after a warm-up, plus the
process's CPU time per request and the number of SQL queries. For scale on a shared machine, the
same is measured for a trivial view (``/healthz``) and a small page on the same base template
(the contact list), and the load average is recorded. Prints one JSON object.
"""

import json
import os
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from associations.models import Association
from portal.bench.pages import directory_area

SCENARIOS = {
    "search_and_two_filters": lambda area: {"q": "palloseura", "prh_class": "sports", "service_area": area},
    "misspelt_search": lambda area: {"q": "Porin Palloseuar"},
    "two_filters": lambda area: {"prh_class": "culture", "service_area": area},
    "first_page": lambda area: {},
}


class Command(BaseCommand):
    help = "Measure the association directory's response time on this database."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=5)

    def _measure(self, client, url, query, *, requests, warmup):
        for _ in range(warmup):
            client.get(url, query)
        timings, cpu = [], []
        for _ in range(requests):
            reset_queries()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, query)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        timings.sort()
        return {
            "params": query,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "min_ms": round(timings[0], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1),
            "queries": len(queries),
            "found": response.content.decode().count('class="card association-card"'),
        }

    def handle(self, *args, requests, warmup, **options):
        client = Client()
        area = directory_area()
        results = {
            "associations": Association.objects.count(),
            "requests": requests,
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        }
        results["baseline_healthz"] = self._measure(client, "/healthz", {}, requests=requests, warmup=warmup)
        results["baseline_contacts_page"] = self._measure(client, "/fi/contacts/", {}, requests=requests, warmup=warmup)
        for name, params in SCENARIOS.items():
            results[name] = self._measure(client, "/fi/associations/", params(area), requests=requests, warmup=warmup)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        self.stdout.write(json.dumps(results))
