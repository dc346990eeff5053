"""No public page grows with the content: long lists are paged with real links, and
every page stays under a size and a query bound however much content there is."""

import datetime
import itertools
import re
from html import unescape
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from explainer.models import Citation, Demand, Event, Offer, Party
from explainer.views import (
    PARTY_EVENTS,
    PARTY_LIST_SIZE,
    POINT_EVENTS,
    SOURCE_PAGE_SIZE,
    TIMELINE_PAGE_SIZE,
)
from tests.conftest import make_party, make_source, make_sticking_point
from tests.test_views import MAX_QUERIES

# About a tenth of what an unbounded page would weigh with this content.
MAX_PAGE_BYTES = 100_000
FILLER = (
    "negotiators for both sides returned to the table after weeks of silence, and the "
    "talks covered residuals, staffing, and the use of new technology in writers' rooms"
)
_serial = itertools.count(1)


def make_large_content(*, events=300, passages=240, points=6, positions=80, offers=40):
    """A party with many positions, offers, quotes and reports, a sticking point and a
    party in every event, and one source holding every passage. Rows go in with
    bulk_create (passages are placed in the source's text as they are written there)."""
    n = next(_serial)
    union = make_party(name="Big Union", slug=f"big-union-{n}", kind="union")
    employers = make_party(name="Studios", slug=f"studios-{n}", kind="employers")
    Party.objects.bulk_create(
        Party(name=f"Member {i}", slug=f"member-{n}-{i}", kind="company", parent=employers)
        for i in range(60)
    )
    texts = [f"Passage {i} says that {FILLER}." for i in range(passages)]
    source = make_source(title="The long article", text=" ".join(texts))
    position = 0
    rows = []
    for i, text in enumerate(texts):
        quote = i % 2 == 0
        rows.append(
            Citation(
                source=source,
                key=f"big-{n}-{i}",
                passage=text,
                kind="quote" if quote else "report",
                speaker=union if quote else None,
                about=None if quote else union,
                position=position,
                length=len(text),
            )
        )
        position += len(text) + 1
    cites = Citation.objects.bulk_create(rows)
    topics = [
        make_sticking_point(title=f"Topic {n}-{i}", explanation="Intro.") for i in range(points)
    ]
    start = datetime.date(2020, 1, 1)
    made = Event.objects.bulk_create(
        Event(
            title=f"Event number {i:04}",
            slug=f"big-event-{n}-{i}",
            kind="negotiation" if i % 3 else "statement",
            summary=f"Event {i}: {FILLER}.",
            date=start + datetime.timedelta(days=i // 2),
            date_precision="day",
            sequence=i % 2,
        )
        for i in range(events)
    )
    Event.citations.through.objects.bulk_create(
        Event.citations.through(event=event, citation=cites[(i + j) % passages])
        for i, event in enumerate(made)
        for j in range(2)
    )
    Event.parties.through.objects.bulk_create(
        Event.parties.through(event=event, party=union) for event in made
    )
    Event.sticking_points.through.objects.bulk_create(
        Event.sticking_points.through(event=event, stickingpoint=topics[0]) for event in made
    )
    demands = Demand.objects.bulk_create(
        Demand(
            sticking_point=topics[i % points],
            party=union,
            summary=f"Position {i}: {FILLER}.",
            order=i,
        )
        for i in range(positions)
    )
    Demand.citations.through.objects.bulk_create(
        Demand.citations.through(demand=demand, citation=cites[i % passages])
        for i, demand in enumerate(demands)
    )
    made_offers = Offer.objects.bulk_create(
        Offer(
            title=f"Offer {i}",
            slug=f"big-offer-{n}-{i}",
            party=employers,
            recipient=union,
            summary=f"Offer {i}: {FILLER}.",
            date=start + datetime.timedelta(days=i),
            date_precision="day",
            reception="rejected",
            reception_summary="Turned down.",
        )
        for i in range(offers)
    )
    Offer.citations.through.objects.bulk_create(
        Offer.citations.through(offer=offer, citation=cites[i % passages])
        for i, offer in enumerate(made_offers)
    )
    return {"union": union, "employers": employers, "source": source, "point": topics[0]}


@pytest.fixture
def big(db):
    return make_large_content()


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.content.decode()


def link(html, rel):
    found = re.search(rf'rel="{rel}" href="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def follow_pages(client, url, item_id):
    """Every item id on `url` and the pages its "next" links lead to, in order, and
    the addresses visited."""
    seen, visited = [], []
    while url:
        response, html = get(client, url)
        assert response.status_code == 200, url
        visited.append(url)
        seen += re.findall(rf'id="{item_id}-([\w-]+)"', html)
        next_url = link(html, "next")
        url = urljoin(url, next_url) if next_url else None
    return seen, visited


def test_every_page_stays_small_and_within_the_query_bound(
    client, big, django_assert_max_num_queries
):
    union, source, point = big["union"], big["source"], big["point"]
    urls = [
        reverse("home"),
        reverse("timeline"),
        reverse("timeline") + "?page=12",
        reverse("timeline") + f"?party={union.slug}&page=3",
        union.get_absolute_url(),
        big["employers"].get_absolute_url(),
        source.get_absolute_url(),
        source.get_absolute_url() + "?page=5",
        point.get_absolute_url(),
        reverse("search") + "?q=event",
        reverse("search") + "?q=passage",
    ] + [
        reverse("party_section", args=[slug.slug, section])
        for slug, section in [
            (union, "positions"),
            (union, "quotes"),
            (union, "reports"),
            (big["employers"], "offers"),
            (big["employers"], "members"),
        ]
    ]
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < MAX_PAGE_BYTES, (url, len(response.content))


def test_later_links_reach_every_event_once_and_keep_the_filters(client, big):
    union = big["union"]
    events, visited = follow_pages(client, reverse("timeline") + f"?party={union.slug}", "event")
    expected = list(
        Event.objects.filter(parties=union).order_by("date", "sequence", "title", "pk")
    )
    assert events == [e.slug for e in expected]
    assert len(visited) == 300 / TIMELINE_PAGE_SIZE
    assert all(f"party={union.slug}" in url for url in visited)


def test_earlier_links_lead_back_to_the_first_page(client, big):
    url = reverse("timeline") + "?kind=statement&page=4"
    pages = 0
    while url:
        response, html = get(client, url)
        assert response.status_code == 200
        assert "kind=statement" in url or pages == 0
        pages += 1
        previous = link(html, "prev")
        url = urljoin(url, previous) if previous else None
    assert pages == 4
    assert "Earlier events" not in html
    assert "selected>Statement</option>" in html  # the filter is still applied


def test_a_source_page_pages_its_passages_each_shown_once(client, big):
    source = big["source"]
    passages, visited = follow_pages(client, source.get_absolute_url(), "passage")
    assert passages == list(
        Citation.objects.filter(source=source).order_by("position").values_list("key", flat=True)
    )
    assert len(visited) == -(-240 // SOURCE_PAGE_SIZE)


@pytest.mark.parametrize(
    ("section", "item", "count"),
    [
        ("positions", r">(Position \d+):", 80),
        ("quotes", r'citation__passage"><p>“(Passage \d+) ', 120),
        ("reports", r'citation__passage--report"><p>“(Passage \d+) ', 120),
    ],
)
def test_a_party_list_in_full_is_paged_each_item_once(client, big, section, item, count):
    union = big["union"]
    _, html = get(client, union.get_absolute_url())
    url = reverse("party_section", args=[union.slug, section])
    assert f'href="{url}"' in html
    shown = []
    while url:
        response, html = get(client, url)
        assert response.status_code == 200
        shown += re.findall(item, html)
        next_url = link(html, "next")
        url = urljoin(url, next_url) if next_url else None
    assert len(shown) == len(set(shown)) == count


def test_the_party_page_shows_the_first_ten_of_each_list_and_links_to_the_rest(client, big):
    union = big["union"]
    _, html = get(client, union.get_absolute_url())
    assert html.count('class="event"') == PARTY_EVENTS
    assert html.count('class="position"') == PARTY_LIST_SIZE
    assert f'href="{reverse("timeline")}?party={union.slug}"' in html
    for section in ["positions", "quotes", "reports"]:
        assert reverse("party_section", args=[union.slug, section]) in html
    newest = Event.objects.order_by("-date", "-sequence").first()
    assert f'id="event-{newest.slug}"' in html


def test_a_sticking_point_shows_its_latest_events_and_links_to_the_rest(client, big):
    point = big["point"]
    _, html = get(client, point.get_absolute_url())
    assert html.count('class="event"') == POINT_EVENTS
    newest = Event.objects.order_by("-date", "-sequence").first()
    assert f'id="event-{newest.slug}"' in html
    assert f'href="{reverse("timeline")}?topic={point.slug}"' in html


def test_each_timeline_page_numbers_its_own_sources(client, big):
    _, html = get(client, reverse("timeline") + "?page=3")
    entries = re.findall(r'<li class="reference" id="page-3-ref-(\d+)" value="(\d+)"', html)
    assert [int(n) for n, _ in entries] == list(range(1, len(entries) + 1))
    assert all(n == value for n, value in entries)
    used = [int(n) for n in re.findall(r'class="marker" href="#page-3-ref-(\d+)"', html)]
    assert set(used) == set(range(1, len(entries) + 1))
    first_uses = list(dict.fromkeys(used))
    assert first_uses == sorted(first_uses)


def test_an_htmx_request_for_a_later_page_carries_that_page_and_its_links(client, big):
    response, html = get(client, reverse("timeline") + "?page=2", headers={"HX-Request": "true"})
    assert "<html" not in html
    assert 'id="timeline-page-2"' in html and 'id="timeline-pager"' in html
    assert link(html, "next") == "?page=3" and link(html, "prev") == "?"


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "²", "9" * 5000, " "])
def test_a_page_that_is_not_a_number_is_a_clear_400(client, big, value):
    for url in [
        reverse("timeline"),
        big["source"].get_absolute_url(),
        reverse("party_section", args=[big["union"].slug, "quotes"]),
    ]:
        response = client.get(url, {"page": value})
        if value == " ":
            assert response.status_code == 200  # empty: the first page
            continue
        assert response.status_code == 400, (url, value)
        assert "Page numbers are whole numbers, starting at 1." in response.content.decode()


def test_a_page_past_the_end_is_a_404_that_leads_to_the_last_page(client, big):
    response, html = get(
        client, reverse("timeline"), data={"page": "99999", "party": big["union"].slug}
    )
    assert response.status_code == 404
    last = 300 // TIMELINE_PAGE_SIZE
    assert f"There is no page 99999: these events fill {last} pages." in html
    assert f'href="?page={last}&amp;party={big["union"].slug}"' in html
    last = -(-240 // SOURCE_PAGE_SIZE)
    response, html = get(client, big["source"].get_absolute_url() + f"?page={last + 1}")
    assert response.status_code == 404
    assert f"these passages fill {last} pages" in html


def test_an_unknown_party_list_is_a_404(client, big):
    url = reverse("party_section", args=[big["union"].slug, "secrets"])
    assert client.get(url).status_code == 404


def test_an_event_address_leads_to_the_timeline_page_that_shows_it(client, big):
    event = Event.objects.order_by("date", "sequence", "title", "pk")[130]
    response = client.get(reverse("timeline_event", args=[event.slug]))
    assert response.status_code == 302
    page = 130 // TIMELINE_PAGE_SIZE + 1
    assert response["Location"] == f"{reverse('timeline')}?page={page}#event-{event.slug}"
    _, html = get(client, response["Location"].split("#")[0])
    assert f'id="event-{event.slug}"' in html


def test_a_passage_address_leads_to_the_source_page_that_shows_it(client, big):
    source = big["source"]
    citation = Citation.objects.filter(source=source).order_by("position")[120]
    response = client.get(reverse("source_passage", args=[source.slug, citation.key]))
    page = 120 // SOURCE_PAGE_SIZE + 1
    assert (
        response["Location"] == f"{source.get_absolute_url()}?page={page}#passage-{citation.key}"
    )
    _, html = get(client, response["Location"].split("#")[0])
    assert f'id="passage-{citation.key}"' in html


def test_the_home_page_lists_a_hundred_sticking_points_under_the_size_bound(client, db):
    for _ in range(100):
        make_sticking_point(short_answer=f"A short answer: {FILLER}.")
    response, html = get(client, reverse("home"))
    assert html.count('class="card"') == 100
    assert len(response.content) < MAX_PAGE_BYTES
