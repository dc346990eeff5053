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
    return origins[found], origins[found + len(needle) - 1] + 1


def locate(passage, text):
    """Where `passage` starts in `text`, or None when it does not occur there."""
    span = locate_span(passage, text)
    return span[0] if span else None


FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|we|we're|we've|us|our|ours)\b", re.IGNORECASE)
OPENING_QUOTES = "\u201c"
CLOSING_QUOTES = "\u201d"


def _paragraph_bounds(text, index):
    start = text.rfind("\n\n", 0, index)
    end = text.find("\n\n", index)
    return (0 if start == -1 else start + 2), (len(text) if end == -1 else end)


def _inside_quotation_marks(text, index):
    """Whether `index` falls between quotation marks, counted within its paragraph."""
    start, _ = _paragraph_bounds(text, index)
    before = text[start:index]
    curly = before.count(OPENING_QUOTES) - before.count(CLOSING_QUOTES)
    straight = before.count('"') % 2
    return curly > 0 or straight == 1


def _after_statement_lead_in(text, index):
    """Whether the paragraph at `index` is set off as an excerpt, after a lead-in
    paragraph that ends with a colon ("released a statement saying in part:")."""
    start, _ = _paragraph_bounds(text, index)
    previous = text[:start].rstrip()
    return previous.endswith(":")


def reads_as_quote(text, start, end):
    """Whether the source prints text[start:end] as someone's own words.

    The rule every citation follows: a passage is a direct quote only when the source
    presents it as the speaker's own words: inside quotation marks, set off as an
    excerpt of a statement, or in the speaker's own first person. Speech the reporter
    relays without quotation marks ("the WGA said", "according to the WGA") is the
    reporter's account.
    """
    inside = _inside_quotation_marks(text, start) and _inside_quotation_marks(text, end - 1)
    return (
        inside
        or _after_statement_lead_in(text, start)
        or bool(FIRST_PERSON.search(text[start:end].translate(_FOLD)))
    )


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
    return broken


def find_markers(markdown_text):
    """The citation keys that `markdown_text` cites, in order of first use."""
    return list(dict.fromkeys(MARKER_RE.findall(markdown_text or "")))
