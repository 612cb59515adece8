"""``manage.py bench_pages``: the load test's pages on this (bench) database, their SQL query
counts and signed-in sessions, as one JSON object (``portal.bench.pages.plan``)."""

import json

from django.core.management.base import BaseCommand

from portal.bench import pages


class Command(BaseCommand):
    help = "List the benchmark's pages with their SQL query counts and sessions (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=pages.SESSIONS_PER_USER)

    def handle(self, *args, sessions, **options):
        self.stdout.write(json.dumps(pages.plan(sessions=sessions)))
