"""The public record of what changed: new sticking points, revisions of published ones
that their editor described for readers, and published notes (corrections,
clarifications, updates). The changelog page and the Atom feed read the same list.

It is one query (a UNION over the three), ordered newest first, so a page of it costs
the same however long the record grows. Only what readers can see is in it: published
sticking points and their published notes, never a draft's history.
"""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.utils.text import Truncator

from explainer.models import Note, StickingPoint

# Columns every part of the union selects, in this order.
COLUMNS = ("entry_kind", "entry_id", "entry_when", "entry_updated", "entry_point", "entry_text")

LABELS = {
    "new": "New sticking point",
    "revised": "Revised",
    **{kind.value: kind.label for kind in Note.Kind},
}


@dataclasses.dataclass
class Change:
    kind: str
    entry_id: int
    when: datetime.datetime
    updated: datetime.datetime
    point: StickingPoint
    text: str

    @property
    def label(self):
        return LABELS[self.kind]

    @property
    def summary(self):
        """One line for a list or a feed's title."""
        if self.kind == "new":
            return self.point.question
        return Truncator(self.text).words(30)

    @property
    def url(self):
        anchor = {"new": "", "revised": ""}.get(self.kind, f"#note-{self.entry_id}")
        return self.point.get_absolute_url() + anchor

    @property
    def tag(self):
        """An id that never changes, whatever the entry's text or the point's address:
        a tag URI (RFC 4151) minted from the kind of entry and its row."""
        authority = tag_authority()
        name = {"new": "point", "revised": "revision"}.get(self.kind, "note")
        return f"tag:{authority}:{name}/{self.entry_id}"


def _columns(queryset, kind, entry_id, when, updated, point_id, text):
    return (
        queryset.annotate(
            entry_kind=kind,
            entry_id=entry_id,
            entry_when=when,
            entry_updated=updated,
            entry_point=point_id,
            entry_text=text,
        )
        .values(*COLUMNS)
        .order_by()
    )


def _text(value):
    return Value(value, output_field=CharField())


def entries():
    """Every public change as rows of COLUMNS, newest first."""
    published = StickingPoint.objects.published()
    new = _columns(
        published.filter(published_at__isnull=False),
        kind=_text("new"),
        entry_id=F("pk"),
        when=F("published_at"),
        updated=F("published_at"),
        point_id=F("pk"),
        text=_text(""),
    )
    # A revision counts when the point was published before and after it; the record
    # that published it is the "new" entry. Records store the row's pk as `id`.
    revised = _columns(
        StickingPoint.history.filter(
            history_type="~",
            publication=StickingPoint.Publication.PUBLISHED,
            id__in=published.values("pk"),
            history_date__gt=Subquery(
                StickingPoint.objects.filter(pk=OuterRef("id")).values("published_at")
            ),
        ).exclude(public_summary=""),
        kind=_text("revised"),
        entry_id=F("history_id"),
        when=F("history_date"),
        updated=F("history_date"),
        point_id=F("id"),
        text=F("public_summary"),
    )
    notes = _columns(
        Note.objects.public(),
        kind=F("kind"),
        entry_id=F("pk"),
        when=F("published_at"),
        updated=F("updated_at"),
        point_id=F("sticking_point_id"),
        text=F("text"),
    )
    return new.union(revised, notes, all=True).order_by("-entry_when", "-entry_kind", "-entry_id")


def changes(rows):
    """The rows of a page as Changes, with their sticking points in one query."""
    rows = list(rows)
    points = StickingPoint.objects.only("title", "slug", "question").in_bulk(
        {row["entry_point"] for row in rows}
    )
    return [
        Change(
            kind=row["entry_kind"],
            entry_id=row["entry_id"],
            when=row["entry_when"],
            updated=row["entry_updated"],
            point=points[row["entry_point"]],
            text=row["entry_text"],
        )
        for row in rows
        if row["entry_point"] in points
    ]


def tag_authority():
    return settings.CHANGELOG_TAG_AUTHORITY
