"""``manage.py import_linked_events FILE_OR_URL [--association SLUG]``: idempotent event import.

FILE_OR_URL is a JSON file or an API address in the Linked Events format: either a list of
events or a page ``{"meta": {"next": …}, "data": [...]}`` (an address's next pages are followed).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from associations.importers.linked_events import ImportReport, import_events
from associations.models import Association

MAX_PAGES = 200


def _items(document):
    if isinstance(document, list):
        return document, None
    if isinstance(document, dict):
        return document.get("data") or [], (document.get("meta") or {}).get("next")
    raise CommandError("The document is neither a list of events nor a Linked Events page.")


class Command(BaseCommand):
    help = "Import events from Linked Events API JSON (a file or a URL), idempotently."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A JSON file or an http(s) address of the Linked Events API.")
        parser.add_argument("--association", help="Slug of the association all events belong to.")

    def handle(self, *args, source, association=None, **options):
        target = None
        if association:
            target = Association.objects.filter(slug=association).first()
            if target is None:
                raise CommandError(f"No association with the slug {association!r}.")
        report = ImportReport()
        if source.startswith(("http://", "https://")):
            import requests

            url, pages = source, 0
            while url and pages < MAX_PAGES:
                response = requests.get(url, timeout=30, headers={"Accept": "application/json"})
                response.raise_for_status()
                items, url = _items(response.json())
                import_events(items, association=target, report=report)
                pages += 1
        else:
            path = Path(source)
            if not path.exists():
                raise CommandError(f"No such file: {source}")
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise CommandError(f"Not JSON: {exc}")
            items, _next = _items(document)
            import_events(items, association=target, report=report)
        summary = report.as_dict()
        self.stdout.write(
            "created {created}, updated {updated}, unchanged {unchanged}, deleted {deleted}, skipped {skipped}".format(
                **summary
            )
        )
        for external_id, reason in report.skipped:
            self.stdout.write(f"  skipped {external_id}: {reason}")
        return None
