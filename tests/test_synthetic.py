"""The synthetic benchmark content: it is as valid as content editors make, at any scale."""

import pytest
from django.core.management import CommandError, call_command

from explainer import citations, synthetic
from explainer.models import (
    Citation,
    Demand,
    Event,
    Offer,
    OfferTerm,
    Party,
    Source,
    StickingPoint,
)

SCALE = 1 / 20


@pytest.fixture
def content(db):
    call_command("make_bench_content", scale=SCALE, verbosity=0)


def test_counts_scale_with_the_requested_fraction(content):
    assert StickingPoint.objects.published().count() == 100 * SCALE
    assert Event.objects.count() == 5000 * SCALE
    assert Source.objects.count() == 1000 * SCALE
    assert Citation.objects.count() == 20000 * SCALE
    assert set(Party.objects.sides().values_list("short_name", flat=True)) == {"WGA", "AMPTP"}


def test_every_citation_verifies_where_it_was_placed(content):
    assert Citation.objects.verified().count() == Citation.objects.count()
    for citation in Citation.objects.verified():
        assert citation.printed == citation.passage
    for citation in Citation.objects.select_related("source"):
        span = citations.locate_span(citation.passage, citation.source.text)
        assert span == (citation.position, citation.position + citation.length), citation.key


def test_every_marker_resolves_and_is_kept_as_a_link(content):
    for owner in [*StickingPoint.objects.all(), *Party.objects.exclude(description="")]:
        prose = owner.explanation if isinstance(owner, StickingPoint) else owner.description
        keys = citations.find_markers(prose)
        assert keys, owner
        assert Citation.objects.marker_errors(prose) == []
        assert set(owner.cited.values_list("key", flat=True)) == set(keys)


def test_saving_a_point_derives_what_was_stored(content):
    point = StickingPoint.objects.first()
    stored_html, stored_links = point.explanation_html, set(point.cited.all())
    point.save()
    point.refresh_from_db()
    assert point.explanation_html == stored_html
    assert set(point.cited.all()) == stored_links


def test_content_passes_the_checks_editors_face(content):
    """Each object as the admin would check it: our own words, markers, quotes that the
    source prints as quotes, and positions attributed as their passages bear out."""
    for point in StickingPoint.objects.all():
        point.full_clean()
    for party in Party.objects.all():
        party.full_clean()
    for citation in Citation.objects.select_related("source")[:200]:
        citation.full_clean()
    for model in (Demand, Offer, OfferTerm, Event):
        for item in model.objects.all()[:50]:
            item.full_clean()
            assert item.citations.exists()
    for demand in Demand.objects.prefetch_related("citations"):
        assert demand.attribution_error(list(demand.citations.all())) is None, demand.pk


def test_every_point_has_both_sides_an_offer_term_and_events(content):
    for point in StickingPoint.objects.all():
        sides = set(point.demands.values_list("party__short_name", flat=True))
        assert sides == {"WGA", "AMPTP"}
        assert point.offer_terms.exists()
        assert point.events.exists()


def test_a_reader_sees_a_point_with_its_sources(content, client):
    point = StickingPoint.objects.first()
    cited = point.cited.first()
    response = client.get(point.get_absolute_url())
    assert response.status_code == 200
    assert cited.passage in response.text
    assert point.question in response.text


def test_refuses_a_database_that_has_content(content):
    with pytest.raises(CommandError, match="already has content"):
        call_command("make_bench_content", scale=SCALE, verbosity=0)


def test_scale_counts_round_and_never_reach_zero():
    tiny = synthetic.Counts.at(0.0001)
    assert (tiny.points, tiny.sources, tiny.events) == (2, 2, 1)
    assert synthetic.Counts.at(1).citations == 20000
