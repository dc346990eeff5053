"""What a reader typed, as a query both databases run the same way.

The reader's words are parsed once, here, with web search syntax (quoted phrases, `or`,
`-word`), so that PostgreSQL and SQLite are handed the same query: each gets it in its
own language (a tsquery built from Django's SearchQuery, an FTS5 MATCH expression).
Both stem English words with the same Snowball stemmer (PostgreSQL in its `english`
configuration, SQLite's index through `stems()`) and leave the same gaps for stop words
in phrases, so "weeks" finds "weekly" on both; both match whole words only, so "AI"
never matches inside "said".
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
    """The words in `text`, as both databases' tokenizers split it, in lower case (as
    PostgreSQL lowers them: no case folding beyond that)."""
    return [word.lower() for word in WORD.findall(text)]


_stemmer = snowballstemmer.stemmer("english")
# In SQLite's stems, positions PostgreSQL counts without a word of their own, so that a
# phrase leaves the same gaps on both databases: where a stop word was (PostgreSQL
# counts it, indexes nothing: "fight AI" matches neither "fight over AI" there nor here),
# and before a hyphenated word's parts (PostgreSQL indexes "co-ceo", then "co" and
# "ceo"). Private-use characters: FTS5 takes them for words, nobody types them.
STOP_STEM = "\ue002"
COMPOUND_STEM = "\ue003"
MARKERS = {STOP_STEM, COMPOUND_STEM}
# A word, or words joined by hyphens, as PostgreSQL's parser tells them apart.
TERM = re.compile(r"[^\W_]+(?:-[^\W_]+)+|[^\W_]+")


@lru_cache(maxsize=50_000)
def stem(word):
    return STOP_STEM if word in STOP_WORDS else _stemmer.stemWord(word)


def stems(text):
    """`text` as PostgreSQL's `english` configuration indexes it: the stems of its
    words, with a marker for each position PostgreSQL counts but SQLite would not."""
    found = []
    for term in TERM.findall(text.lower()):
        if "-" in term:
            found.append(COMPOUND_STEM)
        found += [stem(word) for word in WORD.findall(term)]
    return " ".join(found)


def key(words):
    """What a group of words is looked up by: its stems, stop words left out."""
    return tuple(s for s in map(stem, words) if s != STOP_STEM)


# Initialisms written with dots ("A.I.") are the word readers mean.
INITIALISM = re.compile(r"\b(?:[^\W\d_]\.){2,}")


def _initialism(match):
    word = match.group().replace(".", "")
    return match.group() if word.lower() in STOP_WORDS else word  # "U.S." is not "us"


def plain_initialisms(text):
    return INITIALISM.sub(_initialism, text)


def form_key(text):
    """What an equivalent's form, or a reader's phrase, is looked up by."""
    return key(words_of(plain_initialisms(text)))


@dataclass(frozen=True)
class Phrase:
    words: tuple
    # As typed (or as an editor wrote an equivalent): PostgreSQL parses it itself.
    text: str

    @property
    def stems(self):
        # A phrase's stop words at its ends constrain nothing (PostgreSQL drops them).
        found = stems(self.text).split()
        while found and found[0] == STOP_STEM:
            found.pop(0)
        while found and found[-1] == STOP_STEM:
            found.pop()
        return " ".join(found)


@dataclass
class Clause:
    """One thing the reader looks for: any one of its alternatives, each a word, a
    phrase, or (from the reader's unquoted words) several words anywhere."""

    alternatives: list  # of tuples of Phrase: every phrase of one alternative must match
    negated: bool = False

    @property
    def plain_word(self):
        """The one word of a clause the reader typed without quotes or operators."""
        if self.negated or len(self.alternatives) != 1 or len(self.alternatives[0]) != 1:
            return None
        (phrase,) = self.alternatives[0]
        return phrase.words[0] if len(phrase.words) == 1 else None


@dataclass
class Query:
    clauses: list = field(default_factory=list)
    # The equivalents searched for alongside the reader's words: (typed, [other forms]).
    expanded: list = field(default_factory=list)

    @property
    def positive(self):
        return [c for c in self.clauses if not c.negated]

    def wanted_stems(self):
        """The stems of every word looked for, to mark in excerpts."""
        return {
            stem
            for clause in self.positive
            for alternative in clause.alternatives
            for phrase in alternative
            for stem in phrase.stems.split()
            if stem not in MARKERS
        }


def parse(text, equivalents=()):
    """`text` as clauses. `equivalents` are groups of phrases that mean the same: a
    clause naming one of them also looks for the others."""
    text = plain_initialisms(text)
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
            typed = bare[1:] if negated else bare
        else:
            typed = quoted
        words = tuple(words_of(typed))
        if len(words) > MAX_WORDS - count:
            words = words[: MAX_WORDS - count]
            typed = " ".join(words)
        if not key(words):
            continue  # nothing but stop words
        count += len(words)
        phrase = Phrase(words, typed)
        if pending_or and not negated:
            clauses[-1].alternatives.append((phrase,))
        else:
            clauses.append(Clause(alternatives=[(phrase,)], negated=negated))
        pending_or = False
        if count >= MAX_WORDS:
            break
    query = Query(clauses=clauses)
    _expand(query, equivalents)
    return query


def _expand(query, groups):
    """Look for each group's other forms too, wherever the reader looks for one of its
    forms: a word, a quoted phrase, an alternative after "or", or a run of consecutive
    plain words ("minimum staffing", which then matches as those words anywhere, or as
    any equivalent). Forms are compared by their stems, so "walkouts" finds a group
    listing "walkout". What the reader leaves out with a minus is left out as typed."""
    others = {}
    for group in groups:
        keyed = {form_key(form): plain_initialisms(form) for form in group if form_key(form)}
        for k in keyed:
            others.setdefault(k, {}).update((k2, f) for k2, f in keyed.items() if k2 != k)
    if not others:
        return
    longest = max(map(len, others))
    clauses, result, i = query.clauses, [], 0
    while i < len(clauses):
        for size in range(min(longest, len(clauses) - i), 1, -1):
            run = clauses[i : i + size]
            words = tuple(c.plain_word for c in run)
            if all(words) and key(words) in others:
                own = tuple(c.alternatives[0][0] for c in run)
                result.append(Clause(alternatives=[own]))
                _add_others(query, result[-1], words, others[key(words)])
                i += size
                break
        else:
            clause = clauses[i]
            if not clause.negated:
                for alternative in list(clause.alternatives):
                    if len(alternative) == 1 and key(alternative[0].words) in others:
                        words = alternative[0].words
                        _add_others(query, clause, words, others[key(words)])
            result.append(clause)
            i += 1
    query.clauses = result


def _add_others(query, clause, typed, forms):
    present = {key(p.words) for alt in clause.alternatives for p in alt if len(alt) == 1}
    added = [form for k, form in sorted(forms.items()) if k not in present]
    clause.alternatives += [(Phrase(tuple(words_of(form)), form),) for form in added]
    typed = " ".join(typed)
    if added and typed not in {t for t, _ in query.expanded}:
        query.expanded.append((typed, added))


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
