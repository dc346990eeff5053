"""
Checking that a citation quotes its source word for word, and finding citation markers
([^key]) in editors' Markdown.

Articles and editors disagree about typography: a source may use curly quotes and
em dashes where an editor types straight quotes and hyphens, or wrap lines differently.
Passages are compared after folding those differences away; nothing else is forgiven.
"""

import re

MARKER_RE = re.compile(r"\[\^([-\w]+)\]")

_FOLD = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
    }
)


def normalise(text):
    """Return `text` folded for comparison, and for each of its characters the index
    of the character in `text` it came from."""
    folded = []
    origins = []
    in_space = False
    for index, char in enumerate(text.translate(_FOLD)):
        if char.isspace():
            if not in_space and folded:
                folded.append(" ")
                origins.append(index)
            in_space = True
            continue
        in_space = False
        folded.append(char)
        origins.append(index)
    if folded and folded[-1] == " ":
        folded.pop()
        origins.pop()
    return "".join(folded), origins


DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f'


def _trim_quotation_marks(text, start, end):
    """The span without quotation marks at its edges that pair with nothing inside it:
    pages put their own marks around a passage, and an editor who copied the source's
    marks along with the words would otherwise get them twice."""
    marks = sum(char in DOUBLE_QUOTES for char in text[start:end])
    wrapped = text[start] in DOUBLE_QUOTES and text[end - 1] in DOUBLE_QUOTES
    if end - start > 2 and marks == 2 and wrapped:
        return start + 1, end - 1
    if marks % 2:
        if text[start] in DOUBLE_QUOTES:
            return start + 1, end
        if text[end - 1] in DOUBLE_QUOTES:
            return start, end - 1
    return start, end


def locate_span(passage, text):
    """Where `passage` occurs in `text`, as (start, end) offsets of the source's own
    characters, or None when it does not occur there."""
    needle, _ = normalise(passage)
    if not needle:
        return None
    haystack, origins = normalise(text)
    found = haystack.find(needle)
    if found == -1:
        return None
    return _trim_quotation_marks(text, origins[found], origins[found + len(needle) - 1] + 1)


def locate(passage, text):
    """Where `passage` starts in `text`, or None when it does not occur there."""
    span = locate_span(passage, text)
    return span[0] if span else None


# Case matters: "US" is a country, "us" a speaker.
FIRST_PERSON = re.compile(
    r"\b(?:I|I'm|I've|I'd|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've|[Uu]s|[Oo]ur|[Oo]urs)\b"
)
QUOTED_FRAGMENT = re.compile(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"")
STATEMENT_LEAD_IN = re.compile(
    r"\b(?:statement|said|says|saying|wrote|writes|reads|read)\b[^.!?\n]*:$", re.IGNORECASE
)


PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n")


def _paragraph_bounds(text, index):
    starts = [m.end() for m in PARAGRAPH_BREAK.finditer(text, 0, index)]
    end = PARAGRAPH_BREAK.search(text, index)
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _inside_quotation_marks(text, index):
    """Whether `index` falls between quotation marks, counted within its paragraph.
    Straight marks count only where they pair up: a lone one is an inch or a typo."""
    start, end = _paragraph_bounds(text, index)
    before = text[start:index]
    curly = before.count("\u201c") - before.count("\u201d")
    straight = before.count('"') % 2 == 1 and text[start:end].count('"') % 2 == 0
    return curly > 0 or straight


def _after_statement_lead_in(text, index):
    """Whether the paragraph at `index` is set off as an excerpt, after a lead-in
    paragraph that introduces a statement ("released a statement saying in part:")."""
    start, _ = _paragraph_bounds(text, index)
    return bool(STATEMENT_LEAD_IN.search(text[:start].rstrip()))


def reads_as_quote(text, start, end):
    """Whether the source prints text[start:end] as someone's own words.

    The rule every citation follows: a passage is a direct quote only when the source
    presents it as the speaker's own words: wholly inside one quotation, set off as an
    excerpt after a lead-in that introduces a statement, or in the speaker's own first
    person. Speech the reporter relays without quotation marks ("the WGA said",
    "according to the WGA") is the reporter's account.
    """
    words = text[start:end]
    quoted = _inside_quotation_marks(text, start) and not any(
        char in DOUBLE_QUOTES for char in words
    )
    first_person = FIRST_PERSON.search(QUOTED_FRAGMENT.sub(" ", words.translate(_FOLD)))
    return quoted or _after_statement_lead_in(text, start) or bool(first_person)


def recheck(*, source):
    """Locate every citation of `source` in its current text again.

    Returns the citations that no longer match, so the caller can tell the editor.
    """
    broken = []
    changed = []
    for citation in source.citations.all():
        span = locate_span(citation.passage, source.text)
        if span is None:
            broken.append(citation)
        position, end = span or (None, None)
        length = None if span is None else end - position
        if (position, length) != (citation.position, citation.length):
            citation.position, citation.length = position, length
            changed.append(citation)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position", "length"])
        # bulk_update sends no signals: what search shows of these passages follows
        # here (a passage that no longer matches leaves search).
        from explainer import searchindex

        searchindex.refresh(searchindex.Kind.PASSAGE, [c.pk for c in changed])
    return broken


def find_markers(markdown_text):
    """The citation keys that `markdown_text` cites, in order of first use."""
    return list(dict.fromkeys(MARKER_RE.findall(markdown_text or "")))
