import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from explainer.models import Citation, Party, Source, StickingPoint
from tests.conftest import make_bulk_content, make_party, make_sticking_point

MAX_QUERIES = 14


def page_urls(point_slug, party_slug, source_slug, citation_key):
    return [
        reverse("home"),
        reverse("sticking_point_detail", args=[point_slug]),
        reverse("timeline"),
        reverse("party_detail", args=[party_slug]),
        reverse("source_detail", args=[source_slug]),
        reverse("search") + "?q=streaming",
        reverse("citation_detail", args=[citation_key]),
    ]


def seed_urls():
    return page_urls("artificial-intelligence", "amptp", Source.objects.first().slug, "wga-cave")


def test_every_page_renders_the_seed_within_the_query_bound(
    client, seeded, django_assert_max_num_queries
):
    for url in seed_urls():
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url


def test_the_query_bound_holds_with_ten_times_the_content(
    client, seeded, django_assert_max_num_queries
):
    bulk = make_bulk_content(StickingPoint.objects.count() * 10)
    point = bulk["points"][0]
    urls = page_urls(
        point.slug, bulk["employers"].slug, bulk["source"].slug, Citation.objects.last().key
    ) + [reverse("party_detail", args=[bulk["member"].slug])]
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url
    home = client.get(reverse("home")).content.decode()
    assert home.count('<article class="card">') == 88


@pytest.mark.parametrize(
    "url",
    [
        "/points/no-such-point/",
        "/parties/no-such-party/",
        "/sources/no-such-source/",
        "/citations/no-such-citation/",
        "/no-such-page/",
    ],
)
def test_unknown_addresses_are_404_with_a_helpful_page(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("party=nobody", "There is no party with that name."),
        ("topic=unicorns", "There is no sticking point with that name."),
        ("kind=%00weird", "is not a kind of event"),
        ("party=" + "x" * 5000, "There is no party with that name."),
    ],
)
def test_a_malformed_timeline_filter_is_a_clear_400(client, seeded, query, message):
    response = client.get(reverse("timeline") + "?" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_oversized_search_is_a_clear_400(client, seeded):
    response = client.get(reverse("search"), {"q": "strike " * 100})
    assert response.status_code == 400
    assert "Search for at most 200 characters." in response.content.decode()


def test_a_null_byte_in_search_is_a_clear_400(client, seeded):
    response = client.get(reverse("search"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize(
    "q", ["-" * 40 + " strike", "!" * 60 + "a", "((((((((((((x", "a & | ! <-> b", "-(-(-("]
)
def test_runs_of_search_operators_never_fail(client, seeded, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert "Try a few plain words" in response.content.decode()


@pytest.mark.parametrize("q", ["' OR 1=1 --", "&&&", "!!!", ")(", "AI"])
def test_odd_search_text_never_fails(client, seeded, q):
    assert client.get(reverse("search"), {"q": q}).status_code == 200


def test_timeline_filters_by_party_topic_and_kind(client, seeded):
    response = client.get(
        reverse("timeline"), {"party": "amptp", "topic": "artificial-intelligence"}
    )
    events = response.context["events"]
    assert events
    for event in events:
        assert event.parties.filter(slug="amptp").exists()
        assert event.sticking_points.filter(slug="artificial-intelligence").exists()
    only_offers = client.get(reverse("timeline"), {"kind": "offer"}).context["events"]
    assert only_offers and {e.kind for e in only_offers} == {"offer"}


def test_timeline_shows_dates_at_their_precision(client, seeded):
    html = client.get(reverse("timeline")).content.decode()
    assert '<time class="event__date" datetime="2023-05">May 2023</time>' in html
    assert '<time class="event__date" datetime="2007">2007</time>' in html
    dates = re.findall(r'class="event__date" datetime="([\d-]+)"', html)
    assert dates == sorted(dates)


def test_search_finds_a_quoted_passage(client, seeded):
    response = client.get(reverse("search"), {"q": "woefully inadequate"})
    passages = [r.citation for r in response.context["results"].items if r.citation]
    assert any("woefully inadequate" in c.printed for c in passages)


def test_a_citation_used_twice_is_listed_once_and_numbered_in_reading_order(client, seeded):
    response = client.get(reverse("sticking_point_detail", args=["minimum-staffing"]))
    html = response.content.decode()
    entries = re.findall(r'<li class="reference" id="ref-(\d+)"', html)
    assert entries == [str(n) for n in range(1, len(entries) + 1)]
    references = list(response.context["references"])
    assert len({c.key for c in references}) == len(references)
    used = re.findall(r'class="marker" href="#ref-(\d+)"', html)
    assert len(used) > len(entries)  # some passages are cited more than once
    first_uses = list(dict.fromkeys(int(n) for n in used))
    assert first_uses == sorted(first_uses)


def test_reference_entries_show_passage_speaker_and_source(client, seeded):
    html = client.get(reverse("sticking_point_detail", args=["streaming-residuals"])).content
    html = html.decode()
    assert "Quote from</span> <a" in html and "Zack Stentz</a>, in" in html
    assert "Reporter’s account</span>" in html
    assert "<cite>Hollywood is heading for a shutdown.</cite></a> (unsigned" in html
    assert "August 28, 2023" in html


def test_source_page_lists_passages_and_where_they_are_used_but_not_the_text(client, seeded):
    source = Source.objects.get(slug="hollywoods-drama-continues")
    html = client.get(reverse("source_detail", args=[source.slug])).content.decode()
    assert "Cited in:" in html
    assert "User Comments" not in html  # part of the archived text, never cited
    assert source.citations.count() == html.count('class="passage"')


def test_party_page_shows_members_demands_and_quotes(client, seeded):
    html = client.get(reverse("party_detail", args=["amptp"])).content.decode()
    assert "Netflix" in html and "Its positions" in html and "In their words" in html
    stentz = client.get(reverse("party_detail", args=["zack-stentz"])).content.decode()
    assert "Writers Guild of America" in stentz and "In their words" in stentz


def test_references_follow_the_order_the_page_shows_claims_in(client, db):
    """Positions are shown grouped by party, so numbering follows the grouping."""
    from explainer.models import Demand
    from tests.conftest import make_citation, make_party

    point = make_sticking_point(explanation="Intro.")
    union = make_party(name="Union", kind="union")
    employers = make_party(name="Employers", kind="employers")
    for party in [union, employers, union]:
        Demand.objects.create(sticking_point=point, party=party, summary="d").citations.add(
            make_citation()
        )
    html = client.get(point.get_absolute_url()).content.decode()
    used = [int(n) for n in re.findall(r'class="marker" href="#ref-(\d+)"', html)]
    assert list(dict.fromkeys(used)) == [1, 2, 3]  # in the order first met


class TestDrafts:
    @pytest.fixture
    def draft(self, db):
        return make_sticking_point(publication="draft", question="Secret draft question?")

    def test_a_draft_is_404_for_the_public(self, client, draft):
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert "Secret draft question?" not in client.get(reverse("home")).content.decode()
        found = client.get(reverse("search"), {"q": "Secret draft"}).context["results"]
        assert all(result.kind != "point" for result in found.items)

    def test_draft_titles_do_not_leak_through_party_and_source_pages(self, client, db):
        from explainer.models import Demand
        from tests.conftest import make_citation, make_party

        citation = make_citation()
        party = make_party()
        draft = make_sticking_point(
            publication="draft", title="Hidden topic", explanation=f"x[^{citation.key}]"
        )
        Demand.objects.create(sticking_point=draft, party=party, summary="Secret demand")
        party_page = client.get(party.get_absolute_url()).content.decode()
        source_page = client.get(citation.source.get_absolute_url()).content.decode()
        for html in [party_page, source_page]:
            assert "Hidden topic" not in html and "Secret demand" not in html

    def test_public_pages_show_editors_what_readers_see(self, editor_client, draft):
        from explainer.models import Demand
        from tests.conftest import make_party

        party = make_party()
        Demand.objects.create(sticking_point=draft, party=party, summary="Draft demand")
        reader = Client().get(party.get_absolute_url())
        editor = editor_client.get(party.get_absolute_url())
        assert "Draft demand" not in editor.content.decode()
        assert editor.content == reader.content
        assert editor_client.get(draft.get_absolute_url()).status_code == 404

    def test_an_editor_previews_a_draft_marked_as_such_and_uncached(self, editor_client, draft):
        response = editor_client.get(reverse("preview_sticking_point", args=[draft.slug]))
        assert response.status_code == 200
        assert "Draft preview." in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        home = editor_client.get(reverse("preview_home"))
        assert "Secret draft question?" in home.content.decode()
        assert "no-store" in home["Cache-Control"]

    @pytest.mark.parametrize("url_name", ["preview_home", "preview_sticking_point"])
    def test_readers_are_asked_to_log_in_for_previews(self, client, draft, url_name):
        args = [draft.slug] if url_name == "preview_sticking_point" else []
        response = client.get(reverse(url_name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_the_admin_links_a_sticking_point_to_its_preview(self, editor_client, draft):
        change = reverse("admin:explainer_stickingpoint_change", args=[draft.pk])
        html = editor_client.get(change).content.decode()
        assert reverse("preview_sticking_point", args=[draft.slug]) in html


class TestHtmx:
    def test_timeline_fragment_comes_from_the_same_template(self, client, seeded):
        full = client.get(reverse("timeline"), {"kind": "offer"})
        fragment = client.get(
            reverse("timeline"), {"kind": "offer"}, headers={"HX-Request": "true"}
        )
        assert "<html" in full.content.decode()
        body = fragment.content.decode()
        assert "<html" not in body
        assert body.strip().startswith('<div id="timeline-results"')
        event_ids = re.compile(r'<li class="event" id="([^"]+)"')
        assert event_ids.findall(body) == event_ids.findall(full.content.decode())
        assert event_ids.findall(body)
        assert "HX-Request" in fragment["Vary"] and "HX-Request" in full["Vary"]

    def test_history_restore_gets_the_full_page(self, client, seeded):
        response = client.get(
            reverse("timeline"),
            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        )
        assert "<html" in response.content.decode()

    def test_search_fragment_is_only_the_results(self, client, seeded):
        response = client.get(reverse("search"), {"q": "AI"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert "<form" not in body and "<html" not in body
        assert "What is the fight over AI?" in body
        assert re.search(r"\d+ results? for “AI”", body)

    def test_fragments_stay_within_the_query_bound(
        self, client, seeded, django_assert_max_num_queries
    ):
        for url in [reverse("timeline") + "?kind=offer", reverse("search") + "?q=pay"]:
            with django_assert_max_num_queries(MAX_QUERIES):
                response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200

    def test_citation_preview_fragment(self, client, seeded):
        response = client.get(
            reverse("citation_detail", args=["wga-cave"]), headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert body.strip().startswith('<span class="preview" role="dialog"')
        assert "cave" in body


class InlineCodeFinder(HTMLParser):
    """Elements and attributes that a strict CSP would block."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag}[{n}]" for n in names if n == "style" or n.startswith("on")]


class TestHeadersAndMetadata:
    def test_every_page_sends_a_strict_csp_and_refuses_framing(self, client, seeded):
        for url in seed_urls():
            response = client.get(url)
            csp = response["Content-Security-Policy"]
            assert "script-src 'self'" in csp
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            assert "frame-ancestors 'none'" in csp
            assert response["X-Frame-Options"] == "DENY"

    def test_no_inline_script_style_or_event_handler(self, client, seeded):
        for url in seed_urls():
            finder = InlineCodeFinder()
            finder.feed(client.get(url).content.decode())
            assert finder.found == [], url

    def test_every_page_has_title_description_canonical_and_open_graph(self, client, seeded):
        for url in seed_urls()[:-1]:
            html = client.get(url).content.decode()
            assert re.search(r"<title>[^<]+ · Strike Explainer</title>", html), url
            assert '<meta name="description" content="' in html
            assert '<link rel="canonical" href="http://testserver/' in html
            for prop in ["og:title", "og:description", "og:url", "og:type"]:
                assert f'property="{prop}"' in html, (url, prop)

    def test_public_pages_are_cacheable(self, client, seeded):
        response = client.get(reverse("sticking_point_detail", args=["free-work"]))
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"

    def test_markers_are_not_substituted_inside_attributes_or_code(self, client, db):
        from tests.conftest import make_citation

        citation = make_citation()
        point = make_sticking_point(
            explanation=(
                f'Claim.[^{citation.key}] [a link](https://example.org "[^{citation.key}]") '
                f"and `[^{citation.key}]` in code."
            )
        )
        html = client.get(point.get_absolute_url()).content.decode()
        assert f'title="[^{citation.key}]"' in html
        assert f"<code>[^{citation.key}]</code>" in html
        assert html.count('class="marker"') == 1

    def test_editor_markdown_cannot_inject_script(self, client, db):
        point = make_sticking_point(explanation="Hi <script>alert(1)</script>[^x]")
        html = client.get(point.get_absolute_url()).content.decode()
        assert "<script>alert" not in html

    def test_party_names_are_escaped(self, client, seeded):
        Party.objects.filter(slug="sony").update(name="<b>Sony</b>")
        html = client.get(reverse("party_detail", args=["amptp"])).content.decode()
        assert "&lt;b&gt;Sony&lt;/b&gt;" in html


class TestValidators:
    def test_an_unchanged_page_is_a_304(self, client, seeded):
        url = reverse("sticking_point_detail", args=["free-work"])
        first = client.get(url)
        assert first.has_header("ETag")
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""

    def test_the_etag_changes_when_content_changes(self, client, seeded):
        url = reverse("sticking_point_detail", args=["free-work"])
        before = client.get(url)["ETag"]
        point = StickingPoint.objects.get(slug="free-work")
        point.short_answer = "A corrected answer."
        point.save()
        response = client.get(url, headers={"If-None-Match": before})
        assert response.status_code == 200
        assert "A corrected answer." in response.content.decode()
        assert response["ETag"] != before

    def test_deleting_content_changes_the_etag(self, client, seeded):
        url = reverse("timeline")
        before = client.get(url)["ETag"]
        from explainer.models import Event

        Event.objects.order_by("pk").last().delete()
        assert client.get(url)["ETag"] != before

    def test_unpublishing_through_the_admin_turns_a_cached_page_into_a_404(
        self, editor_client, seeded
    ):
        reader = Client()
        point = StickingPoint.objects.get(slug="free-work")
        etag = reader.get(point.get_absolute_url())["ETag"]
        editor_client.post(
            reverse("admin:explainer_stickingpoint_changelist"),
            {"action": "unpublish", "_selected_action": [point.pk]},
        )
        response = reader.get(point.get_absolute_url(), headers={"If-None-Match": etag})
        assert response.status_code == 404

    def test_editors_and_readers_get_the_same_page(self, editor_client, seeded):
        url = reverse("party_detail", args=["amptp"])
        reader, editor = Client().get(url), editor_client.get(url)
        assert reader["ETag"] == editor["ETag"]
        assert "Cookie" not in reader.get("Vary", "") + editor.get("Vary", "")

    def test_a_history_restore_is_a_full_page_with_its_own_etag(self, client, seeded):
        url = reverse("timeline")
        fragment = client.get(url, headers={"HX-Request": "true"})
        restore = client.get(
            url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert restore["ETag"] != fragment["ETag"]
        assert "HX-History-Restore-Request" in restore["Vary"]

    def test_fragments_and_pages_have_different_etags(self, client, seeded):
        url = reverse("timeline")
        page = client.get(url)["ETag"]
        fragment = client.get(url, headers={"HX-Request": "true"})["ETag"]
        assert page != fragment


def test_every_time_element_has_a_valid_machine_readable_date(client, seeded):
    valid = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    urls = seed_urls() + [reverse("embed_card", args=["free-work"])]
    for url in urls:
        values = re.findall(r'<time[^>]*datetime="([^"]*)"', client.get(url).content.decode())
        for value in values:
            assert valid.match(value), (url, value)


def test_positions_of_deeply_nested_parties_cost_no_extra_queries(
    client, db, django_assert_max_num_queries
):
    """A writer in a branch of the union: the page does not climb their chain per
    position."""
    from explainer.models import Demand
    from tests.conftest import make_citation, make_party

    union = make_party(kind="union")
    make_party(kind="employers")
    branch = make_party(kind="branch", parent=union)
    point = make_sticking_point()
    for _ in range(20):
        writer = make_party(kind="person", parent=branch)
        Demand.objects.create(sticking_point=point, party=writer, summary="d").citations.add(
            make_citation(about=writer)
        )
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(point.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("embed_card", args=[point.slug])).status_code == 200


def test_source_page_names_every_kind_of_use(client, seeded):
    html = client.get(reverse("source_detail", args=["hollywood-heading-for-shutdown"]))
    html = html.content.decode()
    # Only an offer's reception cites this passage; only party pages cite the second.
    reception = html.split('id="passage-wga-strike-begins-tuesday"')[1].split("</li>")[0]
    assert "The AMPTP&#x27;s proposal before the strike" in reception
    represents = html.split('id="passage-amptp-represents-studios"')[1].split("</li>")[0]
    assert "Alliance of Motion Picture and Television Producers</a>" in represents


def test_no_template_syntax_reaches_readers(client, seeded):
    """A comment or tag the template language did not take (a {# #} comment runs to the
    end of its line only) would be printed on the page."""
    for url in [*seed_urls(), reverse("glossary"), "/timeline/?kind=offer"]:
        html = client.get(url).content.decode()
        for syntax in ["{#", "#}", "{%", "%}", "{{", "}}"]:
            assert syntax not in html, (url, syntax)


class TestSmallThings:
    """What readers and crawlers notice at the edges (issue 11, point 7)."""

    def test_robots_txt_and_a_favicon_are_served(self, client, db):
        robots = client.get("/robots.txt")
        assert robots.status_code == 200
        assert robots["Content-Type"].startswith("text/plain")
        assert b"Disallow: /admin/" in b"".join(robots.streaming_content)
        icon = client.get("/favicon.ico")
        assert icon.status_code == 200
        assert icon["Content-Type"] == "image/x-icon"
        assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file

    def test_timeline_offers_only_parties_with_events_in_alphabetical_order(self, client, seeded):
        make_party(name="Aardvark Writers", slug="aardvark-writers")  # no event
        html = client.get(reverse("timeline")).content.decode()
        select = re.search(r'<select name="party"[^>]*>(.*?)</select>', html, re.S).group(1)
        offered = re.findall(r'<option value="([^"]+)"', select)
        with_events = Party.objects.filter(events__isnull=False).distinct()
        assert set(offered) == set(with_events.values_list("slug", flat=True))
        names = [Party.objects.get(slug=slug).name for slug in offered]
        assert names == sorted(names)
        assert "aardvark-writers" not in offered
        assert len(offered) > 5

    def test_every_party_and_source_page_has_a_description_of_its_own(self, client, seeded):
        urls = [p.get_absolute_url() for p in Party.objects.all()]
        urls += [reverse("source_detail", args=[s.slug]) for s in Source.objects.all()]
        descriptions = [
            re.search(
                r'<meta name="description" content="([^"]*)"', client.get(url).content.decode()
            ).group(1)
            for url in urls
        ]
        assert len(set(descriptions)) == len(urls)

    def test_every_citation_page_has_a_title_of_its_own(self, client, seeded):
        titles = [
            re.search(r"<title>([^<]*)</title>", client.get(url).content.decode()).group(1)
            for url in (
                reverse("citation_detail", args=[c.key]) for c in Citation.objects.verified()
            )
        ]
        assert len(set(titles)) == len(titles) > 20
        assert all("Quoted passage" not in title for title in titles)

    @pytest.mark.parametrize(
        ("sent", "kept"),
        [
            ("/timeline/?party=&topic=&kind=offer", "/timeline/?kind=offer"),
            ("/timeline/?party=&topic=&kind=", "/timeline/"),
            ("/search/?q=", "/search/"),
        ],
    )
    def test_a_form_sent_without_javascript_leads_to_the_address_in_use(
        self, client, seeded, sent, kept
    ):
        response = client.get(sent)
        assert response.status_code == 302
        assert response["Location"] == kept

    def test_search_echoes_what_was_typed_and_says_when_words_were_left_out(self, client, seeded):
        typed = " ".join(["strike"] * 22) + " &&& writers"
        html = client.get(reverse("search"), {"q": typed}).content.decode()
        assert f"for “{escape(typed)}”" in html
        assert "Only the first 20 words were searched for; 3 more were left out." in html
        short = client.get(reverse("search"), {"q": "strike"}).content.decode()
        assert "were searched for" not in short
