"""``manage.py retention [--dry-run] [--job KEY ...]``: run the retention jobs now, or show what
they would remove (portal.retention)."""

from django.core.management.base import BaseCommand, CommandError

from portal.retention import all_retention_jobs, run_retention


class Command(BaseCommand):
    help = "Remove personal data past its retention period (or, with --dry-run, show what would go)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would go; change nothing")
        parser.add_argument("--job", action="append", dest="jobs", metavar="KEY", help="only this job (repeatable)")

    def handle(self, *args, dry_run=False, jobs=None, **options):
        known = all_retention_jobs()
        unknown = sorted(set(jobs or []) - set(known))
        if unknown:
            raise CommandError(f"Unknown retention job(s): {', '.join(unknown)}. Known: {', '.join(known)}")
        for result in run_retention(dry_run=dry_run, only=jobs):
            if result.days is None:
                self.stdout.write(f"{result.key}: off")
                continue
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(
                f"{result.key}: {verb} {result.count} (older than {result.days} days) - {result.description}"
            )
