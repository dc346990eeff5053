import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from explainer import glossary as glossary_lib
from explainer.citations import MARKER_RE
from explainer.models import Citation

register = template.Library()
TAG_RE = re.compile(r"(<[^>]*>)")


@register.simple_tag(takes_context=True)
def markers(context, citations):
    """Numbered markers for `citations`, linking to the page's reference list."""
    references = context.get("references")
    if references is None:
        return ""
    if isinstance(citations, Citation):
        citations = [citations]
    # The page's own instances carry their numbers; prefetched copies do not.
    cited = {c.key: references.get(c.key) for c in citations if references.get(c.key)}
    cited = sorted(cited.values(), key=references.number)
    return render_to_string("includes/markers.html", {"citations": cited})


@register.filter
def with_markers(html, references):
    """Replace [^key] markers in rendered (already sanitised) Markdown with numbered
    links. A marker whose citation the page does not show is dropped."""

    def replace(match):
        citation = references.get(match.group(1)) if references else None
        if citation is None:
            return ""
        return render_to_string("includes/markers.html", {"citations": [citation]}).strip()

    # The HTML was sanitised when it was saved. Markers are replaced only in its text,
    # never inside a tag (an attribute) or a code sample, and the markup put in their
    # place is ours, so nothing here can carry markup of the editor's.
    pieces = TAG_RE.split(html)
    in_code = 0
    for index, piece in enumerate(pieces):
        if index % 2:
            name = piece.strip("</ >").split()[0].lower() if piece.strip("</ >") else ""
            if name in {"code", "pre"}:
                in_code += -1 if piece.startswith("</") else 1
        elif not in_code:
            pieces[index] = MARKER_RE.sub(replace, piece)
    return mark_safe("".join(pieces))  # noqa: S308


@register.filter
def gloss(value, glossary):
    """Link the page's first use of each glossary term in `value`."""
    return glossary_lib.gloss(value, glossary)
