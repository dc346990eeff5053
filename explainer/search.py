"""Search: sticking points, parties, glossary terms, events and quoted passages, ranked
the same way on PostgreSQL and SQLite.

Both run the query parsed in explainer.searchquery against the index kept by
explainer.searchindex, with the database's own full-text search: a stored tsvector and
GIN index on PostgreSQL, FTS5 on SQLite. Results are ordered by the same rules on both:
1. (when no page has every word) the most of the reader's words first;
2. pages whose heading (title, question, name, term) matches before those where only
   the text does;
3. sticking points, then parties, glossary terms, events and passages;
4. relevance: the words found, where, how often, in how long a text (`score`), the
   same formula on both databases.
Every search takes a fixed number of queries, whatever the size of the content.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchVectorExact, SearchVectorField
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Case, IntegerField, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils.html import escape
from django.utils.safestring import mark_safe

from explainer import searchquery
from explainer.models import (
    Citation,
    Event,
    GlossaryTerm,
    Party,
    SearchDocument,
    SearchEquivalent,
)

LIMIT = 20
# Each database picks the CANDIDATES that come first by a key both compute alike (their
# own relevance formulas differ); those are put in order here, by one score.
CANDIDATES = 60
FTS = "explainer_searchdocument_fts"
COLUMNS = ("kind", "object_id", "priority", "title", "url", "heading", "text", "extra")
# Which candidates each database picks: the same key on both (see _sqlite's ORDER BY). The
# first three are the order readers see; then pages whose text has every word, the
# shortest (the most to the point) first.
CANDIDATE_ORDER = ("-matched", "-in_heading", "priority", "-in_text", Length("text"), "object_id")
# Marks the databases put around matching words; never in a source's text.
START, STOP = "\ue000", "\ue001"
EXCERPT_WORDS = 30


class SearchError(ValueError):
    """The query could not be run; the message says what the reader can do."""


@dataclass
class Result:
    kind: str
    title: str
    url: str
    excerpt: str
    citation: Citation | None = None
    event: Event | None = None

    @property
    def kind_label(self):
        if self.citation is not None:
            return "Quote" if self.citation.is_quote else "Report"
        return SearchDocument.Kind(self.kind).label


@dataclass
class Results:
    items: list = field(default_factory=list)
    total: int = 0
    # No page has every word: these are the pages with the most of them.
    partial: bool = False
    # (what the reader typed, [equivalents searched for with it])
    expanded: list = field(default_factory=list)
    # Why nothing was looked for, when the words left nothing to look for.
    advice: str = ""


def equivalents():
    """Groups of phrases that mean the same here: the editors' list, each glossary term
    with its variants, and each party's name with its short name."""
    groups = [e.forms for e in SearchEquivalent.objects.only("phrases")]
    groups += [t.forms for t in GlossaryTerm.objects.only("term", "variants")]
    groups += [
        [name, short]
        for name, short in Party.objects.exclude(short_name="").values_list("name", "short_name")
    ]
    return groups


def search(text):
    """The best results for what the reader typed."""
    query = searchquery.parse(text, equivalents())
    if not query.clauses and not searchquery.words_of(text):
        return Results(advice="Type a word or two to search for.")
    if not query.clauses:
        return Results(
            advice="Those words are too common to search for. Try a more particular word, "
            "such as a company, a person or a topic."
        )
    if not query.positive:
        return Results(advice="Add a word to look for, not only words to leave out.")
    run = _postgres if connection.vendor == "postgresql" else _sqlite
    try:
        # A savepoint, so a query the database rejects leaves the connection usable.
        with transaction.atomic():
            rows, total = run(query, any_positive=False)
            partial = not rows and len(query.positive) > 1
            if partial:
                rows, total = run(query, any_positive=True)
    except DatabaseError as error:
        if not _rejected_query(error):
            raise  # the database is away or too slow: a 503, not the reader's fault
        raise SearchError(
            "That search could not be run. Try a few plain words instead."
        ) from error
    wanted = query.wanted_stems()
    rows.sort(
        key=lambda row: (
            -row["matched"],
            -row["in_heading"],
            row["priority"],
            -score(row, wanted),
            row["kind"],
            row["object_id"],
        )
    )
    rows = rows[:LIMIT]
    return Results(
        items=_results(rows, wanted),
        total=total,
        partial=partial and bool(rows),
        expanded=query.expanded,
    )


def _rejected_query(error):
    """Whether the database refused the query itself, rather than failing to answer.
    Only FTS5 has a syntax of its own that a query could break; anything else is the
    database failing (a 503) or a bug (a 500), not the reader's fault."""
    message = str(error)
    return (
        connection.vendor == "sqlite"
        and isinstance(error, OperationalError)
        # FTS5's own messages: "fts5: syntax error near …", "fts5 expression tree is
        # too large…", and a quote left open.
        and (message.startswith("fts5") or message == "unterminated string")
    )


def _results(rows, wanted):
    """Results from index rows, with the passages and events their lines need (one
    query each)."""
    ids = {
        kind: [r["object_id"] for r in rows if r["kind"] == kind] for kind in ("passage", "event")
    }
    citations = Citation.objects.verified().in_bulk(ids["passage"]) if ids["passage"] else {}
    events = Event.objects.in_bulk(ids["event"]) if ids["event"] else {}
    results = []
    for row in rows:
        citation = citations.get(row["object_id"]) if row["kind"] == "passage" else None
        event = events.get(row["object_id"]) if row["kind"] == "event" else None
        if row["kind"] in ids and citation is None and event is None:
            continue  # deleted between the two queries, by a transaction committed since
        results.append(
            Result(
                kind=row["kind"],
                title=row["title"],
                url=row["url"],
                excerpt=_marked(row, wanted),
                citation=citation,
                event=event,
            )
        )
    return results


# (weight, typical length in words) of each field, as in BM25 without the rarity of
# words: a match in a short heading counts for more than one in a long text.
FIELDS = {"heading": (10.0, 8), "text": (4.0, 80), "extra": (0.5, 15)}


def score(row, wanted):
    total = 0.0
    for name, (weight, typical) in FIELDS.items():
        found = searchquery.stems(row[name]).split()
        if not found:
            continue
        norm = 1.2 * (0.25 + 0.75 * len(found) / typical)
        for stem in wanted:
            count = found.count(stem)
            total += weight * count / (count + norm)
    return total


def _marked(row, wanted):
    """The excerpt as HTML: escaped, the matching words in <mark>, and an ellipsis
    where it leaves out the start or end of the text. PostgreSQL's comes from
    ts_headline; FTS5 indexes stems, so its snippet() would show stems, and the excerpt
    is made here instead, the same way. A passage is shown whole, marked here on both."""
    text, whole = row["text"], row["kind"] == "passage"
    excerpt = row.get("excerpt")
    if excerpt is None:
        excerpt = make_excerpt(text, wanted, whole)
    excerpt = excerpt.strip()
    bare = excerpt.replace(START, "").replace(STOP, "").rstrip("…")
    html = escape(excerpt).replace(START, "<mark>").replace(STOP, "</mark>")
    if not whole:
        if bare and not text.lstrip().startswith(bare[:40]):
            html = "…" + html
        if bare and not html.endswith("…") and not text.rstrip().endswith(bare[-40:]):
            html += "…"
    return mark_safe(html)  # noqa: S308 - escaped above; only our marks are added


# PostgreSQL


def _postgres(query, any_positive):
    match = searchquery.to_postgres(query.clauses, any_positive)
    vector = RawSQL("explainer_searchdocument.vector", [], output_field=SearchVectorField())
    heading = RawSQL(
        "ts_filter(explainer_searchdocument.vector, '{a}')", [], output_field=SearchVectorField()
    )
    text = RawSQL(
        "ts_filter(explainer_searchdocument.vector, '{b}')", [], output_field=SearchVectorField()
    )
    documents = SearchDocument.objects.alias(document=vector).filter(document=match)
    total = documents.count()
    if not total:
        return [], 0
    documents = documents.annotate(
        in_heading=Case(When(SearchVectorExact(heading, match), then=1), default=0),
        in_text=Case(When(SearchVectorExact(text, match), then=1), default=0),
        # Passages are marked in Python (see _marked): ts_headline drops whatever looks
        # like a tag, and a passage must read exactly as its source prints it.
        excerpt=Case(
            When(kind=SearchDocument.Kind.PASSAGE, then=Value(None, output_field=TextField())),
            default=SearchHeadline(
                "text",
                match,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_words=EXCERPT_WORDS,
                min_words=EXCERPT_WORDS // 2,
                short_word=1,
            ),
        ),
        matched=_matched_postgres(query, vector) if any_positive else Value(0),
    )
    rows = documents.order_by(*CANDIDATE_ORDER)[:CANDIDATES]
    return list(rows.values(*COLUMNS, "in_heading", "matched", "excerpt")), total


def _matched_postgres(query, vector):
    """How many of the reader's clauses a document matches."""
    counts = [
        Case(
            When(SearchVectorExact(vector, searchquery.to_postgres([clause])), then=1),
            default=0,
            output_field=IntegerField(),
        )
        for clause in query.positive
    ]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return total


# SQLite


def _sqlite(query, any_positive):
    match = searchquery.to_fts5(query.clauses, any_positive)
    in_heading = searchquery.to_fts5(query.positive, any_positive, column="heading_stems")
    in_text = searchquery.to_fts5(query.positive, any_positive, column="text_stems")
    with connection.cursor() as cursor:
        # Only constants and placeholders are put into these statements' text.
        cursor.execute(f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH %s", [match])  # noqa: S608
        total = cursor.fetchone()[0]
        if not total:
            return [], 0
        matched = " + ".join(
            f"(d.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s))"  # noqa: S608
            for _ in query.positive
        )
        cursor.execute(
            f"""
            SELECT {", ".join(f"d.{c}" for c in COLUMNS)},
                {matched if any_positive else "0"} AS matched,
                d.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s) AS in_heading,
                d.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s) AS in_text
            FROM {FTS} JOIN explainer_searchdocument d ON d.id = {FTS}.rowid
            WHERE {FTS} MATCH %s
            ORDER BY matched DESC, in_heading DESC, d.priority, in_text DESC,
                length(d.text), d.object_id
            LIMIT %s
            """,  # noqa: S608
            [
                *([searchquery.to_fts5([c]) for c in query.positive] if any_positive else []),
                in_heading,
                in_text,
                match,
                CANDIDATES,
            ],
        )
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows, total


def make_excerpt(text, wanted, whole=False):
    """The EXCERPT_WORDS words of `text` around the most words whose stems are
    `wanted` (all of it when `whole`), those words between START and STOP."""
    tokens = list(searchquery.WORD.finditer(text))
    hits = {i for i, t in enumerate(tokens) if searchquery.stem(t.group().casefold()) in wanted}
    first, last = 0, len(tokens)
    if not whole and len(tokens) > EXCERPT_WORDS:
        # Start a few words before a match, where the window holds the most matches.
        starts = [max(0, i - 3) for i in sorted(hits)] or [0]
        first = max(starts, key=lambda s: (sum(s <= i < s + EXCERPT_WORDS for i in hits), -s))
        last = min(len(tokens), first + EXCERPT_WORDS)
    begin = tokens[first].start() if first else 0
    end = tokens[last - 1].end() if last < len(tokens) else len(text)
    # Whole words as written: "AMPTP's" is two tokens, never cut between them.
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    pieces, at = [], begin
    for i in sorted(hits):
        if first <= i < last:
            token = tokens[i]
            pieces += [text[at : token.start()], START, token.group(), STOP]
            at = token.end()
    pieces.append(text[at:end])
    return "".join(pieces)
