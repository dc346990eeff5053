"""The search index: one SearchDocument per page or passage a reader can find.

A document is rewritten in the same transaction as the content it comes from, on every
save and delete, so search never lists a deleted page, a renamed party under its old
name, or a passage its corrected source no longer prints. `rebuild()` makes the whole
index afresh (after bulk loads, or to check that the kept one matches).
"""

import re

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from explainer.citations import MARKER_RE
from explainer.models import (
    Citation,
    Demand,
    Event,
    GlossaryTerm,
    OfferTerm,
    Party,
    SearchDocument,
    Source,
    StickingPoint,
)
from explainer.searchquery import stems

Kind = SearchDocument.Kind
PRIORITY = {kind: number for number, kind in enumerate(Kind)}
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKUP = re.compile(r"[*_`#>]+")
BATCH = 2000


def plain(markdown_text):
    """Markdown as the words a reader sees: no markers, link targets or markup."""
    text = MARKER_RE.sub("", markdown_text or "")
    return MARKUP.sub("", LINK.sub(r"\1", text)).strip()


def _join(*parts):
    return "\n".join(part for part in parts if part)


def _points(ids):
    points = (
        StickingPoint.objects.published()
        .filter(pk__in=ids)
        .prefetch_related("demands", "offer_terms")
    )
    for point in points:
        yield (
            point.pk,
            {
                "title": point.question,
                "url": point.get_absolute_url(),
                "heading": _join(point.title, point.question),
                "text": _join(
                    point.short_answer,
                    plain(point.explanation),
                    *(demand.summary for demand in point.demands.all()),
                    *(term.summary for term in point.offer_terms.all()),
                ),
            },
        )


def _parties(ids):
    for party in Party.objects.filter(pk__in=ids):
        yield (
            party.pk,
            {
                "title": party.name,
                "url": party.get_absolute_url(),
                "heading": _join(party.name, party.short_name),
                "text": _join(party.role, plain(party.description)),
            },
        )


def _terms(ids):
    for term in GlossaryTerm.objects.filter(pk__in=ids):
        yield (
            term.pk,
            {
                "title": term.term,
                "url": term.get_absolute_url(),
                "heading": _join(term.term, term.variants.replace(",", "\n")),
                "text": term.definition,
            },
        )


def _events(ids):
    for event in Event.objects.filter(pk__in=ids).only("slug", "title", "summary"):
        yield (
            event.pk,
            {
                "title": event.title,
                "url": reverse("timeline_event", args=[event.slug]),
                "heading": event.title,
                "text": event.summary,
            },
        )


def _passages(ids):
    for citation in Citation.objects.verified().filter(pk__in=ids):
        source = citation.source
        yield (
            citation.pk,
            {
                "title": "",
                "url": reverse("source_passage", args=[source.slug, citation.key]),
                "heading": "",
                # Exactly as the source prints it: the excerpt readers see is this text.
                "text": citation.printed,
                "extra": _join(
                    citation.speaker.name if citation.speaker else "",
                    citation.about.name if citation.about else "",
                    source.title,
                    source.publisher,
                    source.author,
                ),
            },
        )


DOCUMENTS = {
    Kind.POINT: (StickingPoint, _points),
    Kind.PARTY: (Party, _parties),
    Kind.TERM: (GlossaryTerm, _terms),
    Kind.EVENT: (Event, _events),
    Kind.PASSAGE: (Citation, _passages),
}


def refresh(kind, ids):
    """Rewrite the documents of these objects from what is stored now: objects gone,
    unpublished or no longer verified lose theirs."""
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        documents = [
            SearchDocument(kind=kind, object_id=pk, priority=PRIORITY[kind], **fields)
            for pk, fields in DOCUMENTS[kind][1](batch)
        ]
        if connection.vendor == "sqlite":
            for document in documents:
                document.heading_stems = stems(document.heading)
                document.text_stems = stems(document.text)
                document.extra_stems = stems(document.extra)
        with transaction.atomic():
            SearchDocument.objects.filter(kind=kind, object_id__in=batch).delete()
            SearchDocument.objects.bulk_create(documents)


def rebuild():
    """The whole index afresh, in one transaction."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for kind, (model, _documents) in DOCUMENTS.items():
            refresh(kind, model._default_manager.order_by("pk").values_list("pk", flat=True))


def affected(instance):
    """The documents that show something of `instance`: (kind, ids) pairs."""
    match instance:
        case StickingPoint():
            return [(Kind.POINT, [instance.pk])]
        case Demand() | OfferTerm():
            return [(Kind.POINT, [instance.sticking_point_id])]
        case Party():
            # Its passages are found under its name too.
            passages = Citation.objects.filter(speaker=instance) | Citation.objects.filter(
                about=instance
            )
            return [
                (Kind.PARTY, [instance.pk]),
                (Kind.PASSAGE, passages.values_list("pk", flat=True)),
            ]
        case GlossaryTerm():
            return [(Kind.TERM, [instance.pk])]
        case Event():
            return [(Kind.EVENT, [instance.pk])]
        case Citation():
            return [(Kind.PASSAGE, [instance.pk])]
        case Source():
            # A corrected text can move, change or drop what each passage prints.
            return [(Kind.PASSAGE, instance.citations.values_list("pk", flat=True))]
    return []


def content_changed(instance, raw=False, **kwargs):
    if raw:
        return  # loaddata: a dump carries its own documents
    for kind, ids in affected(instance):
        refresh(kind, ids)


def connect_signals():
    for model in (StickingPoint, Demand, OfferTerm, Party, GlossaryTerm, Event, Citation, Source):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"search-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"search-d-{model}")


def index_migrated(using="default", **kwargs):
    """A database migrated with content but no index (one made before search had an
    index of its own) gets one."""
    from django.db import connections

    if SearchDocument._meta.db_table not in connections[using].introspection.table_names():
        return
    if not SearchDocument.objects.using(using).exists() and Source.objects.using(using).exists():
        rebuild()
