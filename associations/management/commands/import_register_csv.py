"""``manage.py import_register_csv FILE --user EMAIL``: the admin's register import from the shell.

Idempotent by register number; prints one line per row (created, updated, unchanged or refused
with the reason) and a summary. The same code as the admin's "Import a register extract".
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from associations.admin import read_register_csv
from associations.services.register_import import association_import_register_rows


class Command(BaseCommand):
    help = "Import a PRH register extract (CSV) by register number, with a per-row report."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="E-mail of the staff member the history names.")

    def handle(self, *args, path, user, **options):
        staff = get_user_model().objects.filter(email__iexact=user, is_staff=True).first()
        if staff is None:
            raise CommandError(f"No staff user with the e-mail {user!r}.")
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {path}")
        try:
            rows = read_register_csv(SimpleUploadedFile(file.name, file.read_bytes()))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        results = association_import_register_rows(rows=rows, user=staff)
        summary = {}
        for result in results:
            summary[result.outcome] = summary.get(result.outcome, 0) + 1
            reason = f": {result.reason}" if result.reason else ""
            self.stdout.write(f"line {result.line} {result.register_number} {result.name} – {result.outcome}{reason}")
        self.stdout.write(", ".join(f"{outcome} {n}" for outcome, n in sorted(summary.items())))
