"""``make bench``: run every app's benchmark and write var/bench/results.json.

Each app may have ``bench.py`` with ``run(*, stdout) -> dict`` that builds its own large data
set (in the database named by BENCH_DATABASE_URL or the default), measures, and returns the
figures; this command collects them with the machine's facts.
"""

import json
import platform
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

BENCH_APPS = ["portal", "associations", "grants", "facilities", "newsletter", "annualclock"]


class Command(BaseCommand):
    help = "Run the benchmarks and write var/bench/results.json."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", default=None, help="Only these apps.")

    def handle(self, *args, only=None, **options):
        results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": platform.python_version(), "apps": {}}
        for app in BENCH_APPS:
            if only and app not in only:
                continue
            try:
                module = import_module(f"{app}.bench")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.bench":
                    raise
                continue
            self.stdout.write(f"Benchmark: {app} …")
            results["apps"][app] = module.run(stdout=self.stdout)
        out = Path(settings.VAR_DIR) / "bench" / "results.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str))
        self.stdout.write(json.dumps(results, indent=2, default=str))
        self.stdout.write(f"Written to {out}")
