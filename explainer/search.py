"""Search across sticking points, parties, events and quoted passages.

PostgreSQL ranks with its full-text search (stemmed English, websearch syntax). Other
databases fall back to matching every word, case-insensitively, in any searched field.
"""

import re
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from explainer.models import Citation, Event, Party, StickingPoint

# (label, queryset, searched fields with their full-text weights)
SCOPES = {
    "sticking_points": (
        lambda: StickingPoint.objects.published(),
        {"question": "A", "title": "A", "short_answer": "B", "explanation": "C"},
    ),
    "parties": (
        lambda: Party.objects.all(),
        {"name": "A", "short_name": "A", "role": "B", "description": "C"},
    ),
    "events": (
        lambda: Event.objects.all(),
        {"title": "A", "summary": "B"},
    ),
    "passages": (
        lambda: Citation.objects.verified(),
        {"passage": "A", "speaker__name": "B", "source__title": "C"},
    ),
}
LIMIT = 20
# Without full-text ranking, the fallback ranks at most this many matches in Python.
CANDIDATES = 200
WEIGHTS = {"A": 4, "B": 2, "C": 1}


class SearchError(ValueError):
    """The query could not be run; the message says what the reader can do."""


def search(query):
    """Results for `query` per scope, best first."""
    if connection.vendor != "postgresql":
        return {name: _contains(qs(), fields, query) for name, (qs, fields) in SCOPES.items()}
    try:
        # A savepoint, so a query PostgreSQL rejects leaves the connection usable.
        with transaction.atomic():
            return {name: _full_text(qs(), fields, query) for name, (qs, fields) in SCOPES.items()}
    except DatabaseError as error:
        raise SearchError(
            "That search could not be run. Try a few plain words instead."
        ) from error


def _full_text(queryset, fields, query):
    vector = reduce(
        lambda a, b: a + b,
        (SearchVector(field, weight=weight, config="english") for field, weight in fields.items()),
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
    return list(
        queryset.annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0.0)
        .order_by("-rank", "pk")[:LIMIT]
    )


def _contains(queryset, fields, query):
    words = query.split()
    if not words:
        return []
    condition = reduce(
        and_,
        (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words),
    )
    candidates = list(queryset.filter(condition).distinct()[:CANDIDATES])
    patterns = [re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE) for word in words]

    def score(obj):
        total = 0
        for field, weight in fields.items():
            text = _value(obj, field).casefold()
            for word, pattern in zip(words, patterns, strict=True):
                if word.casefold() in text:
                    total += WEIGHTS[weight] * (3 if pattern.search(text) else 1)
        return total

    candidates.sort(key=lambda obj: (-score(obj), obj.pk))
    return candidates[:LIMIT]


def _value(obj, path):
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return ""
    return str(obj)
