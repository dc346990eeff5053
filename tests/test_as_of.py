"""Every account states the date it runs to: the newest publication date among the
sources it rests on, apart from when an editor last revised it."""

import datetime

import pytest
from django.urls import reverse

from explainer.models import Demand, Event, StickingPoint
from tests.conftest import make_citation, make_party, make_source, make_sticking_point


@pytest.fixture
def point(db):
    may = make_source(
        text="Talks failed in May.",
        published_on=datetime.date(2023, 5, 1),
        published_precision="month",
        date_inferred=True,
    )
    august = make_source(text="A counteroffer came in August.", published_on=None)
    explained = make_citation(source=may, passage="Talks failed in May.")
    point = make_sticking_point(slug="pay", explanation=f"Talks failed.[^{explained.key}]")
    union = make_party(kind="union", short_name="WGA")
    demand = Demand.objects.create(sticking_point=point, party=union, summary="More pay.")
    demand.citations.add(make_citation(source=august, passage="A counteroffer came in August."))
    return point


def cite_in_an_event(point):
    """Tie `point` to an event that cites a source of September 2, 2023."""
    later = make_source(text="Talks resumed.", published_on=datetime.date(2023, 9, 2))
    event = Event.objects.create(
        title="Talks",
        slug="talks",
        kind="negotiation",
        summary="s",
        date=datetime.date(2023, 9, 1),
        date_precision="month",
    )
    event.citations.add(make_citation(source=later, passage="Talks resumed."))
    event.sticking_points.add(point)


def as_of(point):
    return str(StickingPoint.objects.with_as_of().get(pk=point.pk).as_of)


def test_a_month_dated_source_gives_a_month(point):
    assert as_of(point) == "May 2023"


def test_the_newest_source_among_everything_the_point_rests_on_wins(point):
    august = point.demands.get().citations.get().source
    august.published_on = datetime.date(2023, 8, 28)
    august.save()
    assert as_of(point) == "August 28, 2023"


def test_a_source_cited_only_by_an_event_of_the_point_counts(point):
    cite_in_an_event(point)
    assert as_of(point) == "September 2, 2023"


def test_a_passage_that_no_longer_verifies_does_not_count(point):
    later = make_source(text="Talks resumed.", published_on=datetime.date(2023, 9, 2))
    citation = make_citation(source=later, passage="Talks resumed.")
    point.demands.get().citations.add(citation)
    later.text = "Something else."
    later.save()
    from explainer import citations

    citations.recheck(source=later)
    assert as_of(point) == "May 2023"


def test_editing_the_point_changes_its_revision_date_not_its_as_of(point, client):
    StickingPoint.objects.filter(pk=point.pk).update(
        updated_at=datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)
    )
    html = client.get(point.get_absolute_url()).content.decode()
    assert 'as of <time datetime="2023-05">May 2023</time>' in html
    assert 'Last revised <time datetime="2026-11-25">November 25, 2026</time>' in html


class TestEverySurfaceStatesIt:
    def test_home_where_things_stand(self, client, point):
        html = client.get(reverse("home")).content.decode()
        assert 'Where things stand, as of <time datetime="2023-05">May 2023</time>' in html

    def test_home_cards(self, client, point):
        html = client.get(reverse("home")).content.decode()
        card = html.split('class="card-grid"')[1]
        assert "as of <time" in card

    def test_sticking_point_status(self, client, point):
        html = client.get(point.get_absolute_url()).content.decode()
        meta = html.split('class="point__meta"')[1].split("</p>")[0]
        assert "as of" in meta and "May 2023" in meta

    def test_embed_card(self, client, point):
        html = client.get(reverse("embed_card", args=[point.slug])).content.decode()
        status = html.split('class="card__status"')[1].split("</p>")[0]
        assert 'as of <time datetime="2023-05">May 2023</time>' in status

    def test_oembed(self, client, point):
        url = "http://testserver" + point.get_absolute_url()
        data = client.get(reverse("oembed"), {"url": url}).json()
        assert data["as_of"] == "2023-05"
        assert data["as_of_text"] == "as of May 2023"

    def test_the_card_etag_changes_when_the_as_of_date_does(self, client, point):
        url = reverse("embed_card", args=[point.slug])
        before = client.get(url)["ETag"]
        cite_in_an_event(point)
        assert client.get(url)["ETag"] != before


def test_an_undated_source_says_what_is_known(client, db):
    source = make_source(text="Talks failed.", published_on=None)
    html = client.get(source.get_absolute_url()).content.decode()
    assert "undated" in html


@pytest.mark.parametrize("path", ["term", "offer", "reception"])
def test_sources_behind_offers_on_the_point_count(point, path):
    from explainer.models import Offer, OfferTerm

    later = make_source(text="An offer was rejected.", published_on=datetime.date(2023, 9, 9))
    citation = make_citation(source=later, passage="An offer was rejected.")
    union = point.demands.get().party
    offer = Offer.objects.create(
        title="Offer",
        slug="offer",
        party=make_party(kind="employers"),
        recipient=union,
        summary="s",
        date=datetime.date(2023, 9, 1),
        date_precision="month",
    )
    term = OfferTerm.objects.create(offer=offer, sticking_point=point, summary="t")
    {"term": term.citations, "offer": offer.citations, "reception": offer.reception_citations}[
        path
    ].add(citation)
    assert as_of(point) == "September 9, 2023"
