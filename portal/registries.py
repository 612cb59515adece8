"""The registries that let apps contribute without portal importing them.

**Indicators** — each app's ``indicators.py`` registers functions that compute a programme
indicator's value for a year::

    @indicator("associations.events_published", unit=_("events"), label=_("Events published"))
    def events_published(year):
        return Event.objects.published().filter(starts_at__year=year).count()

**Calendar sources** — each app's ``calendar.py`` registers a function returning the dated items
it owns between two dates. The annual clock, the iCalendar feeds and the reminders read the
merged list, so no date is typed twice::

    @calendar_source("grants.rounds")
    def grant_round_dates(start, end):
        return [CalendarItem(uid=..., title=..., start=..., end=..., kind="grant_application_period", ...)]

**Front-page sections** — an app's ``home.py`` registers a block for the front page
(``home_section``), so portal shows "coming up" without importing the annual clock.

**Recipient lists** — an app's ``recipients.py`` registers audiences an invitation can be sent
to by key (``recipient_list``).

The registries are filled when Django starts: ``PortalConfig.ready`` imports every installed
app's ``indicators``, ``calendar``, ``home`` and ``recipients`` modules. Every registry refuses
a second function under a key already taken (``DuplicateKey``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import inspect
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


class DuplicateKey(ValueError):
    """Two contributions claim one key: a typo or a copy-paste, never meant to replace the first."""


def _refuse_duplicate(registry: dict, key: str, func, what: str):
    """Every registry refuses a second function under a taken key (the same function again is a
    no-op: a module imported twice registers twice)."""
    existing = registry.get(key)
    if existing is not None and _func_of(existing) is not func:
        raise DuplicateKey(f"{what} {key!r} is registered twice.")


def _func_of(entry):
    if isinstance(entry, Indicator):
        return entry.compute
    if isinstance(entry, tuple):
        return entry[-1]
    return entry


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    compute: Callable[[int], int | float | Decimal | dict]
    description: str = ""

    def value_for(self, year: int):
        return self.compute(year)


@dataclass(frozen=True)
class Score:
    """What a feedback indicator returns: a mean on a 1–5 scale and the number of answers it is of.

    Feedback after using a space (or on a grant) feeds the programme the way the portal's own
    surveys do: the figure, with "n = answers" beside it. ``mean`` is None when nobody answered.
    """

    mean: Decimal | None
    answers: int


_indicators: dict[str, Indicator] = {}


def indicator(key: str, *, label, unit="", description=""):
    """Register ``func(year) -> value`` as the computed indicator ``key`` (e.g. ``grants.applicants``)."""

    def register(func):
        _refuse_duplicate(_indicators, key, func, "Indicator")
        _indicators[key] = Indicator(key=key, label=label, unit=unit, compute=func, description=description)
        return func

    return register


def get_indicator(key: str) -> Indicator:
    return _indicators[key]


def all_indicators() -> dict[str, Indicator]:
    return dict(sorted(_indicators.items()))


_shared_results: contextvars.ContextVar[dict | None] = contextvars.ContextVar("indicator_shared_results", default=None)


@contextmanager
def shared_results():
    """A block in which indicators built on the same costly figures compute them once.

    The programme's overview asks, for each year, several indicators that read one report (the
    facilities' utilisation report feeds three): inside this block ``shared_result`` keeps each
    report for the block's other indicators. Nothing outlives the block (one page, one PDF), so
    a booking made after it counts on the next page. Nested blocks share the outer one's results.
    """
    if _shared_results.get() is not None:
        yield
        return
    token = _shared_results.set({})
    try:
        yield
    finally:
        _shared_results.reset(token)


def shared_result(key, compute: Callable[[], object]):
    """``compute()``, kept under ``key`` (e.g. ``("facilities.utilisation", 2026)``) for the rest
    of the enclosing ``shared_results`` block; outside a block, simply ``compute()``."""
    results = _shared_results.get()
    if results is None:
        return compute()
    if key not in results:
        results[key] = compute()
    return results[key]


def indicator_choices():
    """(key, label) pairs for a form or admin field that points an indicator at a computed key."""
    return [(key, f"{ind.label} ({key})") for key, ind in all_indicators().items()]


@dataclass(frozen=True)
class CalendarItem:
    """One dated thing on the city's calendar.

    ``start``/``end`` are datetimes (aware) or dates (all-day). A month-precision entry uses
    ``month_only=True`` with ``start`` the first day of the month and ``end`` the first day of
    the next month (exclusive, as iCalendar's DTEND).
    """

    uid: str  # stable across runs and edits, e.g. "grant-round-42-opens@<site>"
    title: str
    start: dt.date | dt.datetime
    kind: str  # one of CALENDAR_KINDS' keys, or an app's own
    end: dt.date | dt.datetime | None = None
    url: str = ""  # absolute path or URL of the item's page
    description: str = ""
    month_only: bool = False
    location: str = ""
    source: str = ""  # filled in by calendar_items()
    audience: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def date_to_be_announced(self) -> bool:
        """A month-precision item whose month is not over: its exact date may still come.

        A past month's item says nothing of dates to come ("announced later" would be false).
        """
        if not self.month_only:
            return False
        end = self.end or self.start
        end = end.date() if isinstance(end, dt.datetime) else end
        return end > timezone.localdate()

    @property
    def sort_key(self):
        """By day in the city's time, a day's all-day items first, then its timed ones by time.

        Sources may give UTC (as the database does) or local datetimes: both are compared as
        the city's wall-clock time, so 01:00 in Pori sorts into its own day, not the one before.
        """
        start = self.start
        if isinstance(start, dt.datetime):
            local = timezone.localtime(start)
            return (local.date(), 1, local.time())
        return (start, 0, dt.time.min)


_calendar_sources: dict[str, Callable[[dt.date, dt.date], list[CalendarItem]]] = {}
_calendar_source_kinds: dict[str, frozenset[str] | None] = {}
_calendar_source_takes_limit: dict[str, bool] = {}
_calendar_source_reads: dict[str, tuple | None] = {}


def calendar_source(key: str, *, kinds=None, reads=None):
    """Register ``func(start: date, end: date) -> list[CalendarItem]`` under ``key``.

    ``kinds`` (optional) names every kind the source can give: ``calendar_items(kinds=…)`` and
    ``exclude_kinds=…`` then skip the source without calling it. A source may also take a
    keyword ``limit``: it then returns at most its first ``limit`` items by start (a large
    source, e.g. association events, so the front page never reads a whole year of them).
    ``reads`` names every table the items are made from (models, or ``portal.datacache.Rows``),
    so that ``calendar_version`` can tell when they change; a source that does not say is never
    cached.
    """

    def register(func):
        _refuse_duplicate(_calendar_sources, key, func, "Calendar source")
        _calendar_sources[key] = func
        _calendar_source_kinds[key] = frozenset(str(kind) for kind in kinds) if kinds else None
        _calendar_source_takes_limit[key] = "limit" in inspect.signature(func).parameters
        _calendar_source_reads[key] = tuple(reads) if reads is not None else None
        return func

    return register


def calendar_sources():
    return dict(_calendar_sources)


def calendar_source_kinds(key: str) -> frozenset[str] | None:
    """The kinds ``key`` declared it gives, or None when it did not say."""
    return _calendar_source_kinds.get(key)


def _source_wanted(key, *, kinds, exclude_kinds) -> bool:
    declared = _calendar_source_kinds.get(key)
    if declared is None:
        return True
    if kinds and not declared & set(kinds):
        return False
    return not (exclude_kinds and declared <= set(exclude_kinds))


def calendar_version(*, kinds=None, sources=None, exclude_kinds=None, also=()) -> str | None:
    """The data version (``portal.datacache.data_version``) of every table the wanted sources
    read, and of the tables in ``also``: one query. None when a wanted source did not name its
    tables, so its items cannot be cached."""
    from portal.datacache import data_version

    tables = list(also)
    for key in sorted(_calendar_sources):
        if sources and key not in sources:
            continue
        if not _source_wanted(key, kinds=kinds, exclude_kinds=exclude_kinds):
            continue
        reads = _calendar_source_reads.get(key)
        if reads is None:
            return None
        tables.extend(reads)
    return data_version(*tables)


def calendar_items(
    start: dt.date, end: dt.date, *, kinds=None, sources=None, exclude_kinds=None, limit=None
) -> list[CalendarItem]:
    """The merged calendar between ``start`` (inclusive) and ``end`` (exclusive), sorted by time.

    ``kinds`` keeps only those kinds, ``exclude_kinds`` leaves those out; a source that declared
    its kinds and has none wanted is not asked at all. ``limit`` is a bound passed to the sources
    that take it (each then gives at most its first ``limit`` items); the merged list is not cut,
    as the caller may still drop items before showing its first few.
    """
    from dataclasses import replace

    items = []
    for key, func in sorted(_calendar_sources.items()):
        if sources and key not in sources:
            continue
        if not _source_wanted(key, kinds=kinds, exclude_kinds=exclude_kinds):
            continue
        given = (
            func(start, end, limit=limit)
            if limit is not None and _calendar_source_takes_limit.get(key)
            else func(start, end)
        )
        for item in given:
            if kinds and item.kind not in kinds:
                continue
            if exclude_kinds and item.kind in exclude_kinds:
                continue
            items.append(replace(item, source=key))
    return sorted(items, key=lambda item: item.sort_key)


REGISTRY_MODULES = ("indicators", "calendar", "home", "recipients", "mine", "retention")  # retention: portal.retention


def autodiscover():
    """Import every installed app's module of each name in ``REGISTRY_MODULES``."""
    for module in REGISTRY_MODULES:
        autodiscover_modules(module)


# --- Front-page sections ------------------------------------------------------------------
_home_sections: list[tuple[int, str, Callable]] = []


def home_section(key: str, *, order: int = 100):
    """Register ``func(request) -> (template_name, context) | None`` as a block on the front page.

    Apps put their "coming up", "latest events" … on the home page without portal importing
    them. Lower ``order`` comes first; returning None hides the block.
    """

    def register(func):
        _refuse_duplicate({k: f for _o, k, f in _home_sections}, key, func, "Front-page section")
        if all(k != key for _o, k, _f in _home_sections):
            _home_sections.append((order, key, func))
            _home_sections.sort(key=lambda s: (s[0], s[1]))
        return func

    return register


def home_sections(request):
    """The rendered-ready sections: a list of (key, template_name, context)."""
    sections = []
    for _order, key, func in _home_sections:
        result = func(request)
        if result:
            template_name, context = result
            sections.append((key, template_name, context))
    return sections


# --- "My associations": the signed-in person's own page, data download and erasure ------
_my_sections: list[tuple[int, str, Callable]] = []
_my_data: dict[str, Callable] = {}
_my_erasers: dict[str, Callable] = {}


def my_section(key: str, *, order: int = 100):
    """Register ``func(request) -> (template_name, context) | None`` as a block on "My associations".

    Like ``home_section``: grants put "my applications" and facilities "my bookings" on the
    representative's own page without portal importing them. ``None`` hides the block.
    """

    def register(func):
        _refuse_duplicate({k: f for _o, k, f in _my_sections}, key, func, "My-page section")
        if all(k != key for _o, k, _f in _my_sections):
            _my_sections.append((order, key, func))
            _my_sections.sort(key=lambda s: (s[0], s[1]))
        return func

    return register


def my_sections(request):
    """The blocks of the signed-in person's own page: a list of (key, template_name, context)."""
    sections = []
    for _order, key, func in _my_sections:
        result = func(request)
        if result:
            template_name, context = result
            sections.append((key, template_name, context))
    return sections


def my_data(key: str):
    """Register ``func(user) -> JSON-serialisable value`` as the part ``key`` of "download my data".

    Each app returns everything it holds about the person (rows they made, answers they gave,
    their subscriptions), keyed by what it is, in plain JSON types.
    """

    def register(func):
        _refuse_duplicate(_my_data, key, func, "My-data part")
        _my_data[key] = func
        return func

    return register


def my_data_parts(user) -> dict:
    return {key: func(user) for key, func in sorted(_my_data.items())}


def my_data_eraser(key: str):
    """Register ``func(user) -> list[str]`` that erases or anonymises what the app holds about
    ``user`` when the account is deleted, inside the deletion's transaction. It returns the
    sentences (translated) that say what had to be kept and why, e.g. grant applications kept
    under the accounting act; an empty list when nothing is kept.
    """

    def register(func):
        _refuse_duplicate(_my_erasers, key, func, "My-data eraser")
        _my_erasers[key] = func
        return func

    return register


def my_data_erasers() -> dict[str, Callable]:
    return dict(sorted(_my_erasers.items()))


@dataclass(frozen=True)
class StaffTask:
    """A line of the admin's "waiting for you": what, how many, where to handle it."""

    label: str
    count: int
    url: str


_staff_waiting: list[tuple[int, str, Callable]] = []


def staff_waiting(key: str, *, order: int = 100):
    """Register ``func(request) -> StaffTask | None`` as a line of the admin index's "waiting
    for you" (claims, new entries, events to moderate, meetings without minutes). ``None`` or a
    count of 0 hides the line; the function checks the staff member's own permissions."""

    def register(func):
        _refuse_duplicate({k: f for _o, k, f in _staff_waiting}, key, func, "Staff task")
        if all(k != key for _o, k, _f in _staff_waiting):
            _staff_waiting.append((order, key, func))
            _staff_waiting.sort(key=lambda s: (s[0], s[1]))
        return func

    return register


def staff_tasks(request) -> list[StaffTask]:
    tasks = []
    for _order, _key, func in _staff_waiting:
        task = func(request)
        if task and task.count:
            tasks.append(task)
    return tasks


# --- Recipient lists ----------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    """Someone an invitation or announcement can be sent to."""

    email: str
    language: str = ""
    name: str = ""
    association_id: int | None = None  # set when the recipient answers for an association


_recipient_lists: dict[str, tuple[str, Callable[[], list[Recipient]]]] = {}


def recipient_list(key: str, *, label):
    """Register ``func() -> list[Recipient]`` as an audience, e.g. ``associations.contacts``.

    The annual clock invites "all associations' contacts" or "newsletter subscribers of a
    topic" by key, without importing the app that owns the addresses.
    """

    def register(func):
        _refuse_duplicate(_recipient_lists, key, func, "Recipient list")
        _recipient_lists[key] = (label, func)
        return func

    return register


def recipient_list_choices():
    return [(key, label) for key, (label, _func) in sorted(_recipient_lists.items())]


def recipients(key: str, *, only: Callable[[Recipient], bool] | None = None) -> list[Recipient]:
    """The audience's recipients, one per e-mail address and association (first wins).

    A person who answers for two associations is listed for each, so both are invited.
    ``only`` keeps the recipients it accepts *before* the addresses are made unique (a hearing
    for sports clubs keeps only the sports club's entry of a person who also represents a choir).
    """
    _label, func = _recipient_lists[key]
    seen, result = set(), []
    for recipient in func():
        if only is not None and not only(recipient):
            continue
        address = recipient.email.strip().lower()
        if address and (address, recipient.association_id) not in seen:
            seen.add((address, recipient.association_id))
            result.append(recipient)
    return result


# --- Who a request acts for ----------------------------------------------------------------
_acting_association_resolver: list[Callable] = []


def acting_association_resolver(func):
    """Register ``func(request) -> association | None`` (the associations app's ``acting_association``).

    The programme's surveys are answered per association; portal asks this hook instead of
    importing the associations app.
    """
    _acting_association_resolver[:] = [func]
    return func


def acting_association(request):
    return _acting_association_resolver[0](request) if _acting_association_resolver else None
