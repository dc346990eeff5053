"""The search index: one SearchDocument per page or passage a reader can find.

A document is rewritten in the same transaction as the content it comes from, on every
save and delete, so search never lists a deleted page, a renamed party under its old
name, or a passage its corrected source no longer prints. `rebuild()` makes the whole
index afresh (after bulk loads, or to check that the kept one matches).
"""

import re

from django.db import connection, transaction
from django.db.migrations.operations import RunPython, RunSQL
from django.db.models.signals import post_delete, post_save, pre_save
from django.urls import reverse

from explainer import fulltext
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


# The marks search puts around matching words (explainer.search) never come from content.
MARKS = str.maketrans("", "", "\ue000\ue001")


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
                "text": plain(party.description),
                "extra": party.role,
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
    # Rows rather than instances: a rebuild of the large set reads 20,000 of them.
    rows = (
        Citation.objects.verified()
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "key",
            "printed",
            "speaker__name",
            "about__name",
            "source__slug",
            "source__title",
            "source__publisher",
            "source__author",
        )
    )
    for pk, key, printed, speaker, about, slug, title, publisher, author in rows:
        yield (
            pk,
            {
                "title": "",
                "url": reverse("source_passage", args=[slug, key]),
                "heading": "",
                # Exactly as the source prints it: the excerpt readers see is this text.
                "text": printed,
                "extra": _join(speaker or "", about or "", title, publisher, author),
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
            SearchDocument(
                kind=kind,
                object_id=pk,
                priority=PRIORITY[kind],
                **{name: value.translate(MARKS) for name, value in fields.items()},
            )
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
    """The whole index afresh, in one transaction: after anything that changes content
    without signals (bulk loads, loaddata, data migrations, SQL by hand)."""
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
            # Moved to another point: the one it left no longer shows it.
            points = {instance.sticking_point_id, getattr(instance, "_stored_point", None)}
            return [(Kind.POINT, [pk for pk in points if pk is not None])]
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
    """Rewrites what search shows of `instance` in the transaction that changes it.

    Two editors saving at once are applied one after the other: the page cache's
    handler, connected first, has already locked the content version's row (see
    pagecache.content_changed), so each rewrite reads the other's committed change."""
    if raw:
        return  # loaddata, which rebuilds the index once it has loaded everything
    for kind, ids in affected(instance):
        refresh(kind, ids)


def point_before_save(instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        stored = type(instance).objects.filter(pk=instance.pk)
        instance._stored_point = stored.values_list("sticking_point_id", flat=True).first()


def connect_signals():
    for model in (StickingPoint, Demand, OfferTerm, Party, GlossaryTerm, Event, Citation, Source):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"search-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"search-d-{model}")
    for model in (Demand, OfferTerm):
        pre_save.connect(point_before_save, sender=model, dispatch_uid=f"search-p-{model}")


def index_migrated(using="default", plan=None, **kwargs):
    """After `migrate` (and `flush`): SQLite's full-text table and triggers are put back
    if a table rebuild dropped them, and the index is made afresh when a migration of
    this app changed data (a data migration changes content without signals) or when
    there is content but no index."""
    from django.db import connections

    connection = connections[using]
    if SearchDocument._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before search had an index
    remade = fulltext.ensure(connection)
    empty = not SearchDocument.objects.using(using).exists()
    if remade or _data_migrated(connection, plan) or (empty and Source.objects.exists()):
        rebuild()


def _data_migrated(connection, plan):
    """Whether `plan` ran a migration of this app forwards that changes data, and the
    app now stands at its latest migration (the models describe its tables only then)."""
    from django.db.migrations.loader import MigrationLoader

    ran = [
        migration
        for migration, backwards in plan or ()
        if migration.app_label == "explainer"
        and not backwards
        and any(isinstance(op, (RunPython, RunSQL)) for op in migration.operations)
    ]
    if not ran:
        return False
    loader = MigrationLoader(connection)
    return set(loader.graph.leaf_nodes("explainer")) <= set(loader.applied_migrations)
