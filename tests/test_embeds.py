import html as html_module
import json
import logging
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from explainer.models import Demand, StickingPoint
from tests.conftest import make_sticking_point

AI = "artificial-intelligence"


def card(client, slug=AI, **params):
    return client.get(reverse("embed_card", args=[slug]), params)


def oembed(client, **params):
    return client.get(reverse("oembed"), params)


def page_url(slug=AI):
    return f"http://testserver/points/{slug}/"


class TestCard:
    def test_shows_question_answer_sides_standing_sources_link_and_update(self, client, seeded):
        point = StickingPoint.objects.get(slug=AI)
        html = card(client).content.decode()
        assert point.question in html
        assert point.short_answer.replace("'", "&#x27;") in html
        assert "<dt>WGA</dt>" in html and "<dt>AMPTP</dt>" in html
        assert "Where it stands: <strong>Offer made, rejected</strong>" in html
        assert "<cite>Hollywood is heading for a shutdown.</cite> (unsigned" in html
        assert f'href="{page_url()}" target="_top"' in html
        assert re.search(r"Last revised <time datetime=\"[^\"]+\">", html)

    def test_may_be_framed_by_any_site(self, client, seeded):
        response = card(client)
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert not response.has_header("X-Frame-Options")

    def test_other_pages_refuse_framing(self, client, seeded):
        for url in [reverse("sticking_point_detail", args=[AI]), reverse("oembed")]:
            response = client.get(url, {"url": page_url()})
            assert response["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"]

    def test_sets_no_cookie_even_for_a_logged_in_editor(self, client, editor_client, seeded):
        for visitor in [client, editor_client]:
            response = card(visitor)
            assert not response.cookies
            assert "Cookie" not in response.get("Vary", "")

    def test_loads_nothing_from_other_origins(self, client, seeded):
        html = card(client).content.decode()
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith("/") or url.startswith("http://testserver/"), url

    def test_works_without_javascript(self, client, seeded):
        html = card(client).content.decode()
        question = StickingPoint.objects.get(slug=AI).question
        # The content is in the HTML itself, not fetched by a script.
        assert re.search(rf"<h1[^>]*>{re.escape(question)}</h1>", html)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)

    @pytest.mark.parametrize(
        ("params", "theme", "variant"),
        [
            ({}, "auto", "full"),
            ({"theme": "dark"}, "dark", "full"),
            ({"theme": "light", "variant": "compact"}, "light", "compact"),
            ({"theme": "neon", "variant": "huge"}, "auto", "full"),
            ({"theme": "<script>"}, "auto", "full"),
        ],
    )
    def test_options_and_invalid_values_fall_back(self, client, seeded, params, theme, variant):
        response = card(client, **params)
        assert response.status_code == 200
        assert f'class="theme-{theme} variant-{variant}"' in response.content.decode()

    def test_compact_card_leaves_out_the_sides(self, client, seeded):
        html = card(client, variant="compact").content.decode()
        assert "<dt>WGA</dt>" not in html
        assert "Where it stands" in html

    def test_draft_and_unknown_points_have_no_embed(self, client, editor_client, db):
        draft = make_sticking_point(publication="draft")
        assert card(client, draft.slug).status_code == 404
        assert card(editor_client, draft.slug).status_code == 404
        assert card(client, "no-such-point").status_code == 404

    def test_a_missing_card_says_so_inside_the_host_page(self, client, db):
        response = card(client, "withdrawn-point")
        assert response.status_code == 404
        assert "This explainer card is not available" in response.content.decode()
        assert 'class="theme-auto variant-full"' in response.content.decode()
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        assert not response.has_header("X-Frame-Options")

    def test_sources_include_those_cited_only_in_the_explanation(self, client, seeded):
        point = StickingPoint.objects.get(slug="minimum-staffing")
        html = card(client, point.slug).content.decode()
        assert "<cite>Hollywood&#x27;s Drama Continues" in html

    def test_queries_are_bounded(self, client, seeded, django_assert_max_num_queries):
        # The point, its positions with their passages, the sides, the latest note.
        with django_assert_max_num_queries(7):
            assert card(client).status_code == 200


class TestCardCaching:
    def test_is_cacheable_and_answers_conditional_requests(self, client, seeded):
        first = card(client)
        assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
        again = client.get(
            reverse("embed_card", args=[AI]), headers={"If-None-Match": first["ETag"]}
        )
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == "public, max-age=0, s-maxage=60"

    def test_etag_changes_when_that_points_content_changes(self, client, seeded):
        before = card(client)["ETag"]
        demand = Demand.objects.filter(sticking_point__slug=AI).first()
        demand.summary = "A revised position."
        demand.save()
        after = card(client)
        assert after["ETag"] != before
        assert "A revised position." in after.content.decode()

    @pytest.mark.parametrize("change", ["party_name", "source_title", "standing", "question"])
    def test_etag_changes_when_anything_on_the_card_changes(self, client, seeded, change):
        from explainer.models import Party, Source

        before = card(client)["ETag"]
        point = StickingPoint.objects.get(slug=AI)
        if change == "party_name":
            party = Party.objects.get(short_name="AMPTP")
            party.short_name = "The AMPTP"
            party.save()
        elif change == "source_title":
            source = Source.objects.get(slug="hollywood-heading-for-shutdown")
            source.title = "A retitled article"
            source.save()
        else:
            point.standing = "agreed" if change == "standing" else point.standing
            point.question = "Renamed?" if change == "question" else point.question
            point.save()
        assert card(client)["ETag"] != before

    def test_etag_differs_between_options(self, client, seeded):
        assert card(client)["ETag"] != card(client, theme="dark")["ETag"]

    def test_unpublishing_makes_a_cached_card_404(self, client, seeded):
        etag = card(client)["ETag"]
        point = StickingPoint.objects.get(slug=AI)
        point.publication = "draft"
        point.save()
        response = client.get(reverse("embed_card", args=[AI]), headers={"If-None-Match": etag})
        assert response.status_code == 404


class TestOEmbed:
    def test_rich_response_has_every_required_field(self, client, seeded):
        response = oembed(client, url=page_url(), format="json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        for field in ["version", "type", "html", "width", "height"]:
            assert field in data, field
        assert data["version"] == "1.0" and data["type"] == "rich"
        assert isinstance(data["width"], int) and isinstance(data["height"], int)
        assert data["title"] == StickingPoint.objects.get(slug=AI).question
        assert data["provider_name"] == "Strike Explainer"
        assert 'src="http://testserver/embed/points/artificial-intelligence/"' in data["html"]
        assert 'title="What is the fight over AI? (Strike Explainer)"' in data["html"]
        assert 'loading="lazy"' in data["html"]

    def test_honours_maxwidth_and_maxheight(self, client, seeded):
        data = oembed(client, url=page_url(), maxwidth="320", maxheight="200").json()
        assert data["width"] <= 320 and data["height"] <= 200
        assert 'width="320"' in data["html"] and 'height="200"' in data["html"]

    def test_a_page_url_without_its_trailing_slash_is_the_same_page(self, client, seeded):
        with_slash = oembed(client, url=page_url())
        without = oembed(client, url=page_url().rstrip("/"))
        assert without.status_code == 200
        assert without.json() == with_slash.json()
        card_without = oembed(client, url="http://testserver/embed/points/artificial-intelligence")
        assert card_without.status_code == 200

    def test_without_maxwidth_the_snippet_fits_any_column_with_no_inline_style(
        self, client, seeded
    ):
        html = oembed(client, url=page_url()).json()["html"]
        assert 'width="100%"' in html and 'data-max-width="560"' in html
        assert "style=" not in html

    def test_maxheight_caps_the_self_sizing_iframe(self, client, seeded):
        data = oembed(client, url=page_url(), maxheight="300").json()
        assert data["height"] == 300
        assert 'data-max-height="300"' in data["html"]

    def test_a_large_maxwidth_is_clamped_to_the_card_width(self, client, seeded):
        data = oembed(client, url=page_url(), maxwidth="10000").json()
        assert data["width"] == 560

    @pytest.mark.parametrize(
        "url",
        [
            "http://TESTSERVER/points/artificial-intelligence/",
            "http://testserver:80/points/artificial-intelligence/",
        ],
    )
    def test_equivalent_spellings_of_our_address_are_accepted(self, client, seeded, url):
        assert oembed(client, url=url).status_code == 200

    def test_the_canonical_site_url_is_used_and_accepted(self, client, seeded, settings):
        settings.SITE_URL = "https://explainer.example"
        url = "https://explainer.example/points/artificial-intelligence/"
        data = oembed(client, url=url).json()
        assert (
            'src="https://explainer.example/embed/points/artificial-intelligence/"'
            in (data["html"])
        )
        assert 'src="https://explainer.example/static/embed/v1/embed.js"' in data["html"]

    def test_errors_are_readable_by_browser_consumers(self, client, seeded):
        response = oembed(client, url="http://elsewhere.example/")
        assert response.status_code == 404
        assert response["Access-Control-Allow-Origin"] == "*"

    def test_the_card_url_and_its_options_are_embeddable_too(self, client, seeded):
        url = f"http://testserver/embed/points/{AI}/?variant=compact&theme=dark"
        data = oembed(client, url=url).json()
        assert "variant=compact" in data["html"] and "theme=dark" in data["html"]

    @pytest.mark.parametrize(
        "url",
        [
            "http://elsewhere.example/points/artificial-intelligence/",
            "http://testserver/points/no-such-point/",
            "http://testserver/timeline/",
            "http://testserver/no/such/page/",
            "javascript:alert(1)",
            "http://testserver@elsewhere.example/points/artificial-intelligence/",
            "http://user@testserver/points/artificial-intelligence/",
            "http://testserver:99999/points/artificial-intelligence/",
            # Addresses Python's URL parser refuses outright.
            "http://[",
            "http://[::1/points/artificial-intelligence/",
            "http://testserver\uff03/points/artificial-intelligence/",  # fullwidth #
            "http://testserver\uff0fpoints/artificial-intelligence/",  # fullwidth /
            "http://example.com\uff03/points/x/",
        ],
    )
    def test_urls_that_are_not_our_sticking_points_are_404(self, client, seeded, url):
        response = oembed(client, url=url)
        assert response.status_code == 404
        assert "error" in response.json()

    def test_a_draft_is_not_embeddable(self, client, db):
        draft = make_sticking_point(publication="draft")
        assert oembed(client, url=page_url(draft.slug)).status_code == 404

    def test_unsupported_formats_are_501(self, client, seeded):
        assert oembed(client, url=page_url(), format="xml").status_code == 501

    def test_an_unsupported_format_is_not_logged_as_a_server_error(self, client, seeded, caplog):
        with caplog.at_level(logging.INFO, logger="django.request"):
            response = oembed(client, url=page_url(), format="xml")
        assert response.status_code == 501
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
        assert any(r.name == "django.request" for r in caplog.records)  # still recorded

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"url": ""},
            {"maxwidth": "wide"},
            {"maxheight": "-5"},
            {"maxwidth": "0"},
            {"maxwidth": "10001"},
            {"maxheight": "9" * 5000},
            {"maxwidth": "\u0663\u0660\u0660"},  # 300 in Arabic-Indic digits
            {"maxheight": "\uff13\uff10\uff10"},  # 300 in fullwidth digits
            {"maxwidth": "+300"},
            {"maxwidth": " 300"},
        ],
    )
    def test_malformed_requests_are_400_with_a_message(self, client, seeded, params):
        response = oembed(client, **{"url": page_url(), **params} if params else {})
        assert response.status_code == 400
        assert response.json()["error"]

    @pytest.mark.parametrize("name", ["maxwidth", "maxheight"])
    def test_an_out_of_range_size_says_which_sizes_are_accepted(self, client, seeded, name):
        response = oembed(client, url=page_url(), **{name: "20000"})
        assert response.status_code == 400
        assert response.json()["error"] == (
            f"{name} must be a whole number of pixels from 1 to 10000."
        )


class LinkFinder(HTMLParser):
    """What an oEmbed consumer does with a page: look for the discovery link."""

    def __init__(self):
        super().__init__()
        self.endpoint = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("type") == "application/json+oembed":
            self.endpoint = attrs["href"]


def test_every_sticking_point_page_has_a_discovery_link_that_works(client, seeded):
    for point in StickingPoint.objects.published():
        finder = LinkFinder()
        finder.feed(client.get(point.get_absolute_url()).content.decode())
        assert finder.endpoint, point.slug
        data = client.get(finder.endpoint.removeprefix("http://testserver")).json()
        assert data["title"] == point.question


def test_sticking_point_page_offers_the_snippet_as_selectable_text(client, seeded):
    html = client.get(reverse("sticking_point_detail", args=[AI])).content.decode()
    snippet = re.search(r'<textarea[^>]*id="embed-snippet"[^>]*>(.*?)</textarea>', html, re.S)
    assert snippet
    text = snippet.group(1)
    assert "&lt;iframe" in text  # escaped: shown as code, not rendered
    assert "/embed/points/artificial-intelligence/" in text
    assert "/static/embed/v1/embed.js" in text
    # A host page's CSP may refuse inline styles: the snippet needs none to fit.
    assert "style=" not in text and 'width="100%"' in html_module.unescape(text)
    assert re.search(r"<button[^>]*data-copy=\"embed-snippet\"[^>]*hidden", html)


@pytest.mark.django_db(transaction=True)
def test_a_real_consumer_library_embeds_a_page(live_server):
    """micawber, given our endpoint as found on the page, turns a link into the card."""
    from urllib.request import urlopen

    from micawber import Provider, ProviderRegistry

    call_command("load_seed", verbosity=0)
    url = f"{live_server.url}/points/{AI}/"
    finder = LinkFinder()
    finder.feed(urlopen(url, timeout=10).read().decode())  # noqa: S310 - our live server
    endpoint = finder.endpoint.split("?")[0]

    registry = ProviderRegistry()
    registry.register(re.escape(live_server.url) + r"/points/\S+", Provider(endpoint))
    data = registry.request(url, maxwidth=400)
    assert data["type"] == "rich" and data["width"] <= 400
    assert data["title"] == StickingPoint.objects.get(slug=AI).question

    text = registry.parse_text(f"Read this:\n{url}\n")
    assert f'<iframe src="{live_server.url}/embed/points/{AI}/"' in text
    assert json.dumps(data)  # a plain JSON object
