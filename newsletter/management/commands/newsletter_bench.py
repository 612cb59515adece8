"""Measure sending one issue through a real worker; run by newsletter.bench in the bench database."""

import json

from django.core.management.base import BaseCommand

from newsletter import bench


class Command(BaseCommand):
    help = "Send one issue to many subscribers through one Celery worker into a local SMTP sink; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=bench.SUBSCRIBERS)
        parser.add_argument("--concurrency", type=int, default=1, help="1: solo pool; more: prefork processes.")

    def handle(self, *args, subscribers, concurrency, **options):
        result = bench.measure(stdout=self.stdout, subscribers=subscribers, concurrency=concurrency)
        self.stdout.write(json.dumps(result))
