from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from explainer.citations import MARKER_RE
from explainer.models import Citation

register = template.Library()


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

    # The HTML was sanitised when it was saved; markers are plain text within it and
    # their keys are slugs, so nothing here can add markup of the editor's.
    return mark_safe(MARKER_RE.sub(replace, html))  # noqa: S308
