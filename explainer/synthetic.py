"""A large, valid, made-up content set for benchmarks and scale tests.

Everything is neutral placeholder text: sources are built from numbered sentences, and
our prose from sentences of other words, so it copies no run of eight words from a source
(tests/test_synthetic.py runs the copy guard on it). Rows are written with
`bulk_create`, doing here what the models' saves would derive: each citation's position
and length (every passage is a sentence placed verbatim in its source's text), rendered
Markdown, and the `cited` links that markers make.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.db import transaction

from explainer import searchindex
from explainer.citations import find_markers
from explainer.markdown import render_markdown
from explainer.models import (
    Citation,
    ContentVersion,
    Demand,
    Event,
    GlossaryTerm,
    Offer,
    OfferTerm,
    Party,
    PartyKind,
    Source,
    StickingPoint,
)

FULL = {"points": 100, "events": 5000, "sources": 1000}
CITATIONS_PER_SOURCE = 20
OFFERS_PER_100_POINTS = 20
MARKERS_PER_EXPLANATION = 10
FIRST_DAY = datetime.date(2023, 1, 2)
DAYS = 270
GLOSSARY = {
    "bargaining round": "A placeholder definition: one stretch of meetings between the sides.",
    "counterproposal": "A placeholder definition: what one side tables after the other's.",
    "picket line": "A placeholder definition: where members gather during a stoppage.",
    "side letter": "A placeholder definition: a short agreement beside the main contract.",
}


@dataclass
class Counts:
    points: int
    events: int
    sources: int
    citations: int
    offers: int

    @classmethod
    def at(cls, scale):
        def scaled(n, least=1):
            return max(least, round(n * scale))

        points = scaled(FULL["points"], 2)
        sources = scaled(FULL["sources"], 2)
        return cls(
            points=points,
            events=scaled(FULL["events"]),
            sources=sources,
            citations=sources * CITATIONS_PER_SOURCE,
            offers=max(2, points * OFFERS_PER_100_POINTS // 100),
        )


class NotEmpty(Exception):
    """Synthetic content goes only into a database without content."""


def make_parties():
    """The two sides, like the seed's: a union with a branch and a member, and an
    employers' association with member companies."""
    wga = Party(
        name="Writers Guild of America",
        slug="writers-guild-of-america",
        short_name="WGA",
        kind=PartyKind.UNION,
    )
    amptp = Party(
        name="Alliance of Motion Picture and Television Producers",
        slug="amptp",
        short_name="AMPTP",
        kind=PartyKind.EMPLOYERS,
    )
    for party in (wga, amptp):
        party.save()
    others = [
        Party(name="WGA West", slug="wga-west", kind=PartyKind.BRANCH, parent=wga),
        Party(
            name="Writer One",
            slug="writer-one",
            kind=PartyKind.PERSON,
            parent=wga,
            role="placeholder writer",
        ),
        *(
            Party(name=f"Studio {n}", slug=f"studio-{n}", kind=PartyKind.COMPANY, parent=amptp)
            for n in range(1, 7)
        ),
    ]
    for party in others:
        party.save()
    return wga, amptp, others


class SourceWriter:
    """Builds one source's text paragraph by paragraph, recording where each passage
    sits, as `Citation.save` would find it."""

    def __init__(self):
        self.paragraphs = []
        self.length = 0

    def add(self, paragraph, passage=None):
        if self.paragraphs:
            self.length += 2  # the blank line between paragraphs
        start = self.length + (paragraph.index(passage) if passage else 0)
        self.paragraphs.append(paragraph)
        self.length += len(paragraph)
        return start

    @property
    def text(self):
        return "\n\n".join(self.paragraphs)


def _sentence(source_n, k, party):
    """A source's k-th citable sentence (its paragraph and passage, kind, speaker,
    about). Sentences carry the source and sentence number, so each is unique."""
    tag = f"{source_n}-{k}"
    name = party.short_name or party.name
    if k % 2 == 0:
        passage = f"We will hold firm on item {tag} until the terms improve."
        paragraph = f"A spokesperson for {name} said on day {k}: \u201c{passage}\u201d"
        return paragraph, passage, Citation.Kind.QUOTE, party, None
    passage = f"Negotiators for {name} tabled item {tag} during session {k} of the talks."
    return passage, passage, Citation.Kind.REPORT, None, party


def make_sources_and_citations(counts, speakers):
    """Sources and their citations. Returns the citations grouped by who speaks or is
    reported, for the prose to cite: {(kind, party pk): [citation, ...]}."""
    sources = []
    pending = []  # (source index, Citation without source)
    for n in range(1, counts.sources + 1):
        day = FIRST_DAY + datetime.timedelta(days=(n * DAYS) // counts.sources)
        writer = SourceWriter()
        writer.add(f"Placeholder report {n}.")
        writer.add(f"Reporters followed the talks on day {n} from outside the hotel.")
        for k in range(CITATIONS_PER_SOURCE):
            party = speakers[(n + k) % len(speakers)]
            paragraph, passage, kind, speaker, about = _sentence(n, k, party)
            position = writer.add(paragraph, passage)
            pending.append(
                (
                    len(sources),
                    Citation(
                        key=f"r{n}-{k}",
                        passage=passage,
                        kind=kind,
                        speaker=speaker,
                        about=about,
                        position=position,
                        length=len(passage),
                        version=1,
                    ),
                )
            )
            if k % 7 == 6:
                writer.add(f"Talks adjourned after session {k} on day {n}.")
        sources.append(
            Source(
                title=f"Placeholder report {n}",
                slug=f"placeholder-report-{n}",
                publisher=f"Outlet {n % 25 + 1}",
                author=f"Reporter {n % 60 + 1}",
                names_sources=True,
                published_on=day,
                published_precision="day",
                url=f"https://example.org/reports/{n}",
                text=writer.text,
                version=1,
            )
        )
    sources = Source.objects.bulk_create(sources, batch_size=500)
    citations = []
    for index, citation in pending:
        citation.source = sources[index]
        citations.append(citation)
    citations = Citation.objects.bulk_create(citations, batch_size=2000)
    pools = {}
    for citation in citations:
        party_id = citation.speaker_id or citation.about_id
        pools.setdefault((str(citation.kind), party_id), []).append(citation)
    return pools


class Picker:
    """Hands out citations from each pool in turn, so uses spread over all sources."""

    def __init__(self, pools):
        self._cycles = {key: itertools.cycle(pool) for key, pool in pools.items()}

    def __call__(self, kind, party):
        return next(self._cycles[(str(kind), party.pk)])


def _explanation(i, cites):
    """A placeholder explanation of topic `i` citing `cites`, in paragraphs."""
    paragraphs = []
    for j, pair in enumerate(itertools.batched(cites, 2)):
        markers = "".join(f"[^{c.key}]" for c in pair)
        paragraphs.append(
            f"Placeholder summary {j + 1} for topic {i}: each bargaining round saw "
            f"the positions drift.{markers}"
        )
    paragraphs.insert(1, f"### Placeholder heading for topic {i}")
    return "\n\n".join(paragraphs)


def make_points(counts, pick, wga, amptp, speakers):
    points = []
    cited = []
    standings = list(StickingPoint.Standing)
    for i in range(1, counts.points + 1):
        cites = [
            pick(Citation.Kind.QUOTE if j % 2 else Citation.Kind.REPORT, speakers[j % 4])
            for j in range(MARKERS_PER_EXPLANATION)
        ]
        explanation = _explanation(i, cites)
        points.append(
            StickingPoint(
                title=f"Topic {i}",
                slug=f"topic-{i}",
                question=f"What is placeholder topic {i} about?",
                short_answer=(
                    f"Placeholder short answer for topic {i}. Both sides hold a position; "
                    "the summary below sets them side by side."
                ),
                explanation=explanation,
                explanation_html=render_markdown(explanation),
                standing=standings[i % len(standings)],
                publication=StickingPoint.Publication.PUBLISHED,
                order=i,
                version=1,
            )
        )
        cited.append(cites)
    points = StickingPoint.objects.bulk_create(points)
    # What link_citations() would store: the citations the markers name.
    links = []
    for point, cites in zip(points, cited, strict=True):
        by_key = {c.key: c for c in cites}
        links += [
            StickingPoint.cited.through(stickingpoint=point, citation=by_key[key])
            for key in find_markers(point.explanation)
        ]
    StickingPoint.cited.through.objects.bulk_create(links, batch_size=5000)

    demands = []
    demand_cites = []
    for point in points:
        order = itertools.count()
        for party, other in ((wga, amptp), (amptp, wga)):
            for stated_by, kind, by in (
                (Demand.StatedBy.PARTY, Citation.Kind.QUOTE, party),
                (Demand.StatedBy.REPORTER, Citation.Kind.REPORT, party),
                (Demand.StatedBy.OTHER_SIDE, Citation.Kind.QUOTE, other),
            ):
                demands.append(
                    Demand(
                        sticking_point=point,
                        party=party,
                        stated_by=stated_by,
                        summary=(
                            f"Placeholder position {len(demands) + 1} held by one side "
                            f"on topic {point.order}."
                        ),
                        order=next(order),
                        version=1,
                    )
                )
                demand_cites.append([pick(kind, by)])
    demands = Demand.objects.bulk_create(demands)
    Demand.citations.through.objects.bulk_create(
        Demand.citations.through(demand=d, citation=c)
        for d, cites in zip(demands, demand_cites, strict=True)
        for c in cites
    )
    return points


def make_offers(counts, pick, wga, amptp, points):
    offers = []
    for n in range(1, counts.offers + 1):
        party, recipient = (amptp, wga) if n % 2 else (wga, amptp)
        offers.append(
            Offer(
                title=f"Placeholder offer {n}",
                slug=f"placeholder-offer-{n}",
                party=party,
                recipient=recipient,
                date=FIRST_DAY + datetime.timedelta(days=(n * DAYS) // (counts.offers + 1)),
                date_precision="day",
                summary=f"Placeholder summary of offer {n}, in the explainer's words.",
                reception=Offer.Reception.REJECTED,
                reception_summary=f"Placeholder account of how offer {n} was received.",
                version=1,
            )
        )
    offers = Offer.objects.bulk_create(offers)
    links, reception_links, terms, term_cites = [], [], [], []
    for n, offer in enumerate(offers):
        links.append(Offer.citations.through(offer=offer, citation=pick("report", offer.party)))
        reception_links.append(
            Offer.reception_citations.through(offer=offer, citation=pick("quote", offer.recipient))
        )
        for point in points[n :: len(offers)]:
            terms.append(
                OfferTerm(
                    offer=offer,
                    sticking_point=point,
                    summary=f"Placeholder term of offer {n + 1} on topic {point.order}.",
                    version=1,
                )
            )
            term_cites.append(pick("report", offer.party))
    Offer.citations.through.objects.bulk_create(links)
    Offer.reception_citations.through.objects.bulk_create(reception_links)
    terms = OfferTerm.objects.bulk_create(terms)
    OfferTerm.citations.through.objects.bulk_create(
        OfferTerm.citations.through(offerterm=t, citation=c)
        for t, c in zip(terms, term_cites, strict=True)
    )


def make_events(counts, pick, points, speakers):
    kinds = list(Event.Kind)
    events = []
    for n in range(1, counts.events + 1):
        events.append(
            Event(
                title=f"Placeholder event {n}",
                slug=f"placeholder-event-{n}",
                kind=kinds[n % len(kinds)],
                date=FIRST_DAY + datetime.timedelta(days=(n * DAYS) // counts.events),
                date_precision="day",
                sequence=n % 10,
                summary=f"Placeholder summary of event {n}: a bargaining round took place.",
                version=1,
            )
        )
    events = Event.objects.bulk_create(events, batch_size=2000)
    parties, topics, cites = [], [], []
    for n, event in enumerate(events):
        first, second = speakers[n % len(speakers)], speakers[(n + 1) % len(speakers)]
        parties.append(Event.parties.through(event=event, party=first))
        point = points[n % len(points)]
        topics.append(Event.sticking_points.through(event=event, stickingpoint=point))
        cites.append(Event.citations.through(event=event, citation=pick("report", first)))
        cites.append(Event.citations.through(event=event, citation=pick("quote", second)))
    Event.parties.through.objects.bulk_create(parties, batch_size=5000)
    Event.sticking_points.through.objects.bulk_create(topics, batch_size=5000)
    Event.citations.through.objects.bulk_create(cites, batch_size=5000)


def describe_parties(pick, parties):
    """Descriptions with markers, saved the ordinary way (a handful of rows)."""
    for party in parties:
        cite = pick("report", party)
        party.description = f"Placeholder description of one party to the talks.[^{cite.key}]"
        party.save()


def has_content():
    return any(
        model.objects.exists()
        for model in (StickingPoint, Source, Citation, Party, Event, Offer, GlossaryTerm)
    )


def build(*, scale=1.0):
    """Fill an empty database with synthetic content at `scale` of the full size.
    Returns the Counts made."""
    if has_content():
        raise NotEmpty("The database already has content; synthetic content needs an empty one.")
    counts = Counts.at(scale)
    with transaction.atomic():
        wga, amptp, others = make_parties()
        by_slug = {p.slug: p for p in others}
        # Who is quoted and reported: each side, the union's branch, and one company.
        speakers = [wga, amptp, by_slug["wga-west"], by_slug["studio-1"]]
        pick = Picker(make_sources_and_citations(counts, speakers))
        points = make_points(counts, pick, wga, amptp, speakers)
        make_offers(counts, pick, wga, amptp, points)
        make_events(counts, pick, points, speakers)
        describe_parties(pick, [wga, amptp, by_slug["wga-west"], by_slug["studio-1"]])
        GlossaryTerm.objects.bulk_create(
            GlossaryTerm(term=term, slug=term.replace(" ", "-"), definition=definition, version=1)
            for term, definition in GLOSSARY.items()
        )
        # bulk_create sends no signals: count the change for the page cache, and index
        # the content for search, ourselves.
        ContentVersion.advance()
        searchindex.rebuild()
    return counts
