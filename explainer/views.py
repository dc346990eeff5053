"""The public explainer. One view per page; an htmx request gets the page's partial from
the same template.

Public views are the same for every reader: they never look at who is asking, and
`public_page` serves them rendered once per content version. Editors preview drafts
at their own addresses (`preview_*`), which are never cached.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.db.models import Case, F, Prefetch, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from explainer import changelog, compare, embeds
from explainer import search as site_search
from explainer.access import can_preview
from explainer.forms import MAX_WORDS, SearchForm, TimelineFilterForm
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
from explainer.pagecache import cache_publicly, public_page
from explainer.paging import PageError, get_page
from explainer.positions import columns_for, other_side
from explainer.references import References, prefetch_citations

# Page sizes: each page, with its numbered sources, stays well under 100 KB of HTML.
TIMELINE_PAGE_SIZE = 20
CHANGELOG_PAGE_SIZE = 20
SOURCE_PAGE_SIZE = 50
PARTY_PAGE_SIZE = 25
# A party or sticking point page shows this many of each list, then links to the rest.
PARTY_LIST_SIZE = 8
PARTY_EVENTS = 5
POINT_EVENTS = 10
# Passages in the order of their sources (newest first), then of their text.
PASSAGE_ORDER = [
    F("source__published_on").desc(),
    F("source__title").asc(),
    F("source_id").asc(),
    F("position").asc(),
]


def editors_only(view):
    """A preview for editors; anyone else is asked to log in."""

    def wrapped(request, *args, **kwargs):
        if not can_preview(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def only_parameters_in_use(view):
    """A form sent without JavaScript names every field, chosen or not
    (`?party=&topic=&kind=offer`); the reader is sent on to the address that names only
    those in use, the one they keep and share."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if "" not in (value for _, values in request.GET.lists() for value in values):
            return view(request, *args, **kwargs)
        query = request.GET.copy()
        for name, values in request.GET.lists():
            query.setlist(name, [value for value in values if value != ""])
            if not query.getlist(name):
                del query[name]
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)

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
        cache_publicly(response)
    return response


def events_with_citations(events):
    # The primary key last, so events that share everything else keep one order and
    # a page boundary never shows one twice or skips one.
    return events.prefetch_related(prefetch_citations()).order_by(
        "date", "sequence", "title", "pk"
    )


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
    terms = list(compare.terms_with_citations(point.offer_terms.all()))
    offers_without = Offer.objects.exclude(terms__sticking_point=point).only(
        "title", "date", "date_precision"
    )
    steps = compare.steps_for(terms, list(offers_without))
    notes = point.notes.all() if preview else point.notes.published()
    notes = list(notes.order_by("-published_at", "-pk"))
    events, more_events = latest_events(events_with_citations(point.events.all()), POINT_EVENTS)
    sides = list(Party.objects.sides())
    columns = columns_for(demands, sides)

    # Numbered in the order the page shows them: explanation, sides, offers, events.
    references = References()
    references.add_markdown(point.explanation)
    references.add_cited_by(*(column.positions for column in columns))
    for step in steps:
        references.add_cited_by([step.term])
        references.add_cited_by([step.offer], lookup="reception_citations")
    references.add_cited_by(events)

    return respond(
        request,
        "explainer/stickingpoint_detail.html",
        {
            "point": point,
            "columns": columns,
            # columns_for puts each side's first: what each side asks.
            "asks": columns[: len(sides)],
            "steps": steps,
            "notes": notes,
            "events": events,
            "more_events": more_events,
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
def offers_compared(request):
    return respond(
        request,
        "explainer/offers_compared.html",
        {
            **compare.dispute_table(),
            "limit": compare.MAX_OFFER_COLUMNS,
            "glossary": page_glossary(),
        },
    )


@require_safe
@public_page(params=("page",))
def changelog_page(request):
    page, page_error, status = None, None, 200
    try:
        page = get_page(changelog.entries(), request, CHANGELOG_PAGE_SIZE, noun="changes")
    except PageError as error:
        page_error, status = error, error.status
    return respond(
        request,
        "explainer/changelog.html",
        {
            "page": page,
            "page_error": page_error,
            "changes": changelog.changes(page.object_list) if page else [],
        },
        status=status,
    )


@require_safe
@public_page
def about(request):
    points = list(StickingPoint.objects.published().with_as_of())
    return respond(
        request,
        "explainer/about.html",
        {"as_of": AsOf.latest(point.as_of for point in points), "point_count": len(points)},
    )


@require_safe
@only_parameters_in_use
@public_page(params=("party", "topic", "kind", "page"))
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def timeline(request):
    form = TimelineFilterForm(request.GET or None)
    events = Event.objects.all()
    status = 200
    page = page_error = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        if form.is_bound:
            events = form.filter(events)
        try:
            page = get_page(
                events_with_citations(events.distinct()),
                request,
                TIMELINE_PAGE_SIZE,
                noun="events",
            )
        except PageError as error:
            page_error, status = error, error.status
    events = list(page.object_list) if page else []
    references = References()
    if page:
        references = References(
            prefix=f"page-{page.number}-",
            title=f"Sources for events {page.start_index()}–{page.end_index()}",
        )
    references.add_cited_by(events)
    return respond(
        request,
        "explainer/timeline.html",
        {
            "form": form,
            "page": page,
            "page_error": page_error,
            "events": events,
            "references": references,
            "glossary": page_glossary(),
            "partial": "results",
        },
        status=status,
    )


def first(queryset, size):
    """The first `size` items of `queryset`, and whether there are more, in one query."""
    items = list(queryset[: size + 1])
    return items[:size], len(items) > size


def latest_events(events, size):
    """The newest `size` of `events`, in date order, and whether there are older ones."""
    newest, more = first(events.order_by("-date", "-sequence", "-title", "-pk"), size)
    return newest[::-1], more


@require_safe
@public_page
def party_detail(request, slug):
    party = get_object_or_404(Party.objects.select_related("parent"), slug=slug)
    points = StickingPoint.objects.published()
    members, more_members = first(party.members.all(), PARTY_LIST_SIZE)
    demands, more_demands = first(party_demands(party, points), PARTY_LIST_SIZE)
    offers, more_offers = first(party_offers(party, points), PARTY_LIST_SIZE)
    # Its own words, what reporters say it said or did, and what its description cites,
    # in one query: the first few of each of the first two (numbered per kind in an
    # inner query that reads no source text), and all of the last (as many as the
    # description has markers).
    kind = Case(
        When(kind=Citation.Kind.QUOTE, speaker=party, then=Value("quote")),
        When(kind=Citation.Kind.REPORT, about=party, then=Value("report")),
        default=Value("described"),
    )
    described = Q(pk__in=party.cited.values("pk"))
    first_of_each = (
        Citation.objects.filter(Q(speaker=party) | Q(about=party))
        .annotate(row=Window(RowNumber(), partition_by=[kind], order_by=PASSAGE_ORDER))
        .filter(row__lte=PARTY_LIST_SIZE + 1)
        .values("pk")
    )
    passages = list(
        Citation.objects.verified()
        .filter(Q(pk__in=first_of_each) | described)
        .annotate(listed_as=kind)
        .order_by(*PASSAGE_ORDER)
    )
    # In passage order, so a described passage past the first few comes after them.
    quotes = [c for c in passages if c.listed_as == "quote"][: PARTY_LIST_SIZE + 1]
    reports = [c for c in passages if c.listed_as == "report"][: PARTY_LIST_SIZE + 1]
    more_quotes, more_reports = len(quotes) > PARTY_LIST_SIZE, len(reports) > PARTY_LIST_SIZE
    quotes, reports = quotes[:PARTY_LIST_SIZE], reports[:PARTY_LIST_SIZE]
    events, more_events = latest_events(events_with_citations(party.events.all()), PARTY_EVENTS)

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
            "members": members,
            "demands": demands,
            "offers": offers,
            "quotes": quotes,
            "reports": reports,
            "more": {
                "members": more_members,
                "positions": more_demands,
                "offers": more_offers,
                "quotes": more_quotes,
                "reports": more_reports,
                "events": more_events,
            },
            "other_side": other_side(party, list(Party.objects.sides())),
            "events": events,
            "references": references,
            "glossary": page_glossary(),
        },
    )


def party_demands(party, points):
    return (
        Demand.objects.filter(party=party, sticking_point__in=points)
        .select_related("sticking_point")
        .prefetch_related(prefetch_citations())
        .order_by("sticking_point__order", "sticking_point__title", "order", "pk")
    )


def party_offers(party, points):
    return (
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
        .order_by("date", "title", "pk")
    )


def party_passages(party, kind):
    by_party = Q(speaker=party) if kind == Citation.Kind.QUOTE else Q(about=party)
    return Citation.objects.verified().filter(by_party, kind=kind).order_by(*PASSAGE_ORDER)


PARTY_SECTIONS = {
    "members": "Named in the sources as part of it",
    "positions": "Its positions",
    "offers": "Offers",
    "quotes": "In their words",
    "reports": "As reporters tell it",
}


@require_safe
@public_page(params=("page",))
def party_section(request, slug, section):
    """One of a party page's lists in full, a page at a time."""
    party = get_object_or_404(Party.objects.select_related("parent"), slug=slug)
    if section not in PARTY_SECTIONS:
        raise Http404("No such list")
    points = StickingPoint.objects.published()
    items = {
        "members": lambda: party.members.order_by("name", "pk"),
        "positions": lambda: party_demands(party, points),
        "offers": lambda: party_offers(party, points),
        "quotes": lambda: party_passages(party, Citation.Kind.QUOTE),
        "reports": lambda: party_passages(party, Citation.Kind.REPORT),
    }[section]()
    page = page_error = None
    status = 200
    try:
        page = get_page(items, request, PARTY_PAGE_SIZE, noun="entries")
    except PageError as error:
        page_error, status = error, error.status
    listed = list(page.object_list) if page else []
    references = References()
    if section in {"quotes", "reports"}:
        references.add(listed)
    elif section != "members":
        references.add_cited_by(listed)
        if section == "offers":
            references.add_cited_by(listed, lookup="reception_citations")
    return respond(
        request,
        "explainer/party_section.html",
        {
            "party": party,
            "section": section,
            "title": PARTY_SECTIONS[section],
            "page": page,
            "page_error": page_error,
            "items": listed,
            "other_side": other_side(party, list(Party.objects.sides()))
            if section == "positions"
            else None,
            "references": references,
            "glossary": page_glossary(),
        },
        status=status,
    )


@require_safe
@public_page(params=("page",))
def source_detail(request, slug):
    source = get_object_or_404(Source.objects.defer("text"), slug=slug)
    points = StickingPoint.objects.published()
    passages = (
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
        .order_by("position", "key")
    )
    page = page_error = None
    status = 200
    try:
        page = get_page(passages, request, SOURCE_PAGE_SIZE, noun="passages")
    except PageError as error:
        page_error, status = error, error.status
    passages = list(page.object_list) if page else []
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
        {"source": source, "passages": passages, "page": page, "page_error": page_error},
        status=status,
    )


@require_safe
def source_passage(request, slug, key):
    """A passage's own address: the page of its source's list that shows it."""
    citation = get_object_or_404(
        Citation.objects.filter(position__isnull=False).only("position", "key"),
        source__slug=slug,
        key=key,
    )
    before = Citation.objects.filter(
        Q(position__lt=citation.position) | Q(position=citation.position, key__lt=citation.key),
        source__slug=slug,
    ).count()
    page = before // SOURCE_PAGE_SIZE + 1
    url = reverse("source_detail", args=[slug])
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{url}{query}#passage-{key}")


@require_safe
def timeline_event(request, slug):
    """An event's own address: the page of the whole timeline that shows it."""
    event = get_object_or_404(Event.objects.only("date", "sequence", "title"), slug=slug)
    same_day = Q(date=event.date, sequence=event.sequence)
    before = Event.objects.filter(
        Q(date__lt=event.date)
        | Q(date=event.date, sequence__lt=event.sequence)
        | (same_day & Q(title__lt=event.title))
        | (same_day & Q(title=event.title, pk__lt=event.pk))
    ).count()
    page = before // TIMELINE_PAGE_SIZE + 1
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{reverse('timeline')}{query}#event-{slug}")


@require_safe
@only_parameters_in_use
@public_page(params=("q",))
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
            "query": form.typed,
            "words_left_out": getattr(form, "words_left_out", 0),
            "max_words": MAX_WORDS,
            "results": results,
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
