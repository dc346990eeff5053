"""Offers compared: on each sticking point, and across the whole dispute."""

import pytest
from django.urls import reverse

from tests.conftest import make_bulk_content

pytestmark = pytest.mark.django_db


def section(html, start, end):
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


class TestOnAStickingPoint:
    def test_sets_each_sides_ask_then_each_offer_in_date_order(self, client, seeded):
        html = client.get("/points/streaming-residuals/").content.decode()
        compare = section(html, 'id="offers-title"', 'id="events-title"')
        asked = compare.index("What each side asks")
        before = compare.index("proposal before the strike</h3>")
        august = compare.index("counteroffer, reported in August 2023</h3>")
        assert asked < before < august
        assert compare.count(">Rejected</span>") == 2
        assert "The first offer on this point that the sources report." in compare
        assert "Neither source gives figures" in compare  # the editor's comparison
        assert 'class="marker" href="#ref-' in compare

    def test_names_earlier_offers_that_left_the_point_out(self, client, seeded):
        html = client.get("/points/minimum-staffing/").content.decode()
        compare = section(html, 'id="offers-title"', 'id="events-title"')
        assert "They report none on it in what came before: The AMPTP" in compare

    def test_says_when_the_sources_report_no_offer(self, client, seeded):
        html = client.get("/points/term-of-employment/").content.decode()
        assert "The sources report no offer on this point." in html


class TestTheDisputeTable:
    def test_is_a_table_with_row_and_column_headers(self, client, seeded):
        response = client.get(reverse("offers_compared"))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<th scope="col">What the WGA asks</th>' in html
        assert '<th scope="col">What the AMPTP asks</th>' in html
        assert html.count('<th scope="col" id="offer-') == 2
        assert html.count('<th scope="row" class="matrix__point">') == 8
        assert '<th scope="row">How each offer was received</th>' in html

    def test_every_cell_links_to_its_passages(self, client, seeded):
        html = client.get(reverse("offers_compared")).content.decode()
        cells = html.split("<td ")[1:]
        cited = [cell for cell in cells if 'class="marker"' in cell]
        empty = [cell for cell in cells if "matrix__none" in cell or "matrix__blank" in cell]
        assert len(cited) + len(empty) == len(cells)
        numbers = {int(n) for n in __import__("re").findall(r'href="#ref-(\d+)"', html)}
        for number in numbers:
            assert f'id="ref-{number}"' in html

    def test_points_without_an_offer_say_so(self, client, seeded):
        html = client.get(reverse("offers_compared")).content.decode()
        row = section(html, ">Term of employment</a>", "</tr>")
        assert "The sources report no offer on this point." in row
        assert "Not in this offer, as reported." in row

    def test_is_linked_from_the_home_page_and_the_navigation(self, client, seeded):
        html = client.get("/").content.decode()
        assert '<a class="site-nav__link" href="/offers/"' in html
        main = section(html, 'id="main"', 'class="site-footer"')
        assert 'href="/offers/"' in main

    def test_queries_do_not_grow_with_the_content(self, client, django_assert_max_num_queries):
        make_bulk_content(30)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("offers_compared")).status_code == 200

    def test_drafts_stay_out(self, client, seeded):
        from explainer.models import StickingPoint

        StickingPoint.objects.filter(slug="streaming-data").update(publication="draft")
        html = client.get(reverse("offers_compared")).content.decode()
        assert "Streaming data" not in html
