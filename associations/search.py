"""Free-text search of the registry, in two steps:

1. **Full-text**, in the city's country's configuration (``associations.countries``): in Finland
   ``finnish`` (stemming: "karhujen" finds "Karhut"), each word also as a prefix ("Noormark" finds
   "Noormarkun"), against the stored, GIN-indexed ``Association.search_vector`` (name weighs more
   than description); in Poland, which PostgreSQL cannot stem, ``simple`` over the text without
   diacritics (``search_vector_plain``), each word a prefix, so "Stowarzyszenie Przyjaciol" finds
   "Stowarzyszenie Przyjaciół Dzieci" and "przyjaciel" … the trigram step below. Ordered by
   ``ts_rank``, then name.
2. Only when that finds nothing: **similarity** of the name with pg_trgm (trigram GIN index, the
   ``%``/``%>`` operators with a strict threshold first, pg_trgm's default only if that finds
   nothing), both without diacritics, so a typo such as "Porn Karhtu" still finds "Porin Karhut ry" and
   "Elakelaiset" finds "Porin Eläkeläiset ry". Ordered by similarity, then name.

A typo search is thus as good as before, and a correct one never pays for the fuzzy match: on a
national-scale registry the trigram recheck of thousands of names costs more than the rest of the
page.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _

from associations.countries import current_country
from associations.models import Unaccented
from associations.poland import normalize_krs, normalize_nip, normalize_regon
from associations.validators import normalize_business_id, normalize_register_number

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8
FUZZY_LIMIT = 200  # a typo search shows at most this many of the most similar names
FUZZY_THRESHOLDS = (0.45, 0.3)  # pg_trgm similarity: strict first, then pg_trgm's default
SEARCH_TOO_LONG = _("The search is too long. Use at most %(limit_value)d characters.")

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search, lowercased, without punctuation (nothing reaches tsquery syntax)."""
    words = [w.lower() for w in _WORD_RE.findall(text or "") if w.strip("_")]
    return [w[:50] for w in words][:SEARCH_MAX_WORDS]


IDENTIFIERS = {
    "FI": ((normalize_business_id, "business_id"), (normalize_register_number, "register_number")),
    "PL": ((normalize_krs, "krs_number"), (normalize_nip, "nip"), (normalize_regon, "regon")),
}


def _identifier_match(text):
    """An exact register identifier of the city's country typed into the search box."""
    text = (text or "").strip()
    q = Q()
    for normalize, field in IDENTIFIERS[current_country().code]:
        try:
            value = normalize(text)
        except ValidationError:
            continue
        if value:
            q |= Q(**{field: value})
    return q


def search_associations(queryset, text):
    """Filter ``queryset`` by the search text and order it by relevance, then name.

    Apply it after the other filters: the fuzzy step runs only when the filtered full-text
    result is empty.
    """
    words = search_words(text)
    if not words:
        return queryset
    country = current_country()
    identifier = _identifier_match(text)
    raw = " & ".join(f"{w}:*" for w in words)
    # Without diacritics where the stored vector is (the same immutable_unaccent, in the database).
    query_text = Unaccented(Value(raw)) if country.search_unaccented else raw
    tsquery = SearchQuery(query_text, search_type="raw", config=country.search_config)
    vector = country.search_vector_field
    condition = Q(**{vector: tsquery})
    precise = queryset.filter(condition | identifier if identifier else condition)
    # A count, not exists(): EXISTS's LIMIT 1 makes the planner bet on a sequential scan finding
    # an early match, which reads all 100,000 rows when there is none (a typo: 200 ms); the count
    # goes through the GIN index (0.5 ms).
    found = precise.count()
    if found:
        ranked = precise.annotate(relevance=SearchRank(F(vector), tsquery)).order_by("-relevance", "name")
        ranked.known_count = found  # the directory's paginator uses it instead of counting again
        return ranked
    phrase = Unaccented(Value(" ".join(words)))
    # The trigram recheck is the expensive part: run it once, for the best FUZZY_LIMIT names, and
    # let the page and its count work on those ids. The index hands over every name sharing enough
    # trigrams at pg_trgm's threshold (0.3: thousands for a common place name), each rechecked on
    # the heap; a stricter threshold first keeps that to hundreds, and the loose one runs only
    # when the strict one finds nothing.
    similar = []
    for threshold in FUZZY_THRESHOLDS:
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [threshold])
            similar = list(
                queryset.alias(plain_name=Unaccented("name"))
                .filter(Q(plain_name__trigram_similar=phrase) | Q(plain_name__trigram_word_similar=phrase))
                .annotate(relevance=TrigramSimilarity(Unaccented("name"), phrase))
                .order_by("-relevance", "name")
                .values_list("pk", flat=True)[:FUZZY_LIMIT]
            )
        if similar:
            break
    return (
        queryset.filter(pk__in=similar)
        .annotate(relevance=TrigramSimilarity(Unaccented("name"), phrase))
        .order_by("-relevance", "name")
    )
