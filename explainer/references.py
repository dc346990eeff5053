"""A page's numbered reference list: every citation the page uses, once, numbered in the
order a reader first meets it."""

from django.db.models import Prefetch

from explainer.citations import find_markers
from explainer.models import Citation


def prefetch_citations(lookup="citations"):
    return Prefetch(lookup, queryset=Citation.objects.verified())


class References:
    """`prefix` and `title` set the list apart from others in one document (a timeline
    page appended below another): the prefix starts the ids of its entries and heading,
    the title names it."""

    def __init__(self, prefix="", title="Sources"):
        self._by_key = {}
        self.prefix = prefix
        self.title = title

    def __iter__(self):
        return iter(self._by_key.values())

    def __len__(self):
        return len(self._by_key)

    def add(self, citations):
        for citation in citations:
            if citation.key not in self._by_key:
                citation.number = len(self._by_key) + 1
                citation.ref_id = f"{self.prefix}ref-{citation.number}"
                self._by_key[citation.key] = citation

    def add_cited_by(self, *groups, lookup="citations"):
        """Add the citations of every claim in `groups`, each a list of objects with
        prefetched `lookup`, in order."""
        for group in groups:
            for claim in group:
                self.add(getattr(claim, lookup).all())

    def add_markdown(self, *texts, found=None):
        """Add the citations that Markdown texts cite, in order: from `found` when the
        page already holds them, else in one query."""
        keys = []
        for text in texts:
            keys += [key for key in find_markers(text) if key not in keys]
        if not keys:
            return
        if found is None:
            found = Citation.objects.verified().filter(key__in=keys)
        by_key = {c.key: c for c in found}
        self.add(by_key[key] for key in keys if key in by_key)

    def get(self, key):
        return self._by_key.get(key)

    def number(self, citation):
        listed = self._by_key.get(citation.key)
        return listed.number if listed else None

    @property
    def sources(self):
        """The sources the listed citations come from, newest first."""
        sources = {c.source.pk: c.source for c in self}
        return sorted(
            sources.values(),
            key=lambda s: (s.published_on is not None, s.published_on, s.title),
            reverse=True,
        )
