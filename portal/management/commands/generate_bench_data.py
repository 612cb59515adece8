"""``manage.py generate_bench_data [--scale 1]``: the benchmark's national-scale data set.

See ``portal.bench.dataset``. Idempotent (a marker row); refuses a database whose name lacks
"bench" unless ``--force``, since it empties the registry first.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.bench import dataset


class Command(BaseCommand):
    help = "Generate the benchmark's data set (once) in a database named *bench*."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = national scale; 0.001 for tests.")
        parser.add_argument("--force", action="store_true", help="Allow a database whose name lacks 'bench'.")

    def handle(self, *args, scale, force, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not force:
            raise CommandError(f"Refusing to generate the bench data set in {name!r}: use a *bench* database.")
        seconds = dataset.generate(scale=scale, stdout=self.stdout)
        if seconds is not None:
            self.stdout.write(f"Generated the data set (scale {scale}) in {seconds} s.")
