"""Keeping our prose our own: no run of RUN_LENGTH or more consecutive words of a source
may appear in it outside quotation marks.

Words are compared case-insensitively with typography folded (curly and straight quotes,
dashes), so retyping a sentence with other punctuation does not hide a copy. Quoted
words, citation markers and link addresses are left out before comparing, and a quotation
breaks a run: words either side of it do not join up.
"""

import re

from explainer.citations import normalise

RUN_LENGTH = 8

WORD_RE = re.compile(r"\w+(?:['.,]\w+)*")
CURLY_QUOTED_RE = re.compile(r"\u201c[^\u201c\u201d\n]*\u201d")
STRAIGHT_QUOTED_RE = re.compile(r'"[^"\n]*"')
BLOCKQUOTE_RE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
MARKER_RE = re.compile(r"\[\^[-\w]+\]")
LINK_RE = re.compile(r"\]\([^)]*\)")
# Joins nothing: no word of a stretch runs on across it.
BREAK = "\x00"


def words(text):
    """The words of `text`, folded for comparison, in order."""
    folded, _ = normalise(text)
    return WORD_RE.findall(folded.casefold())


def _unquoted(paragraph):
    """A paragraph with its quotations replaced by breaks. Straight marks count only
    when they pair up within the paragraph: a lone one quotes nothing."""
    paragraph = CURLY_QUOTED_RE.sub(BREAK, paragraph)
    if paragraph.count('"') % 2 == 0:
        paragraph = STRAIGHT_QUOTED_RE.sub(BREAK, paragraph)
    return paragraph


def own_words(text, *, markdown=False):
    """The stretches of `text` that are ours: everything outside quotation marks (and,
    in Markdown, outside blockquotes), as lists of words. A marker is no break: readers
    see the words on either side of it as one run."""
    text = MARKER_RE.sub("", text or "").replace("\r\n", "\n")
    if markdown:
        text = BLOCKQUOTE_RE.sub(BREAK, LINK_RE.sub("]", text))
    paragraphs = re.split(r"\n[ \t]*\n", text)
    text = BREAK.join(_unquoted(paragraph) for paragraph in paragraphs)
    folded, _ = normalise(text)
    return [WORD_RE.findall(piece.casefold()) for piece in folded.split(BREAK)]


class SourceIndex:
    """Every run of RUN_LENGTH words in a set of sources, to check prose against."""

    def __init__(self, sources):
        """`sources` is an iterable of (name, text) pairs."""
        self._runs = {}
        for name, text in sources:
            source_words = words(text)
            for start in range(len(source_words) - RUN_LENGTH + 1):
                self._runs.setdefault(tuple(source_words[start : start + RUN_LENGTH]), name)

    def copied(self, text, *, markdown=False):
        """The longest run of words `text` copies from a source, as (words, source name),
        or None when it copies no run of RUN_LENGTH words."""
        found = None
        for stretch in own_words(text, markdown=markdown):
            start = 0
            while start + RUN_LENGTH <= len(stretch):
                name = self._runs.get(tuple(stretch[start : start + RUN_LENGTH]))
                if name is None:
                    start += 1
                    continue
                end = start + RUN_LENGTH
                while (
                    end < len(stretch)
                    and self._runs.get(tuple(stretch[end - RUN_LENGTH + 1 : end + 1])) == name
                ):
                    end += 1
                if found is None or end - start > len(found[0]):
                    found = (stretch[start:end], name)
                start = end
        return found


def message(copied):
    run, name = copied
    return (
        f"These {len(run)} words are copied from “{name}”: “{' '.join(run)}”. Put the "
        "source's words in quotation marks with a citation, or say it in your own words."
    )
