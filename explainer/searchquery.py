"""What a reader typed, as a query both databases run the same way.

The reader's words are parsed once, here, with web search syntax (quoted phrases, `or`,
`-word`), so that PostgreSQL and SQLite are handed the same query: each gets it in its
own language (a tsquery built from Django's SearchQuery, an FTS5 MATCH expression).
Both stem English words with the same Snowball stemmer (PostgreSQL in its `english`
configuration, SQLite's index through `stems()`), so "weeks" finds "weekly" on both;
both match whole words only, so "AI" never matches inside "said".
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache, reduce

import snowballstemmer

MAX_WORDS = 20
WORD = re.compile(r"[^\W_]+")
# A quoted phrase (its closing quote optional), or a run of anything but spaces.
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')

# PostgreSQL's English stop words (snowball's list, as in its `english` configuration).
# They are left out of plain words on both databases: PostgreSQL ignores them, and FTS5,
# which has no stop words, would otherwise require them.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can did do does doing don down during each
    few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own s same she should so some such
    t than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom
    why will with you your yours yourself yourselves""".split()  # noqa: SIM905 - as english.stop
)


def words_of(text):
    """The words in `text`, as both databases' tokenizers split it, in lower case."""
    return [word.casefold() for word in WORD.findall(text)]


_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word):
    return _stemmer.stemWord(word)


def stems(text):
    """`text` as PostgreSQL's `english` configuration indexes it: the stems of its
    words, stop words left out."""
    return " ".join(stem(word) for word in words_of(text) if word not in STOP_WORDS)


@dataclass(frozen=True)
class Phrase:
    words: tuple

    @property
    def text(self):
        return " ".join(self.words)

    @property
    def stems(self):
        return stems(self.text)


@dataclass
class Clause:
    """One thing the reader looks for: any one of its alternatives, each a word, a
    phrase, or (from the reader's unquoted words) several words anywhere."""

    alternatives: list  # of tuples of Phrase: every phrase of one alternative must match
    negated: bool = False
    # The words as the reader typed them, for equivalents to match.
    typed: tuple = ()


@dataclass
class Query:
    clauses: list = field(default_factory=list)
    # The equivalents searched for alongside the reader's words: (typed, [other forms]).
    expanded: list = field(default_factory=list)

    @property
    def positive(self):
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self):
        return [c for c in self.clauses if c.negated]

    def wanted_stems(self):
        """The stems of every word looked for, to mark in excerpts."""
        return {
            stem
            for clause in self.positive
            for alternative in clause.alternatives
            for phrase in alternative
            for stem in phrase.stems.split()
        }


def parse(text, equivalents=()):
    """`text` as clauses. `equivalents` are groups of phrases (each a tuple of words)
    that mean the same: a clause naming one of them also looks for the others."""
    clauses = []
    pending_or = False
    count = 0
    for match in TOKEN.finditer(text):
        negated, quoted, bare = match.group(1) == "-", match.group(2), match.group(3)
        if bare is not None:
            if bare.casefold() == "or":
                pending_or = bool(clauses) and not clauses[-1].negated
                continue
            negated = bare.startswith("-") and len(bare) > 1
            words = words_of(bare)
        else:
            words = words_of(quoted)
        words = tuple(words[: MAX_WORDS - count])
        if not stems(" ".join(words)):
            continue  # nothing but stop words
        count += len(words)
        phrase = Phrase(words)
        if pending_or and not negated:
            clauses[-1].alternatives.append((phrase,))
            clauses[-1].typed = ()
        else:
            clauses.append(Clause(alternatives=[(phrase,)], negated=negated, typed=words))
        pending_or = False
        if count >= MAX_WORDS:
            break
    query = Query(clauses=clauses)
    _expand(query, [tuple(tuple(words) for words in group) for group in equivalents])
    return query


def _expand(query, groups):
    """Add each group's other forms to the clause where the reader typed one of its
    forms: a word, a quoted phrase, or a run of consecutive plain words ("minimum
    staffing", which then matches as those words anywhere, or as any equivalent)."""
    index = {}
    for group in groups:
        group = [form for form in group if stems(" ".join(form))]
        for form in group:
            index.setdefault(form, set()).update(f for f in group if f != form)
    if not index:
        return
    longest = max(map(len, index))
    clauses, result, i = query.clauses, [], 0
    while i < len(clauses):
        size, typed = 1, clauses[i].typed
        for run_size in range(min(longest, len(clauses) - i), 1, -1):
            run = clauses[i : i + run_size]
            if all(_plain(c) for c in run):
                candidate = tuple(c.typed[0] for c in run)
                if candidate in index:
                    size, typed = run_size, candidate
                    break
        if typed not in index or len(clauses[i].alternatives) > 1:
            result.append(clauses[i])
            i += 1
            continue
        run = clauses[i : i + size]
        own = tuple(p for c in run for p in c.alternatives[0])
        others = sorted(index[typed])
        result.append(
            Clause(
                alternatives=[own, *((Phrase(form),) for form in others)],
                negated=run[0].negated,
                typed=typed,
            )
        )
        query.expanded.append((" ".join(typed), [" ".join(form) for form in others]))
        i += size
    query.clauses = result


def _plain(clause):
    """One word the reader typed without quotes or operators."""
    return not clause.negated and len(clause.alternatives) == 1 and len(clause.typed) == 1


# PostgreSQL


def to_postgres(clauses, any_positive=False):
    """A Django SearchQuery matching every clause, or with `any_positive` any one of
    the positive ones (and none of the negated)."""
    from django.contrib.postgres.search import SearchQuery

    def phrase(p):
        kind = "plain" if len(p.words) == 1 else "phrase"
        return SearchQuery(p.text, search_type=kind, config="english")

    def clause(c):
        alternatives = [reduce(lambda a, b: a & b, map(phrase, alt)) for alt in c.alternatives]
        combined = reduce(lambda a, b: a | b, alternatives)
        return ~combined if c.negated else combined

    positive = reduce(
        (lambda a, b: a | b) if any_positive else (lambda a, b: a & b),
        (clause(c) for c in clauses if not c.negated),
    )
    return reduce(lambda a, b: a & b, (clause(c) for c in clauses if c.negated), positive)


# SQLite's FTS5


def to_fts5(clauses, any_positive=False, column=None):
    """An FTS5 MATCH expression for `clauses` (at least one of them positive), or with
    `any_positive` for any one of the positive ones; in `column` only, when given."""

    def alternative(alt):
        # Words contain only letters and digits, so a quoted string is a plain phrase.
        parts = [f'"{p.stems}"' for p in alt]
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def clause(c):
        alternatives = [alternative(alt) for alt in c.alternatives]
        return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"

    positive = [clause(c) for c in clauses if not c.negated]
    negative = [clause(c) for c in clauses if c.negated]
    expression = (" OR " if any_positive else " AND ").join(positive)
    if column:
        expression = f"{column} : ({expression})"
    for n in negative:
        expression = f"({expression}) NOT {n}"
    return expression
