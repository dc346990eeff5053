"""Linking a page's first use of each glossary term to the explainer's definition."""

import re

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

TAG_RE = re.compile(r"(<[^>]*>)")
# Text inside these is never linked: links (markers included), code, and headings.
SKIP = {"a", "code", "pre", "sup", "h1", "h2", "h3", "h4"}


def _pattern(form):
    """A form as a case-insensitive whole-word pattern that accepts either apostrophe
    and a hyphen or a space between words."""
    parts = []
    for char in form:
        if char in "'\u2019":
            # Escaped text carries its apostrophes as character references.
            parts.append("(?:['\u2019]|&#x27;|&#39;)")
        elif char in "- ":
            parts.append(r"[-\s]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class Glossary:
    """The terms of one page. Each term is linked once, where the page first uses it."""

    def __init__(self, terms):
        self._terms = {}
        patterns = []
        # Longest forms first, so "writers' room" wins over a shorter term inside it.
        forms = sorted(((f, t) for t in terms for f in t.forms), key=lambda p: -len(p[0]))
        for form, term in forms:
            group = f"t{len(patterns)}"
            self._terms[group] = term
            patterns.append(f"(?P<{group}>{_pattern(form)})")
        self._re = (
            re.compile(r"(?<![\w'\u2019-])(?:" + "|".join(patterns) + r")(?![\w-])", re.I)
            if patterns
            else None
        )
        self.linked = set()

    def link(self, html):
        """`html` (escaped or sanitised) with the first use of each term on the page,
        outside links, code and headings, made a link to its definition."""
        if self._re is None:
            return html
        pieces = TAG_RE.split(str(html))
        skipping = 0
        for index, piece in enumerate(pieces):
            if index % 2:
                name = piece.strip("</ >").split()[0].lower() if piece.strip("</ >") else ""
                if name in SKIP and not piece.endswith("/>"):
                    skipping += -1 if piece.startswith("</") else 1
            elif not skipping and piece:
                pieces[index] = self._re.sub(self._replace, piece)
        return "".join(pieces)

    def _replace(self, match):
        term = self._terms[match.lastgroup]
        if term.pk in self.linked:
            return match.group(0)
        self.linked.add(term.pk)
        # The matched text comes from already escaped or sanitised HTML.
        return format_html(
            '<a class="term" href="{}" data-hx-get="{}" data-hx-target="this" '
            'data-hx-swap="afterend">{}</a>',
            term.get_absolute_url(),
            reverse("glossary_term", args=[term.slug]),
            mark_safe(match.group(0)),  # noqa: S308
        )


def gloss(value, glossary):
    """Template use: escape plain text (sanitised HTML is already safe), then link."""
    html = conditional_escape(value)
    if glossary is None:
        return html
    # The text was escaped or sanitised above and the links are our own markup.
    return mark_safe(glossary.link(html))  # noqa: S308
