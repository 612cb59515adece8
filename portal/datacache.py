"""Computed data and rendered fragments kept in the cache under a *data version*: never stale.

A page that reads many rows to show a little (the events feed, the annual clock's wheel, the front
page's "coming up") keeps its result under a key that holds the version of every table it reads,
so a new, edited or deleted row makes a new key at once and the old entry simply expires:

    version = data_version(Event, Rows(Association, counted=False))
    body = cached("associations:events-feed", (version, today, language), build_feed)

A table's version is its row count, its newest primary key and its newest ``updated_at`` (when the
model has one): an insert, a deletion and an edit through ``save()`` each change it. A small table
without ``updated_at`` (departments, forums) is versioned by a hash of all its rows. Every table's
version comes from one query of scalar subqueries, each using its own index.

The version is read *before* the data it stands for (``cached`` takes it as an argument), so an
entry is never older than its key: a change committed in between only makes the entry newer.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, models

VERSIONED_TIMEOUT = 15 * 60  # an entry nobody asks for leaves the cache; a changed one is never read again
EDITED_FIELD = "updated_at"  # portal.models.Stamped


@dataclass(frozen=True)
class Rows:
    """A table in a data version. ``counted=False`` leaves out the row count, which costs a scan of
    a large table: only for a table whose deleted rows the other tables of the version show (an
    association's events are deleted with it, so the events' count changes)."""

    model: type[models.Model]
    counted: bool = True


def _rows(spec) -> Rows:
    return spec if isinstance(spec, Rows) else Rows(spec)


def _table_sql(rows: Rows, quote) -> list[str]:
    """Scalar subqueries of one table. Identifiers come from the model's metadata, quoted."""
    meta = rows.model._meta
    table, pk, edited = quote(meta.db_table), quote(meta.pk.column), quote(EDITED_FIELD)
    if EDITED_FIELD not in {field.name for field in meta.concrete_fields}:
        return [f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.{pk}), '')) FROM {table} t)"]  # noqa: S608
    parts = [f"(SELECT max({pk})::text FROM {table})", f"(SELECT max({edited})::text FROM {table})"]  # noqa: S608
    if rows.counted:
        parts.insert(0, f"(SELECT count(*)::text FROM {table})")  # noqa: S608
    return parts


def data_version(*tables) -> str:
    """The version of ``tables`` (models, or ``Rows(model, counted=False)``) in one query."""
    specs = sorted({_rows(spec) for spec in tables}, key=lambda rows: (rows.model._meta.label, rows.counted))
    if not specs:
        return ""
    quote = connection.ops.quote_name
    columns = [sql for rows in specs for sql in _table_sql(rows, quote)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        values = cursor.fetchone()
    return ".".join(value or "" for value in values)


def cache_key(namespace: str, parts) -> str:
    """The key of ``parts`` under ``namespace``; the city and the site's address are in every key
    (two cities' runs may share one cache, and links and UIDs carry the address)."""
    source = "|".join(str(part) for part in (settings.CITY, settings.SITE_URL, *parts))
    return f"{namespace}:{hashlib.sha256(source.encode()).hexdigest()}"


def cached(namespace: str, parts, compute, *, timeout: int = VERSIONED_TIMEOUT):
    """``compute()``, from the cache when it was made under the same ``parts`` (a data version
    first, then whatever else the result depends on: the day, the language, the filters)."""
    key = cache_key(namespace, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_page(namespace: str, parts, queryset, number, *, per_page: int) -> Page:
    """Page ``number`` of ``queryset`` (``Paginator.get_page``: a bad number gives the first or
    last page), its rows and the total count kept under ``parts`` (a data version first)."""

    def compute():
        page = Paginator(queryset, per_page).get_page(number)
        return page.paginator.count, page.number, list(page.object_list)

    count, page_number, rows = cached(namespace, (*parts, number), compute)
    paginator = Paginator(queryset, per_page)
    paginator.count = count  # the cached total: the paginator asks no COUNT(*)
    return Page(rows, page_number, paginator)
