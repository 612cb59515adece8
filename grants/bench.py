"""Benchmark of grants: 50,000 applications over five years (``manage.py bench --only grants``).

Runs in the bench database (``settings.BENCH_DATABASE_URL``) like the registry's benchmark:
migrates it, then ``bench_grants`` generates the rows once and times the call page, the
decision list, the open data and the ledger, with their query counts. With ``prepared=True``
(``manage.py bench``, which has just made the whole data set) it only measures.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings

from associations.bench import _ensure_database, _manage


def run(*, stdout, prepared=False):
    """``prepared``: the bench database is migrated and holds the data set (``manage.py bench``)."""
    url = settings.BENCH_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        return {"skipped": "BENCH_DATABASE_URL must point at PostgreSQL"}
    if prepared:
        stdout.write("  timing the grant pages on the data set …")
        figures = json.loads(_manage(url, "bench_grants", "--measure-only").strip().splitlines()[-1])
    else:
        _ensure_database(url)
        stdout.write("  migrating the bench database …")
        _manage(url, "migrate", "--no-input", "-v", "0")
        stdout.write("  generating (once) and timing 50,000 grant applications …")
        figures = json.loads(_manage(url, "bench_grants").strip().splitlines()[-1])
    figures["database"] = urlsplit(url).path.lstrip("/")
    for name, value in figures.items():
        if isinstance(value, dict) and "median_ms" in value:
            stdout.write(f"  {name}: median {value['median_ms']} ms, {value['queries']} queries")
    return figures
