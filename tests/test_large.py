"""Every public page on the benchmark's large content set (100 sticking points, 5,000
events, 1,000 sources, 20,000 citations): within the query bound, under 100 KB of HTML,
and served from the cache once rendered."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from explainer.models import Citation, Party, Source, StickingPoint
from tests.test_search import MAX_SEARCH_QUERIES
from tests.test_views import MAX_QUERIES

MAX_BYTES = 100 * 1024


@pytest.fixture
def large(db):
    call_command("make_bench_content", verbosity=0)


def public_pages():
    point = StickingPoint.objects.published()[50]
    party = Party.objects.sides().first()
    source = Source.objects.order_by("pk")[500]
    citation = Citation.objects.filter(source=source).first()
    return [
        reverse("home"),
        point.get_absolute_url(),
        reverse("timeline"),
        reverse("timeline") + "?page=100",
        reverse("timeline") + f"?topic={point.slug}",
        party.get_absolute_url(),
        reverse("party_section", args=[party.slug, "reports"]) + "?page=3",
        source.get_absolute_url(),
        reverse("search") + "?q=hold+firm",
        reverse("citation_detail", args=[citation.key]),
        reverse("glossary"),
        reverse("embed_card", args=[point.slug]),
        reverse("oembed") + f"?url=http://testserver{point.get_absolute_url()}",
    ]


def test_pages_are_bounded_on_the_large_set(client, large, django_assert_max_num_queries):
    for url in public_pages():
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < MAX_BYTES, (url, len(response.content))
        with django_assert_max_num_queries(0):
            assert client.get(url).content == response.content, url
    # Search (in the same test: the large set takes a while to make): thousands of
    # matches, closest matches, none, within the same bound as on the seed.
    for q in ["firm hold", "writers pay", "placeholder event", "zzzz"]:
        with django_assert_max_num_queries(MAX_SEARCH_QUERIES):
            response = client.get(reverse("search"), {"q": q})
        assert response.status_code == 200
        assert len(response.context["results"].items) <= 20
