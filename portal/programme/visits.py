"""Daily page views per site section, without cookies or personal data.

The middleware adds one to a Redis counter ``visits:<day>:<section>`` for each successful HTML
page a person (not a known bot) loads; nothing about the visitor is read or kept. The task
``programme_visits_flush`` moves the counters into ``PageVisitDay`` rows. The indicator
``portal.association_page_visitors`` sums the association pages' views of a year.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SECTIONS = {"associations", "grants", "facilities", "newsletter", "clock", "forums", "contacts", "pages"}
BOTS = ("bot", "spider", "crawl", "slurp", "preview", "monitor", "curl", "wget", "python-requests")
KEY = "visits:{day}:{section}"
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def section_of(path):
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] in LANGUAGES:
        parts = parts[1:]
    if not parts:
        return "home"
    return parts[0] if parts[0] in SECTIONS else None


class VisitCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            self.count(request, response)
        except Exception:  # counting must never break a page
            logger.warning("Visit counter failed", exc_info=True)
        return response

    @staticmethod
    def count(request, response):
        if request.method != "GET" or response.status_code != 200 or getattr(request, "htmx", False):
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        agent = request.headers.get("User-Agent", "").lower()
        if not agent or any(bot in agent for bot in BOTS):
            return
        section = section_of(request.path_info)
        if section is None:
            return
        key = KEY.format(day=timezone.localdate().isoformat(), section=section)
        cache.add(key, 0, timeout=4 * 24 * 3600)
        cache.incr(key)


def flush(*, days=3, today=None):
    """Move the counters of the last ``days`` days into the database; safe to run at any time."""
    today = today or timezone.localdate()
    moved = 0
    for offset in range(days):
        day = today - dt.timedelta(days=offset)
        for section in sorted(SECTIONS | {"home"}):
            key = KEY.format(day=day.isoformat(), section=section)
            count = cache.get(key)
            if not count:
                continue
            cache.decr(key, count)  # views counted meanwhile stay in the counter
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO portal_pagevisitday (day, section, count) VALUES (%s, %s, %s) "
                    "ON CONFLICT (day, section) DO UPDATE SET count = portal_pagevisitday.count + EXCLUDED.count",
                    [day, section, count],
                )
            moved += count
    return moved
