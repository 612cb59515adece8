"""Load the demo data of every app, idempotently: running it twice changes nothing.

Each app has ``demo.py`` with ``load(*, stdout)``; apps load in dependency order (portal first,
then associations, then the rest), as listed in ``DEMO_ORDER``. A module may also have
``finish(*, stdout)``, run after every app has loaded: the newsletter writes the grant dates of
its issues from the merged calendar, which the annual clock's plan joins after the newsletter.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_ORDER = [
    "portal",
    "associations",
    "associations.cooperation",
    "grants",
    "facilities",
    "newsletter",
    "annualclock",
    "portal.programme",
]


class Command(BaseCommand):
    help = "Load Pori's demo data (idempotent)."

    def handle(self, *args, **options):
        loaded = []
        for app in DEMO_ORDER:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(stdout=self.stdout)
            self.stdout.write(f"Demo data: {app} ready.")
            loaded.append(module)
        for module in loaded:
            if hasattr(module, "finish"):
                with transaction.atomic():
                    module.finish(stdout=self.stdout)
