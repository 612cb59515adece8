"""The computed indicators' figures, kept in the cache with the time they were computed.

Computing every registered indicator reads across the apps (grants, facilities, events…) and
takes most of a second at national scale: too long for a page the whole steering group opens
at once after a meeting invitation. So the dashboard reads the figures from the cache (one
round trip) and states when they were computed; beat recomputes them every
``REFRESH_SECONDS`` and an entry lives at most ``MAX_AGE_SECONDS``, so a figure is never older
than the page says, and the steering group's secretary can ask for a recomputation at once.
Everything the programme holds itself (staff-entered and survey values, the values frozen by
signing, actions and targets) is read from the database on every request, so a value entered
shows at once. The yearly report always computes afresh (``selectors.programme_overview``).

A registry function's result depends only on its key, the year and the language (labels and
the names of service areas and age groups), not on the programme: one entry per language
holds ``{(computed_key, year): Computed}`` for every programme.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

CACHE_VERSION = 1  # bump when ``selectors.Computed`` or the entry's shape changes
REFRESH_SECONDS = 15 * 60  # beat: portal.programme.tasks.programme_figures_refresh
MAX_AGE_SECONDS = 60 * 60  # an entry not refreshed by then is computed again on the next request
LOCK_SECONDS = 120  # one request computes a missing entry; the others wait for it…
WAIT_SECONDS = 10  # …this long at most, then compute it themselves
WAIT_STEP = 0.05


def cache_get(key):
    """``cache.get``, or None when the cache is down: the page then computes what it shows."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Cache unavailable for %s", key, exc_info=True)
        return None


def cache_set(key, value, *, timeout=MAX_AGE_SECONDS):
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        logger.warning("Cache unavailable for %s", key, exc_info=True)


def _cache_add(key, value, *, timeout) -> bool:
    """``cache.add``; True when the cache is down (nobody else can be computing into it)."""
    try:
        return cache.add(key, value, timeout=timeout)
    except Exception:
        logger.warning("Cache unavailable for %s", key, exc_info=True)
        return True


def _cache_delete(key):
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Cache unavailable for %s", key, exc_info=True)


def cache_key(language: str) -> str:
    """Per language, and per city and site (two cities' portals may share one cache)."""
    return f"programme:figures:v{CACHE_VERSION}:{settings.CITY}:{settings.SITE_URL}:{language}"


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Figures:
    """The computed indicators' results of one language, each key and year computed once.

    ``computed_at`` is when the oldest of them was computed (what the page states); ``added``
    says whether this request computed any that the cache did not hold.
    """

    def __init__(self, *, computed_at, results=None, outline=None):
        self.computed_at = computed_at
        self.results = dict(results or {})
        # The statutory outline's figures ({(registry key, year): str}, ``outlines.outline_snapshot``).
        self.outline = dict(outline or {})
        self._outline_known = len(self.outline)
        self._added = False

    @property
    def added(self) -> bool:
        return self._added or len(self.outline) != self._outline_known

    def get(self, indicator, year):
        from portal.programme.selectors import compute_indicator

        key = (indicator.computed_key, year)
        if key not in self.results:
            self.results[key] = compute_indicator(indicator, year)
            self._added = True
        return self.results[key]

    def entry(self):
        return {"computed_at": self.computed_at, "results": self.results, "outline": self.outline}


def _store(figures: Figures, language: str):
    """Kept until ``MAX_AGE_SECONDS`` after ``computed_at``, however often figures are added."""
    age = (timezone.now() - figures.computed_at).total_seconds()
    cache_set(cache_key(language), figures.entry(), timeout=max(1, int(MAX_AGE_SECONDS - age)))


def _load(language: str) -> Figures | None:
    entry = cache_get(cache_key(language))
    if not entry:
        return None
    return Figures(computed_at=entry["computed_at"], results=entry["results"], outline=entry["outline"])


class cached_figures:  # noqa: N801 — used as a context manager, like a function
    """``with cached_figures(now=…) as figures:`` the cached figures of the active language.

    When the cache holds none, one request computes them (a lock in the cache) while the
    others wait for its result rather than all computing the same at once; figures computed
    inside the block (a missing entry, a new indicator) are stored when it ends.
    """

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        self.lock = None

    def __enter__(self) -> Figures:
        self.figures = _load(self.language)
        if self.figures is None:
            token = uuid.uuid4().hex
            lock = cache_key(self.language) + ":lock"
            if _cache_add(lock, token, timeout=LOCK_SECONDS):
                self.lock = (lock, token)
            else:
                deadline = time.monotonic() + WAIT_SECONDS
                while self.figures is None and time.monotonic() < deadline:
                    time.sleep(WAIT_STEP)
                    self.figures = _load(self.language)
        if self.figures is None:
            self.figures = Figures(computed_at=self.now)
        return self.figures

    def __exit__(self, exc_type, exc, traceback):
        try:
            if exc_type is None and self.figures.added:
                _store(self.figures, self.language)
        finally:
            if self.lock is not None and cache_get(self.lock[0]) == self.lock[1]:
                _cache_delete(self.lock[0])
        return False


def refresh(programmes, *, language: str, now=None) -> Figures:
    """Compute every figure the dashboards of ``programmes`` show afresh in ``language`` and
    store them as one entry."""
    from portal.cities import CITY_PROFILES
    from portal.programme.outlines import outline_snapshot
    from portal.programme.selectors import computed_pairs

    now = now or timezone.now()
    figures = Figures(computed_at=now)
    with translation.override(language):
        for indicator, year in computed_pairs(programmes, now=now):
            figures.get(indicator, year)
        for programme in programmes:
            outline = CITY_PROFILES.get(programme.city, {}).get("report_outline")
            for year in range(programme.start_year, programme.end_year + 1) if outline else ():
                outline_snapshot(outline, year, cache=figures.outline)
    _store(figures, language)
    return figures


def forget(languages_=None):
    """Drop the cached figures (every language unless given): the next page computes them."""
    for code in languages_ or languages():
        _cache_delete(cache_key(code))
