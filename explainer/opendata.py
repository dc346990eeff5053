"""Every public claim as open data: JSON (described by a published, versioned JSON
Schema) and CSV.

What a reader can see and nothing more: published sticking points with their positions,
offer terms, notes and explanation, the offers and events, and for each claim its
verified citations (the passage as the source prints it, the source, and where in the
source it stands). Never a source's full text. Built once per content version, like the
pages (`public_page`).
"""

import csv
import io
import json
from pathlib import Path

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from explainer.citations import find_markers
from explainer.embeds import absolute
from explainer.models import (
    AsOf,
    Citation,
    ContentVersion,
    Demand,
    Event,
    Note,
    Offer,
    OfferTerm,
    Party,
    Source,
    StickingPoint,
)
from explainer.pagecache import public_page

SCHEMA_VERSION = "1.0"
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "open-data-1.0.json").read_text())
LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "covers": (
        "The explainer's own text: questions, answers, explanations, summaries, notes and "
        "glossary definitions. Credit “Strike Explainer”."
    ),
    "quotations": (
        "Quoted passages belong to their publishers. They are quoted to support the claims "
        "they cite; reuse them under your own fair-use or fair-dealing judgement, credited "
        "to their sources."
    ),
}
CSV_LICENCE = f"Our text: {LICENCE['name']} ({LICENCE['url']}); passages: their publishers'"
FILENAME = "wga-2023-strike-explainer"


def _keys(citations):
    return [c.key for c in citations]


def _date(value, precision):
    return {"date": value.isoformat() if value else None, "date_precision": precision or None}


def export(request):
    """The whole public dataset as plain Python data (the JSON download's body)."""
    verified = Citation.objects.verified()
    points = list(
        StickingPoint.objects.published()
        .with_as_of()
        .prefetch_related(
            Prefetch(
                "demands",
                queryset=Demand.objects.select_related("party").prefetch_related(
                    Prefetch("citations", queryset=verified)
                ),
            ),
            Prefetch("notes", queryset=Note.objects.published().order_by("published_at", "pk")),
        )
    )
    published_ids = {point.pk for point in points}
    offers = list(
        Offer.objects.select_related("party", "recipient").prefetch_related(
            Prefetch("citations", queryset=verified),
            Prefetch("reception_citations", queryset=verified),
            Prefetch(
                "terms",
                queryset=OfferTerm.objects.filter(sticking_point__in=published_ids)
                .select_related("sticking_point")
                .prefetch_related(Prefetch("citations", queryset=verified)),
            ),
        )
    )
    events = list(
        Event.objects.prefetch_related(
            Prefetch("citations", queryset=verified),
            "parties",
            Prefetch("sticking_points", queryset=StickingPoint.objects.published().only("slug")),
        ).order_by("date", "sequence", "pk")
    )
    explained = {c.key: c for c in verified.filter(explained_points__in=published_ids).distinct()}

    cited = {}

    def cite(citations):
        for citation in citations:
            cited[citation.key] = citation
        return _keys(citations)

    sticking_points = []
    for point in points:
        markers = [key for key in find_markers(point.explanation) if key in explained]
        cite(explained[key] for key in markers)
        as_of = point.as_of
        sticking_points.append(
            {
                "id": point.slug,
                "url": absolute(request, point.get_absolute_url()),
                "title": point.title,
                "question": point.question,
                "short_answer": point.short_answer,
                "explanation": point.explanation,
                "explanation_citations": markers,
                "standing": point.standing,
                "standing_label": point.get_standing_display(),
                "as_of": as_of.iso if as_of else None,
                "published_at": point.published_at.isoformat() if point.published_at else None,
                "updated_at": point.updated_at.isoformat(),
                "positions": [
                    {
                        "party": demand.party.slug,
                        "stated_by": demand.stated_by,
                        "summary": demand.summary,
                        "citations": cite(demand.citations.all()),
                    }
                    for demand in point.demands.all()
                ],
                "notes": [
                    {
                        "kind": note.kind,
                        "published_at": note.published_at.isoformat(),
                        "text": note.text,
                    }
                    for note in point.notes.all()
                ],
            }
        )
    offer_rows = [
        {
            "id": offer.slug,
            "title": offer.title,
            "party": offer.party.slug,
            "recipient": offer.recipient.slug,
            **_date(offer.date, offer.date_precision),
            "summary": offer.summary,
            "citations": cite(offer.citations.all()),
            "reception": offer.reception,
            "reception_summary": offer.reception_summary,
            "reception_citations": cite(offer.reception_citations.all()),
            "terms": [
                {
                    "sticking_point": term.sticking_point.slug,
                    "summary": term.summary,
                    "change_from_earlier": term.change_from_earlier,
                    "citations": cite(term.citations.all()),
                }
                for term in offer.terms.all()
            ],
        }
        for offer in offers
    ]
    event_rows = [
        {
            "id": event.slug,
            "url": absolute(request, reverse("timeline_event", args=[event.slug])),
            "title": event.title,
            "kind": event.kind,
            **_date(event.date, event.date_precision),
            "summary": event.summary,
            "parties": sorted(party.slug for party in event.parties.all()),
            "sticking_points": [point.slug for point in event.sticking_points.all()],
            "citations": cite(event.citations.all()),
        }
        for event in events
    ]
    citations = sorted(cited.values(), key=lambda c: (c.source_id, c.position, c.key))
    source_ids = {c.source_id for c in citations}
    party_slugs = {row["party"] for p in sticking_points for row in p["positions"]}
    party_slugs |= {o["party"] for o in offer_rows} | {o["recipient"] for o in offer_rows}
    party_slugs |= {slug for e in event_rows for slug in e["parties"]}
    party_slugs |= {c.speaker.slug for c in citations if c.speaker_id}
    party_slugs |= {c.about.slug for c in citations if c.about_id}
    parties = Party.objects.filter(slug__in=party_slugs).select_related("parent")
    sources = Source.objects.filter(pk__in=source_ids).defer("text").order_by("published_on")
    as_of = AsOf.latest(point.as_of for point in points)
    return {
        "$schema": absolute(request, reverse("open_data_schema", args=[SCHEMA_VERSION])),
        "schema_version": SCHEMA_VERSION,
        "title": "The 2023 writers' strike, explained: every public claim and its sources",
        "documentation": absolute(request, reverse("about")) + "#data",
        "as_of": as_of.iso if as_of else None,
        "content_version": ContentVersion.current(),
        "licence": LICENCE,
        "sticking_points": sticking_points,
        "offers": offer_rows,
        "events": event_rows,
        "parties": [
            {
                "id": party.slug,
                "name": party.name,
                "short_name": party.short_name,
                "kind": party.kind,
                "part_of": party.parent.slug if party.parent else None,
            }
            for party in parties.order_by("name")
        ],
        "citations": [
            {
                "id": c.key,
                "kind": c.kind,
                "speaker": c.speaker.slug if c.speaker_id else None,
                "about": c.about.slug if c.about_id else None,
                "passage": c.printed,
                "source": c.source.slug,
                "position": c.position,
                "length": c.length,
                "url": absolute(request, reverse("source_passage", args=[c.source.slug, c.key])),
            }
            for c in citations
        ],
        "sources": [
            {
                "id": source.slug,
                "title": source.title,
                "publisher": source.publisher,
                "author": source.author,
                "credits": source.credits,
                **_date(source.published_on, source.published_precision),
                "date_inferred": source.date_inferred,
                "names_sources": source.names_sources,
                "url": source.url or None,
            }
            for source in sources
        ],
    }


# One row per claim and passage; a claim without passages (a note) has one row.
CSV_COLUMNS = [
    "as_of",
    "licence",
    "sticking_point",
    "claim",
    "claim_id",
    "party",
    "stated_by",
    "date",
    "date_precision",
    "text",
    "citation",
    "citation_kind",
    "passage",
    "source",
    "source_title",
    "source_publisher",
    "source_date",
    "source_url",
    "position",
    "length",
]


def csv_rows(data):
    """The JSON export's claims, one row per claim and passage."""
    citations = {c["id"]: c for c in data["citations"]}
    sources = {s["id"]: s for s in data["sources"]}

    def rows(point, claim, claim_id, text, keys, **extra):
        for key in keys or [None]:
            citation = citations.get(key, {})
            source = sources.get(citation.get("source"), {})
            yield {
                "as_of": data["as_of"],
                "licence": CSV_LICENCE,
                "sticking_point": point,
                "claim": claim,
                "claim_id": claim_id,
                "text": text,
                "citation": key or "",
                "citation_kind": citation.get("kind", ""),
                "passage": citation.get("passage", ""),
                "source": citation.get("source", ""),
                "source_title": source.get("title", ""),
                "source_publisher": source.get("publisher", ""),
                "source_date": source.get("date") or "",
                "source_url": source.get("url") or "",
                "position": citation.get("position", ""),
                "length": citation.get("length", ""),
                **extra,
            }

    for point in data["sticking_points"]:
        slug = point["id"]
        yield from rows(
            slug, "explanation", slug, point["explanation"], point["explanation_citations"]
        )
        for n, position in enumerate(point["positions"], 1):
            yield from rows(
                slug,
                "position",
                f"{slug}/position-{n}",
                position["summary"],
                position["citations"],
                party=position["party"],
                stated_by=position["stated_by"],
            )
        for n, note in enumerate(point["notes"], 1):
            yield from rows(
                slug,
                f"note:{note['kind']}",
                f"{slug}/note-{n}",
                note["text"],
                [],
                date=note["published_at"][:10],
            )
    for offer in data["offers"]:
        when = {"date": offer["date"], "date_precision": offer["date_precision"]}
        yield from rows(
            "",
            "offer",
            offer["id"],
            offer["summary"],
            offer["citations"],
            party=offer["party"],
            **when,
        )
        if offer["reception_summary"]:
            yield from rows(
                "",
                f"reception:{offer['reception']}",
                f"{offer['id']}/reception",
                offer["reception_summary"],
                offer["reception_citations"],
                party=offer["recipient"],
                **when,
            )
        for term in offer["terms"]:
            yield from rows(
                term["sticking_point"],
                "offer_term",
                f"{offer['id']}/{term['sticking_point']}",
                term["summary"],
                term["citations"],
                party=offer["party"],
                **when,
            )
    for event in data["events"]:
        yield from rows(
            ";".join(event["sticking_points"]),
            f"event:{event['kind']}",
            event["id"],
            event["summary"],
            event["citations"],
            date=event["date"],
            date_precision=event["date_precision"],
        )


def _download(response, data, extension):
    as_of = data["as_of"] or "undated"
    disposition = "attachment" if extension == "csv" else "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{FILENAME}-as-of-{as_of}.{extension}"'
    )
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response


@require_safe
@public_page
def open_data(request, extension):
    data = export(request)
    if extension == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    elif extension == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, CSV_COLUMNS, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_rows(data))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404("The data comes as .json or .csv.")
    return _download(response, data, extension)


@require_safe
@public_page
def open_data_schema(request, version):
    if version != SCHEMA_VERSION:
        raise Http404(
            f"There is no version {version} of the schema; the current one is {SCHEMA_VERSION}."
        )
    return JsonResponse(
        {"$id": absolute(request, request.path), **SCHEMA},
        content_type="application/schema+json",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
