"""The public explainer. One view per page; an htmx request gets the page's partial from
the same template.

Public views are the same for every reader: they never look at who is asking, and
`public_page` serves them rendered once per content version. Editors preview drafts
at their own addresses (`preview_*`), which are never cached.
"""

from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from explainer import embeds
from explainer import search as site_search
from explainer.access import can_preview
from explainer.forms import SearchForm, TimelineFilterForm
from explainer.glossary import Glossary
from explainer.models import (
    AsOf,
    Citation,
    Demand,
    Event,
    GlossaryTerm,
    Offer,
    OfferTerm,
    Party,
    Source,
    StickingPoint,
)
from explainer.pagecache import PUBLIC_MAX_AGE, public_page
from explainer.positions import columns_for, other_side
from explainer.references import References, prefetch_citations


def editors_only(view):
    """A preview for editors; anyone else is asked to log in."""

    def wrapped(request, *args, **kwargs):
        if not can_preview(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def page_glossary():
    return Glossary(GlossaryTerm.objects.only("term", "slug", "variants"))


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


def render_home(request, points, *, preview=False):
    points = list(points.with_as_of())
    latest_events = list(
        events_with_citations(Event.objects.all()).order_by("-date", "-sequence")[:4]
    )
    parties = list(
        Party.objects.filter(parent__isnull=True).exclude(kind="person").order_by("kind", "name")
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
            "as_of": AsOf.latest(point.as_of for point in points),
            "latest_events": latest_events,
            "parties": parties,
            "references": references,
            "glossary": page_glossary(),
        },
        private=preview,
    )


@require_safe
@public_page
def home(request):
    return render_home(request, StickingPoint.objects.published())


@require_safe
@editors_only
def preview_home(request):
    """The home page with drafts among the published sticking points."""
    return render_home(request, StickingPoint.objects.all(), preview=True)


def render_sticking_point(request, points, slug, *, preview=False):
    point = get_object_or_404(points.with_as_of(), slug=slug)
    demands = list(
        point.demands.select_related("party__parent").prefetch_related(prefetch_citations())
    )
    terms = list(
        point.offer_terms.select_related("offer__party", "offer__recipient")
        .prefetch_related(prefetch_citations(), prefetch_citations("offer__reception_citations"))
        .order_by("offer__date", "offer__pk")
    )
    events = list(events_with_citations(point.events.all()))
    columns = columns_for(demands, list(Party.objects.sides()))

    # Numbered in the order the page shows them: explanation, sides, offers, events.
    references = References()
    references.add_markdown(point.explanation)
    references.add_cited_by(*(column.positions for column in columns))
    for term in terms:
        references.add_cited_by([term])
        references.add_cited_by([term.offer], lookup="reception_citations")
    references.add_cited_by(events)

    return respond(
        request,
        "explainer/stickingpoint_detail.html",
        {
            "point": point,
            "columns": columns,
            "terms": terms,
            "events": events,
            "references": references,
            "embed": embeds.embed_context(request, point) if point.is_published else None,
            "glossary": page_glossary(),
        },
        private=preview,
    )


@require_safe
@public_page
def sticking_point_detail(request, slug):
    return render_sticking_point(request, StickingPoint.objects.published(), slug)


@require_safe
@editors_only
def preview_sticking_point(request, slug):
    """A sticking point as it will read, draft or not; only editors see it."""
    return render_sticking_point(request, StickingPoint.objects.all(), slug, preview=True)


@require_safe
@public_page
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
            "glossary": page_glossary(),
            "partial": "results",
        },
        status=status,
    )


@require_safe
@public_page
def party_detail(request, slug):
    party = get_object_or_404(
        Party.objects.select_related("parent").prefetch_related("members"), slug=slug
    )
    points = StickingPoint.objects.published()
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
            prefetch_citations("reception_citations"),
            Prefetch(
                "terms",
                queryset=OfferTerm.objects.filter(sticking_point__in=points).select_related(
                    "sticking_point"
                ),
            ),
        )
    )
    # Its own words, what reporters say it said or did, and what its description cites,
    # in one query; its own words are listed apart from reporters' accounts.
    passages = list(
        Citation.objects.verified()
        .filter(Q(speaker=party) | Q(about=party) | Q(described_parties=party))
        .distinct()
        .order_by("source", "position")
    )
    quotes = [c for c in passages if c.is_quote and c.speaker_id == party.pk]
    reports = [c for c in passages if not c.is_quote and c.about_id == party.pk]
    events = list(events_with_citations(party.events.all()))

    references = References()
    references.add_markdown(party.description, found=passages)
    references.add_cited_by(demands, offers)
    references.add_cited_by(offers, lookup="reception_citations")
    references.add(quotes)
    references.add(reports)
    references.add_cited_by(events)
    return respond(
        request,
        "explainer/party_detail.html",
        {
            "party": party,
            "demands": demands,
            "offers": offers,
            "quotes": quotes,
            "reports": reports,
            "other_side": other_side(party, list(Party.objects.sides())),
            "events": events,
            "references": references,
            "glossary": page_glossary(),
        },
    )


@require_safe
@public_page
def source_detail(request, slug):
    source = get_object_or_404(Source.objects.defer("text"), slug=slug)
    points = StickingPoint.objects.published()
    passages = list(
        Citation.objects.verified()
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
            Prefetch("explained_points", queryset=points.only("title", "slug")),
            Prefetch("described_parties", queryset=Party.objects.only("name", "slug")),
            "events",
            "offers",
            "receptions",
        )
        .order_by("position")
    )
    for citation in passages:
        used_by = {p.pk: p for p in citation.explained_points.all()}
        for item in [*citation.demands.all(), *citation.offer_terms.all()]:
            used_by.setdefault(item.sticking_point.pk, item.sticking_point)
        citation.used_by_points = sorted(used_by.values(), key=lambda p: p.title)
        offers = {o.pk: o for o in [*citation.offers.all(), *citation.receptions.all()]}
        citation.used_by_offers = sorted(offers.values(), key=lambda o: o.date)
    return respond(
        request,
        "explainer/source_detail.html",
        {"source": source, "passages": passages},
    )


@require_safe
@public_page
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
@public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def citation_detail(request, key):
    citation = get_object_or_404(Citation.objects.verified(), key=key)
    return respond(
        request,
        "explainer/citation_detail.html",
        {"citation": citation, "partial": "preview"},
    )


@require_safe
@public_page
def glossary(request):
    return respond(request, "explainer/glossary.html", {"terms": list(GlossaryTerm.objects.all())})


@require_safe
@public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def glossary_term(request, slug):
    term = get_object_or_404(GlossaryTerm, slug=slug)
    return respond(request, "explainer/glossary_term.html", {"term": term, "partial": "preview"})
