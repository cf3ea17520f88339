"""
Search over published conditions.

PostgreSQL: full-text search on a stored, weighted search vector (title and alternate
names weigh most, then the summary, then the section text) with a GIN index, ranked,
with highlighted snippets. SQLite: a word match with the same results interface.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape, format_html, format_html_join

from .models import SENTINEL_START, SENTINEL_STOP, Condition

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
CONFIG = "english"
# SQLite fallback: how much a word found in each field adds to a result's rank.
FALLBACK_WEIGHTS = [("title", 8), ("alternate_names", 8), ("summary", 3), ("search_document", 1)]
SNIPPET_CHARS = 220


@dataclass
class Result:
    condition: Condition
    snippet: str  # safe HTML: escaped text with the matching words in <mark>


def search_vector_for(document):
    """The weighted vector a condition stores for search, or None where the database has no full-text search."""
    if connection.vendor != "postgresql":
        return None
    return (
        SearchVector("title", "alternate_names", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector(Value(document), weight="C", config=CONFIG)
    )


def search_terms(query):
    """The query's words, with every character that is not a letter, mark or digit taken as a space."""
    cleaned = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in query)
    return [word for word in cleaned.split() if len(word) > 1][:MAX_TERMS]


def search_conditions(query):
    """Published conditions matching the query, best first, each with a highlighted snippet."""
    query = query[:MAX_QUERY_LENGTH]
    conditions = Condition.objects.published().select_related("category")
    if connection.vendor == "postgresql":
        return _postgres_search(conditions, query)
    return _fallback_search(conditions, search_terms(query))


def suggestions(query, limit=3):
    """Published conditions whose title or alternate name looks like a misspelling of the query."""
    names = {}
    for condition in Condition.objects.published().only("title", "slug", "alternate_names"):
        for name in [condition.title, *condition.alternate_name_list]:
            names.setdefault(name.lower(), condition)
    close = difflib.get_close_matches(query.lower(), names, n=limit * 2, cutoff=0.7)
    return list(dict.fromkeys(names[name] for name in close))[:limit]


def _postgres_search(conditions, query):
    # websearch_to_tsquery accepts anything a person types; the prefix query finds "sciat" in "sciatica".
    tsquery = SearchQuery(query, search_type="websearch", config=CONFIG)
    terms = search_terms(query)
    if terms:
        tsquery |= SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config=CONFIG)
    matches = (
        conditions.filter(search_vector=tsquery)
        .annotate(
            rank=SearchRank(F("search_vector"), tsquery),
            headline=SearchHeadline(
                Concat("summary", Value("\n"), "search_document", output_field=TextField()),
                tsquery,
                config=CONFIG,
                start_sel=SENTINEL_START,
                stop_sel=SENTINEL_STOP,
                max_fragments=2,
                min_words=8,
                max_words=25,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "title")
    )
    return [Result(condition, _highlighted(condition.headline)) for condition in matches]


def _fallback_search(conditions, terms):
    # Like the full-text search, every word must match somewhere; short words ("my", "in") are skipped.
    terms = [term for term in terms if len(term) > 2]
    if not terms:
        return []
    for term in terms:
        conditions = conditions.filter(
            reduce(or_, (Q(**{f"{field}__icontains": term}) for field, _weight in FALLBACK_WEIGHTS))
        )
    rank = sum(
        (
            Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)), default=Value(0), output_field=IntegerField()
            )
            for term in terms
            for field, weight in FALLBACK_WEIGHTS
        ),
        Value(0, output_field=IntegerField()),
    )
    matches = conditions.annotate(rank=rank).order_by("-rank", "title")
    return [Result(condition, _fallback_snippet(condition, terms)) for condition in matches]


def _fallback_snippet(condition, terms):
    text = " ".join(f"{condition.summary}\n{condition.search_document}".split())
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
    window = text[start : start + SNIPPET_CHARS]
    if start:
        window = "…" + window.split(" ", 1)[-1]
    if start + SNIPPET_CHARS < len(text):
        window = window.rsplit(" ", 1)[0] + "…"
    return _highlighted(pattern.sub(lambda m: f"{SENTINEL_START}{m.group(0)}{SENTINEL_STOP}", window))


def _highlighted(text):
    """Escape everything, then turn the marked stretches into <mark> elements."""
    text = " ".join(text.split())
    parts = re.split(f"({SENTINEL_START}.*?{SENTINEL_STOP})", text, flags=re.DOTALL)
    return format_html_join("", "{}", ((_part_html(part),) for part in parts if part))


def _part_html(part):
    if part.startswith(SENTINEL_START) and part.endswith(SENTINEL_STOP):
        return format_html("<mark>{}</mark>", part[1:-1])
    return escape(part)
