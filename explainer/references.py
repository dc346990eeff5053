"""A page's numbered reference list: every citation the page uses, once, numbered in the
order a reader first meets it."""

from django.db.models import Prefetch

from explainer.citations import find_markers
from explainer.models import Citation


def verified_citations():
    """Citations a reader may see: those that still match their source."""
    return Citation.objects.filter(position__isnull=False).select_related("source", "speaker")


def prefetch_citations(lookup="citations"):
    return Prefetch(lookup, queryset=verified_citations())


class References:
    def __init__(self):
        self._by_key = {}

    def __iter__(self):
        return iter(self._by_key.values())

    def __len__(self):
        return len(self._by_key)

    def add(self, citations):
        for citation in citations:
            if citation.key not in self._by_key:
                citation.number = len(self._by_key) + 1
                self._by_key[citation.key] = citation

    def add_cited_by(self, *groups):
        """Add the citations of every claim in `groups`, each a list of objects with
        prefetched `citations`, in order."""
        for group in groups:
            for claim in group:
                self.add(claim.citations.all())

    def add_markdown(self, *texts):
        """Add the citations that Markdown texts cite, in order, in one query."""
        keys = []
        for text in texts:
            keys += [key for key in find_markers(text) if key not in keys]
        if not keys:
            return
        found = {c.key: c for c in verified_citations().filter(key__in=keys)}
        self.add(found[key] for key in keys if key in found)

    def get(self, key):
        return self._by_key.get(key)

    def number(self, citation):
        listed = self._by_key.get(citation.key)
        return listed.number if listed else None
