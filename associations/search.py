"""Free-text search of the registry.

On PostgreSQL: full-text search with the ``finnish`` configuration (stemming: "karhujen" finds
"Karhut"), every word also as a prefix, plus pg_trgm similarity on the name so a typo such as
"Porn Karhtu" still finds "Porin Karhut ry". Results are ordered by relevance, then name. Both
conditions use GIN indexes (migration 0003). On SQLite (the embedded run) a plain ``icontains``
per word stands in.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations.models import FINNISH_SEARCH_CONFIG, search_vector
from associations.validators import normalize_business_id, normalize_register_number

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8
SEARCH_TOO_LONG = _("The search is too long. Use at most %(limit_value)d characters.")

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search, lowercased, without punctuation (nothing reaches tsquery syntax)."""
    words = [w.lower() for w in _WORD_RE.findall(text or "") if w.strip("_")]
    return [w[:50] for w in words][:SEARCH_MAX_WORDS]


def _identifier_match(text):
    """An exact register number or business ID typed into the search box."""
    text = (text or "").strip()
    q = Q()
    for normalize, field in ((normalize_business_id, "business_id"), (normalize_register_number, "register_number")):
        try:
            value = normalize(text)
        except ValidationError:
            continue
        if value:
            q |= Q(**{field: value})
    return q


def search_associations(queryset, text):
    """Filter ``queryset`` by the search text and order it by relevance, then name."""
    words = search_words(text)
    if not words:
        return queryset
    identifier = _identifier_match(text)
    if connection.vendor != "postgresql":
        condition = Q()
        for word in words:
            condition &= Q(name__icontains=word) | Q(description__icontains=word)
        return queryset.filter(condition | identifier if identifier else condition).order_by("name")

    tsquery = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=FINNISH_SEARCH_CONFIG)
    phrase = " ".join(words)
    condition = Q(_search=tsquery) | Q(name__trigram_similar=phrase) | Q(name__trigram_word_similar=phrase)
    if identifier:
        condition |= identifier
    return (
        queryset.alias(_search=search_vector())
        .filter(condition)
        .annotate(relevance=SearchRank(search_vector(), tsquery) + TrigramSimilarity("name", phrase))
        .order_by("-relevance", "name")
    )
