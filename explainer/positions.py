"""A sticking point's columns: each side's positions, with who states them."""

from explainer.models import Demand


class Column:
    """One party's column on a sticking point: its positions, with the side that would
    state them as "the other side"."""

    def __init__(self, party, positions, other_side):
        self.party, self.positions, self.other_side = party, positions, other_side

    @property
    def states_its_own(self):
        return any(p.stated_by == Demand.StatedBy.PARTY for p in self.positions)


def columns_for(demands, sides):
    """Every side of the dispute gets a column, reported positions or not; any other
    party with a position gets one too, after them."""
    by_party = {}
    for demand in demands:
        by_party.setdefault(demand.party, []).append(demand)
    parties = list(sides) + [party for party in by_party if party not in sides]
    return [Column(party, by_party.get(party, []), other_side(party, sides)) for party in parties]


def other_side(party, sides):
    """The side opposite `party`'s, when there is exactly one; else None.

    The party's own side is itself or its parent (loaded with it); deeper chains are
    not followed, which would cost a query per party.
    """
    own = party if party in sides else party.parent if party.parent in sides else None
    others = [side for side in sides if side != own] if own else []
    return others[0] if len(others) == 1 else None
