"""The public explainer. One view per page; an htmx request gets the page's partial from
the same template."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import etag, require_safe
from django.views.decorators.vary import vary_on_headers

from explainer import embeds
from explainer import search as site_search
from explainer.access import can_preview
from explainer.forms import SearchForm, TimelineFilterForm
from explainer.freshness import page_etag
from explainer.models import Demand, Event, Offer, OfferTerm, Party, Source, StickingPoint
from explainer.references import References, prefetch_citations, verified_citations

PUBLIC_MAX_AGE = 300


def visible_points(request):
    """Sticking points this request may see: drafts only for editors."""
    if can_preview(request.user):
        return StickingPoint.objects.all()
    return StickingPoint.objects.published()


def respond(request, template, context, *, status=200, private=False):
    """Render the full page, or its `partial` for htmx, with caching headers that match."""
    if request.htmx and not request.htmx.history_restore_request and "partial" in context:
        template = f"{template}#{context['partial']}"
    response = render(request, template, context, status=status)
    if private:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    elif status == 200:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def events_with_citations(events):
    return events.prefetch_related(prefetch_citations()).order_by("date", "sequence", "title")


@require_safe
@etag(page_etag)
def home(request):
    points = list(visible_points(request))
    latest_events = list(
        events_with_citations(Event.objects.all()).order_by("-date", "-sequence")[:4]
    )
    parties = list(
        Party.objects.filter(parent__isnull=True)
        .exclude(kind="person")
        .annotate(member_count=Count("members"))
        .order_by("kind", "name")
    )
    references = References()
    references.add_cited_by(latest_events)
    standings = {}
    for point in points:
        standings.setdefault(point.get_standing_display(), []).append(point)
    return respond(
        request,
        "explainer/home.html",
        {
            "points": points,
            "standings": standings,
            "latest_events": latest_events,
            "parties": parties,
            "references": references,
        },
        private=any(not point.is_published for point in points),
    )


@require_safe
@etag(page_etag)
def sticking_point_detail(request, slug):
    point = get_object_or_404(visible_points(request), slug=slug)
    demands = list(point.demands.select_related("party").prefetch_related(prefetch_citations()))
    terms = list(
        point.offer_terms.select_related("offer__party", "offer__recipient")
        .prefetch_related(prefetch_citations(), prefetch_citations("offer__citations"))
        .order_by("offer__date", "offer__pk")
    )
    events = list(events_with_citations(point.events.all()))

    sides = {}
    for demand in demands:
        sides.setdefault(demand.party, []).append(demand)

    # Numbered in the order the page shows them: explanation, sides, offers, events.
    references = References()
    references.add_markdown(point.explanation)
    references.add_cited_by(*sides.values())
    for term in terms:
        references.add_cited_by([term, term.offer])
    references.add_cited_by(events)

    return respond(
        request,
        "explainer/stickingpoint_detail.html",
        {
            "point": point,
            "sides": sides,
            "terms": terms,
            "events": events,
            "references": references,
            "embed": embeds.embed_context(request, point) if point.is_published else None,
        },
        private=not point.is_published,
    )


@require_safe
@etag(page_etag)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def timeline(request):
    form = TimelineFilterForm(request.GET or None)
    events = Event.objects.all()
    status = 200
    if form.is_bound:
        if form.is_valid():
            events = form.filter(events)
        else:
            status = 400
            events = Event.objects.none()
    events = list(events_with_citations(events.distinct()))
    references = References()
    references.add_cited_by(events)
    return respond(
        request,
        "explainer/timeline.html",
        {
            "form": form,
            "events": events,
            "references": references,
            "partial": "results",
        },
        status=status,
    )


@require_safe
@etag(page_etag)
def party_detail(request, slug):
    party = get_object_or_404(
        Party.objects.select_related("parent").prefetch_related("members"), slug=slug
    )
    points = visible_points(request)
    demands = list(
        Demand.objects.filter(party=party, sticking_point__in=points)
        .select_related("sticking_point")
        .prefetch_related(prefetch_citations())
        .order_by("sticking_point__order", "order")
    )
    offers = list(
        Offer.objects.filter(Q(party=party) | Q(recipient=party))
        .select_related("party", "recipient")
        .prefetch_related(
            prefetch_citations(),
            Prefetch(
                "terms",
                queryset=OfferTerm.objects.filter(sticking_point__in=points).select_related(
                    "sticking_point"
                ),
            ),
        )
    )
    quotes = list(verified_citations().filter(speaker=party))
    events = list(events_with_citations(party.events.all()))

    references = References()
    references.add_markdown(party.description)
    references.add_cited_by(demands, offers)
    references.add(quotes)
    references.add_cited_by(events)
    return respond(
        request,
        "explainer/party_detail.html",
        {
            "party": party,
            "demands": demands,
            "offers": offers,
            "quotes": quotes,
            "events": events,
            "references": references,
        },
        private=can_preview(request.user),
    )


@require_safe
@etag(page_etag)
def source_detail(request, slug):
    source = get_object_or_404(Source.objects.defer("text"), slug=slug)
    points = visible_points(request)
    passages = list(
        verified_citations()
        .filter(source=source)
        .prefetch_related(
            Prefetch(
                "demands",
                queryset=Demand.objects.filter(sticking_point__in=points).select_related(
                    "sticking_point"
                ),
            ),
            Prefetch(
                "offer_terms",
                queryset=OfferTerm.objects.filter(sticking_point__in=points).select_related(
                    "sticking_point"
                ),
            ),
            "events",
            "offers",
        )
        .order_by("position")
    )
    # Which explanations cite each passage: markers live in the Markdown itself.
    explanations = list(points.only("title", "slug", "explanation", "publication"))
    for citation in passages:
        marker = f"[^{citation.key}]"
        used_by = {p.pk: p for p in explanations if marker in p.explanation}
        for item in [*citation.demands.all(), *citation.offer_terms.all()]:
            used_by.setdefault(item.sticking_point.pk, item.sticking_point)
        citation.used_by_points = sorted(used_by.values(), key=lambda p: p.title)
    return respond(
        request,
        "explainer/source_detail.html",
        {"source": source, "passages": passages},
        private=can_preview(request.user),
    )


@require_safe
@etag(page_etag)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def search(request):
    form = SearchForm(request.GET)
    results = None
    status = 200
    error = None
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            try:
                results = site_search.search(query)
            except site_search.SearchError as search_error:
                error = str(search_error)
                status = 400
    else:
        error = form.errors["q"][0]
        status = 400
    return respond(
        request,
        "explainer/search.html",
        {
            "form": form,
            "error": error,
            "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
            "results": results,
            "total": sum(len(r) for r in results.values()) if results else 0,
            "partial": "results",
        },
        status=status,
    )


@require_safe
@etag(page_etag)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def citation_detail(request, key):
    citation = get_object_or_404(verified_citations(), key=key)
    return respond(
        request,
        "explainer/citation_detail.html",
        {"citation": citation, "partial": "preview"},
    )
