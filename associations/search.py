"""Free-text search of the registry.

On PostgreSQL, in two steps:

1. **Full-text** with the ``finnish`` configuration (stemming: "karhujen" finds "Karhut"), each
   word also as a prefix ("Noormark" finds "Noormarkun"), against the stored, GIN-indexed
   ``search_vector`` column (migration 0005; name weighs more than description). Ordered by
   ``ts_rank``, then name.
2. Only when that finds nothing: **similarity** of the name with pg_trgm (trigram GIN index), so a
   typo such as "Porn Karhtu" still finds "Porin Karhut ry". Ordered by similarity, then name.

A typo search is thus as good as before, and a correct one never pays for the fuzzy match: on a
national-scale registry the trigram recheck of thousands of names costs more than the rest of the
page. On SQLite (the embedded run) a plain ``icontains`` per word stands in.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField, TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from associations.models import FINNISH_SEARCH_CONFIG
from associations.validators import normalize_business_id, normalize_register_number

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8
FUZZY_LIMIT = 200  # a typo search shows at most this many of the most similar names
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


def _stored_vector():
    # The generated column of migration 0005 (PostgreSQL only, not in the model state).
    return RawSQL('"associations_association"."search_vector"', [], output_field=SearchVectorField())


def search_associations(queryset, text):
    """Filter ``queryset`` by the search text and order it by relevance, then name.

    Apply it after the other filters: the fuzzy step runs only when the filtered full-text
    result is empty.
    """
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
    condition = Q(_search=tsquery) | identifier if identifier else Q(_search=tsquery)
    precise = queryset.alias(_search=_stored_vector()).filter(condition)
    if precise.exists():
        return precise.annotate(relevance=SearchRank(_stored_vector(), tsquery)).order_by("-relevance", "name")
    phrase = " ".join(words)
    # The trigram recheck is the expensive part: run it once, for the best FUZZY_LIMIT names, and
    # let the page and its count work on those ids.
    similar = (
        queryset.filter(Q(name__trigram_similar=phrase) | Q(name__trigram_word_similar=phrase))
        .annotate(relevance=TrigramSimilarity("name", phrase))
        .order_by("-relevance", "name")
        .values_list("pk", flat=True)[:FUZZY_LIMIT]
    )
    return (
        queryset.filter(pk__in=list(similar))
        .annotate(relevance=TrigramSimilarity("name", phrase))
        .order_by("-relevance", "name")
    )
