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


def locate(passage, text):
    """Where `passage` starts in `text`, or None when it does not occur there."""
    needle, _ = normalise(passage)
    if not needle:
        return None
    haystack, origins = normalise(text)
    found = haystack.find(needle)
    if found == -1:
        return None
    return origins[found]


def recheck(*, source):
    """Locate every citation of `source` in its current text again.

    Returns the citations that no longer match, so the caller can tell the editor.
    """
    broken = []
    changed = []
    for citation in source.citations.all():
        position = locate(citation.passage, source.text)
        if position is None:
            broken.append(citation)
        if position != citation.position:
            citation.position = position
            changed.append(citation)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position"])
    return broken


def find_markers(markdown_text):
    """The citation keys that `markdown_text` cites, in order of first use."""
    return list(dict.fromkeys(MARKER_RE.findall(markdown_text or "")))


def marker_errors(markdown_text):
    """Messages for markers in `markdown_text` that an editor must fix."""
    from explainer.models import Citation

    keys = find_markers(markdown_text)
    if not keys:
        return []
    known = dict(Citation.objects.filter(key__in=keys).values_list("key", "position"))
    errors = []
    for key in keys:
        if key not in known:
            errors.append(f"The marker [^{key}] names no citation. Check its key.")
        elif known[key] is None:
            errors.append(
                f"The marker [^{key}] cites a passage that no longer matches its source. "
                "Fix the citation first."
            )
    return errors
