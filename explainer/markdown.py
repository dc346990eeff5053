"""Editors' Markdown, rendered once on save to HTML that can run nothing."""

import re
from collections import Counter
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "li",
    "ol",
    "p",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text):
    html = markdown_lib.markdown(text or "", output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# A tag or a comment; an autolink (<https://…>) is Markdown, not HTML.
RAW_HTML_RE = re.compile(r"<!--|</?(?!https?:|mailto:)[A-Za-z][\w:-]*(?=[\s/>]|$)")
CODE_RE = re.compile(r"^(?: {4}|\t).*$|```.*?```|`[^`\n]*`", re.MULTILINE | re.DOTALL)
MARKER_RE = re.compile(r"\[\^[-\w]+\]")
# What Markdown itself turns into markup or drops: link targets, reference definitions,
# character references, the numbers of a numbered list.
SYNTAX_RE = re.compile(r"\]\([^)]*\)|^\s*\[[^\]]+\]:.*$|&#?\w+;|^\s*\d+[.)](?=\s)", re.MULTILINE)
WORD_RE = re.compile(r"[^\W_]+")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def _rendered_text(html):
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def problems(text):
    """Why `text` cannot be saved as Markdown: raw HTML, which could swallow or hide
    what follows it, and any word or marker the rendered page would lose."""
    if not text:
        return []
    outside_code = CODE_RE.sub(" ", text)
    raw = RAW_HTML_RE.search(outside_code)
    if raw:
        return [
            f"Raw HTML is not allowed here (found “{raw.group(0)}”): it could hide or "
            "garble what follows. Write it in Markdown, or put it between backticks "
            "(`like this`) to show it as text."
        ]
    rendered = render_markdown(text)
    shown = _rendered_text(rendered)
    lost_markers = Counter(MARKER_RE.findall(text)) - Counter(MARKER_RE.findall(shown))
    lost_words = Counter(WORD_RE.findall(SYNTAX_RE.sub(" ", text))) - Counter(
        WORD_RE.findall(shown)
    )
    if lost_markers or lost_words:
        missing = list(lost_markers) + list(lost_words)
        return [
            "Readers would not see everything you wrote: "
            + ", ".join(f"“{word}”" for word in missing[:8])
            + " would be lost. Check the Markdown around "
            + ("them." if len(missing) > 1 else "it.")
        ]
    return []
