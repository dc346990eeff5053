"""Offers compared: what each side asks on a sticking point, and what each offer said on
it, how it was received and what changed from the offer before, in date order. A
sticking point's page shows its own comparison; the dispute page sets every published
sticking point against every offer."""

from django.db.models import Prefetch

from explainer.models import Demand, Offer, OfferTerm, Party, StickingPoint
from explainer.positions import columns_for
from explainer.references import References, prefetch_citations

# Columns of the dispute table beside each side's: the latest offers, oldest first. More
# would not fit a screen; each sticking point's page compares all of its own.
MAX_OFFER_COLUMNS = 6


class Step:
    """One offer on one sticking point: its term, and how it differs from the offer
    before it on the same point, in the editor's words or said plainly."""

    def __init__(self, term, earlier_term, skipped):
        self.term, self.offer = term, term.offer
        self.earlier_term, self.skipped = earlier_term, skipped

    @property
    def change(self):
        if self.term.change_from_earlier:
            return self.term.change_from_earlier
        if self.earlier_term is None:
            first = "The first offer on this point that the sources report."
            if self.skipped:
                left_out = "; ".join(f"{o.title} ({o.date_display})" for o in self.skipped)
                first += f" They report none on it in what came before: {left_out}."
            return first
        return (
            "The sources do not compare it with the earlier offer on this point, "
            f"{self.earlier_term.offer.title} ({self.earlier_term.offer.date_display})."
        )


def steps_for(terms, offers_before=()):
    """The Steps of one point's `terms`, in date order. `offers_before` are the offers
    that have no term on it, to say which earlier offers left it out."""
    steps, earlier = [], None
    for term in sorted(terms, key=lambda t: (t.offer.date, t.offer.pk)):
        skipped = [
            o
            for o in offers_before
            if o.date <= term.offer.date and (earlier is None or o.date >= earlier.offer.date)
        ]
        steps.append(Step(term, earlier, skipped))
        earlier = term
    return steps


def terms_with_citations(terms):
    return terms.select_related("offer__party", "offer__recipient").prefetch_related(
        prefetch_citations(), prefetch_citations("offer__reception_citations")
    )


class Row:
    """A sticking point's row of the dispute table: each side's column, and for each
    offer the pair (offer, its term on the point or None)."""

    def __init__(self, point, columns, cells):
        self.point, self.columns, self.cells = point, columns, cells

    @property
    def has_offer(self):
        return any(term for _, term in self.cells)


def dispute_table():
    """Every published sticking point against each side's positions and the latest
    offers: a fixed number of queries, whatever the content."""
    points = list(StickingPoint.objects.published().only("title", "slug", "question"))
    sides = list(Party.objects.sides())
    demands = (
        Demand.objects.filter(sticking_point__in=points)
        .select_related("party__parent")
        .prefetch_related(prefetch_citations())
    )
    published_terms = OfferTerm.objects.filter(
        sticking_point__publication=StickingPoint.Publication.PUBLISHED
    )
    offers = list(
        Offer.objects.filter(terms__in=published_terms)
        .distinct()
        .select_related("party", "recipient")
        .prefetch_related(
            Prefetch(
                "terms",
                queryset=published_terms.prefetch_related(prefetch_citations()),
            ),
            prefetch_citations("reception_citations"),
        )
        .order_by("-date", "-pk")[:MAX_OFFER_COLUMNS]
    )
    offers.reverse()
    by_point = {}
    for demand in demands:
        by_point.setdefault(demand.sticking_point_id, []).append(demand)
    rows = []
    for point in points:
        columns = [c for c in columns_for(by_point.get(point.pk, []), sides) if c.party in sides]
        cells = [
            (offer, next((t for t in offer.terms.all() if t.sticking_point_id == point.pk), None))
            for offer in offers
        ]
        rows.append(Row(point, columns, cells))
    references = References()
    for row in rows:
        references.add_cited_by(*(column.positions for column in row.columns))
        references.add_cited_by([term for _, term in row.cells if term])
    for offer in offers:
        references.add_cited_by([offer], lookup="reception_citations")
    return {"rows": rows, "sides": sides, "offers": offers, "references": references}
