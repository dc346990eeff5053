"""Search as readers use it, on whichever database the run uses (./dev test runs this
file on SQLite and on PostgreSQL): the same table of queries must put the same page
first on both."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils.html import escape

from explainer import citations, fulltext, search, searchindex, searchquery
from explainer.models import (
    Citation,
    Event,
    GlossaryTerm,
    Party,
    SearchDocument,
    SearchEquivalent,
    Source,
    StickingPoint,
)

# The page's version, the equivalents (3), counting and ranking, again when no page has
# every word, and the passages and events shown: whatever the size of the content.
MAX_SEARCH_QUERIES = 10

# (what a reader types, the page that must come first)
READER_QUERIES = [
    # The two-word queries that listed every page before: now only what matches.
    ("day rate", "/points/comedy-variety-day-rates/"),
    ("minimum staffing", "/points/minimum-staffing/"),
    ("artificial intelligence", "/points/artificial-intelligence/"),
    ("Sherman Oaks", "/timeline/events/talks-in-sherman-oaks/"),
    # Stemmed alike on both databases: "weeks" finds "weekly", "guaranteed" "guarantee".
    ("guaranteed weeks of work", "/points/term-of-employment/"),
    # Acronyms as words, found through their equivalents.
    ("AI", "/points/artificial-intelligence/"),
    ("WGA", "/parties/writers-guild-of-america/"),
    ("AMPTP", "/parties/amptp/"),
    # The words people use for the same thing.
    ("compulsory staffing", "/points/minimum-staffing/"),
    ("writers' room size", "/points/minimum-staffing/"),
    ("daily rate", "/points/comedy-variety-day-rates/"),
    # Names, glossary terms and definitions.
    ("Netflix", "/parties/netflix/"),
    ("Stentz", "/parties/zack-stentz/"),
    ("residuals", "/points/streaming-residuals/"),
    ("mini-room", "/glossary/#term-mini-room"),
    ("trade association", "/glossary/#term-amptp"),
    ("unpaid work", "/points/free-work/"),
    ("counteroffer", "/timeline/events/amptp-august-counteroffer/"),
    # Web search syntax.
    ('"fair deal"', "/points/wages-and-equal-pay/"),
    ("X-Men", "/parties/zack-stentz/"),
    ('"comedy-variety day rates"', "/points/comedy-variety-day-rates/"),
    ("A.I.", "/points/artificial-intelligence/"),
]


def urls(client, q):
    return [r.url for r in client.get(reverse("search"), {"q": q}).context["results"].items]


def first_url(client, q):
    results = client.get(reverse("search"), {"q": q}).context["results"]
    return results.items[0].url if results.items else None


@pytest.mark.parametrize(("q", "expected"), READER_QUERIES)
def test_reader_queries_put_the_expected_page_first(client, seeded, q, expected):
    assert first_url(client, q) == expected, connection.vendor


def test_every_page_the_table_expects_is_there_for_readers(client, seeded):
    # ./dev test runs this file once on each database; the table is only worth as much
    # as the pages it names, which must exist (a renamed slug would make it vacuous).
    assert len(READER_QUERIES) >= 12
    assert connection.vendor in {"sqlite", "postgresql"}
    for _q, expected in READER_QUERIES:
        response = client.get(expected.split("#")[0], follow=True)
        assert response.status_code == 200, expected


@pytest.mark.parametrize("q", ["day rate", "minimum staffing", "artificial intelligence"])
def test_two_word_queries_list_only_pages_with_both_words(client, seeded, q):
    results = client.get(reverse("search"), {"q": q}).context["results"]
    assert 1 <= results.total <= 8  # of 100 documents
    assert not results.partial


def test_sherman_oaks_finds_only_the_pages_that_name_it(client, seeded):
    results = client.get(reverse("search"), {"q": "Sherman Oaks"}).context["results"]
    assert results.total == 2
    assert {r.kind for r in results.items} == {"event", "passage"}


def test_ai_is_a_word_never_part_of_another(client, seeded):
    results = client.get(reverse("search"), {"q": "AI"}).context["results"]
    assert results.items
    for result in results.items:
        text = re.sub(r"<[^>]+>", "", result.excerpt) + " " + result.title
        document = SearchDocument.objects.get(kind=result.kind, url=result.url)
        words = f"{document.heading} {document.text}"
        assert re.search(r"\bAI\b|artificial intelligence", words, re.IGNORECASE), text


def test_a_phrase_or_and_minus(client, seeded):
    search = lambda q: client.get(reverse("search"), {"q": q}).context["results"]  # noqa: E731
    both = {r.url for r in search("Netflix or Disney").items}
    assert {"/parties/netflix/", "/parties/disney/"} <= both
    without = {r.url for r in search("strike -2007").items}
    assert "/timeline/events/writers-strike-2007/" in {r.url for r in search("strike").items}
    assert "/timeline/events/writers-strike-2007/" not in without
    assert search('"fair deal"').total <= search("fair deal").total
    assert search('"deal fair"').total == 0


def test_phrases_leave_the_same_gaps_for_small_words_and_hyphens_on_both(client, seeded):
    assert first_url(client, '"fight over AI"') == "/points/artificial-intelligence/"
    # One small word stands for another, as PostgreSQL counts positions.
    assert first_url(client, '"fight on AI"') == "/points/artificial-intelligence/"
    assert first_url(client, '"fight AI"') is None
    assert first_url(client, '"fight about the AI"') is None
    # PostgreSQL indexes "co-ceo" before "co" and "ceo": one more position.
    assert first_url(client, '"Netflix co-CEO"') is not None  # as one passage prints it
    assert urls(client, '"Netflix co CEO"') == []
    assert first_url(client, '"the fight over"') == "/points/artificial-intelligence/"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("walkouts", "/timeline/events/wga-strike-begins/"),  # an equivalent's plural
        ("Writers Guild of America", "/parties/writers-guild-of-america/"),
        ("A.I.", "/points/artificial-intelligence/"),
    ],
)
def test_equivalents_and_initialisms_match_by_their_stems(client, seeded, q, expected):
    assert expected in urls(client, q)[:3]


def test_equivalents_apply_after_or_and_not_to_words_left_out(client, seeded):
    either = client.get(reverse("search"), {"q": "AI or WGA"}).content.decode()
    assert "“ai” also found as “artificial intelligence”." in either
    without = urls(client, "Netflix -walkout")
    assert "/parties/netflix/" in without  # "walkout" itself is on no page
    assert urls(client, 'AI -"artificial intelligence"')  # only the typed phrase is left out


def test_a_database_that_fails_to_answer_is_a_503_not_the_readers_fault(monkeypatch, seeded):
    from django.db import OperationalError
    from django.test import Client

    def away(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(search, "_sqlite", away)
    monkeypatch.setattr(search, "_postgres", away)
    response = Client(raise_request_exception=False).get(reverse("search"), {"q": "AI"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_when_no_page_has_every_word_the_closest_are_shown_and_said(client, seeded):
    response = client.get(reverse("search"), {"q": "Netflix zebra"})
    results = response.context["results"]
    assert results.partial
    assert results.items[0].url == "/parties/netflix/"
    assert "No page has all of these words; closest matches:" in response.content.decode()


def test_a_search_with_no_match_says_so_kindly(client, seeded):
    response = client.get(reverse("search"), {"q": "zzzz qqqq"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing matches “zzzz qqqq”." in html
    assert "Try fewer words or another spelling" in html
    assert 'href="/timeline/"' in html


@pytest.mark.parametrize(
    ("q", "advice"),
    [
        ("the of and", "too common"),
        ("-strike", "not only words to leave out"),
        ("* ( ", "Type a word or two"),
    ],
)
def test_words_that_leave_nothing_to_look_for_get_advice(client, seeded, q, advice):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    assert advice in response.content.decode()


class TestResultsExplainThemselves:
    def test_matching_words_are_marked_in_a_short_excerpt(self, client, seeded):
        response = client.get(reverse("search"), {"q": "Stentz"})
        point = next(r for r in response.context["results"].items if r.kind == "point")
        assert "<mark>Stentz</mark>" in point.excerpt
        assert len(re.sub(r"<[^>]+>", "", point.excerpt).split()) <= 40
        assert '<p class="result__kind">Sticking point</p>' in response.content.decode()

    def test_an_excerpt_never_cuts_a_word(self):
        text = " ".join(f"word{n}" for n in range(40)) + " at the AMPTP's door in Sherman Oaks."
        excerpt = search.make_excerpt(text, {"sherman"})
        assert excerpt.startswith("AMPTP's") or excerpt.split()[0] in text.split()
        assert excerpt.endswith("Oaks.")
        assert "\ue000Sherman\ue001" in excerpt
        for piece in excerpt.replace("\ue000", "").replace("\ue001", "").split():
            assert piece in text.split()

    def test_passages_say_who_and_where_and_are_shown_as_printed(self, client, seeded):
        response = client.get(reverse("search"), {"q": "hugely profitable"})
        result = next(r for r in response.context["results"].items if r.citation)
        citation = result.citation
        assert re.sub(r"</?mark>", "", result.excerpt) == escape(citation.printed)
        assert "<mark>hugely</mark> <mark>profitable</mark>" in result.excerpt
        html = response.content.decode()
        assert 'Quote from</span> <a href="/parties/zack-stentz/">Zack Stentz</a>' in html
        assert f"/sources/{citation.source.slug}/passages/{citation.key}/" in html

    def test_events_link_to_their_place_in_the_timeline(self, client, seeded):
        response = client.get(reverse("search"), {"q": "Sherman Oaks"})
        html = response.content.decode()
        assert 'href="/timeline/events/talks-in-sherman-oaks/"' in html
        place = client.get("/timeline/events/talks-in-sherman-oaks/")
        assert place.status_code == 302
        assert place["Location"].endswith("#event-talks-in-sherman-oaks")

    def test_equivalents_used_are_named(self, client, seeded):
        html = client.get(reverse("search"), {"q": "AI"}).content.decode()
        assert "“ai” also found as “artificial intelligence”." in html

    def test_markup_in_content_is_escaped_and_only_marks_are_added(self, client, db):
        Event.objects.create(
            title="Talks <b>stall</b>",
            slug="stall",
            kind="talks",
            summary='Both sides <script>alert("x")</script> stall again.',
            date="2023-06-01",
            date_precision="day",
        )
        html = client.get(reverse("search"), {"q": "stall"}).content.decode()
        assert "<script>alert" not in html
        # PostgreSQL's ts_headline leaves out what looks like a tag; FTS5's excerpt
        # keeps it, escaped.
        assert re.search(r"Both sides (&lt;script&gt;)?\s*alert\(&quot;x&quot;\)", html)
        assert "<mark>stall</mark>" in html
        assert "Talks &lt;b&gt;stall&lt;/b&gt;" in html


class TestEquivalentsEditorsManage:
    def test_an_equivalent_added_is_used_at_once_and_removed_is_not(self, client, seeded):
        assert first_url(client, "gratis") is None  # no page says it
        equivalent = SearchEquivalent.objects.create(phrases="free work, gratis")
        assert first_url(client, "gratis") == "/points/free-work/"
        equivalent.delete()
        assert first_url(client, "gratis") is None

    def test_glossary_variants_count_as_equivalents(self, client, seeded):
        assert first_url(client, "daily rates") == "/points/comedy-variety-day-rates/"

    def test_the_admin_refuses_a_list_of_one_next_to_the_field(self, editor_client):
        response = editor_client.post(
            reverse("admin:explainer_searchequivalent_add"), {"phrases": "walkout, Walkouts"}
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "at least two different" in errors["phrases"][0]
        assert 'value="walkout, Walkouts"' in response.content.decode()
        common = editor_client.post(
            reverse("admin:explainer_searchequivalent_add"), {"phrases": "strike, the"}
        )
        assert "as common as “the”" in common.context["adminform"].form.errors["phrases"][0]
        assert not SearchEquivalent.objects.filter(phrases__startswith="walkout").exists()


def everything_findable():
    return (
        StickingPoint.objects.published().count()
        + Party.objects.count()
        + GlossaryTerm.objects.count()
        + Event.objects.count()
        + Citation.objects.verified().count()
    )


def indexed():
    fields = [f.name for f in SearchDocument._meta.fields if f.name != "id"]
    return sorted(SearchDocument.objects.values_list(*fields))


def assert_index_matches_a_rebuild():
    kept = indexed()
    searchindex.rebuild()
    assert kept == indexed()


class TestIndexKeptThroughEdits:
    """Every edit an editor can make leaves the index as a rebuild would make it, and
    search shows the edit on its next request."""

    def test_the_seed_is_indexed(self, seeded):
        assert SearchDocument.objects.count() == everything_findable()
        assert_index_matches_a_rebuild()

    def test_renamed_party_is_found_by_its_new_name_only(self, client, seeded):
        party = Party.objects.get(slug="zack-stentz")
        party.name = "Zachary Stentz-Marlowe"
        party.save()
        assert_index_matches_a_rebuild()
        # He is found by his new name, and so are the passages that quote him.
        found = client.get(reverse("search"), {"q": "Marlowe"}).context["results"]
        assert found.items[0].url == "/parties/zack-stentz/"
        assert any(r.citation for r in found.items)
        assert "/parties/zack-stentz/" not in urls(client, "Zack")

    def test_deleted_passage_and_event_are_gone(self, client, seeded):
        event = Event.objects.get(slug="talks-in-sherman-oaks")
        event.delete()
        citation = Citation.objects.get(key="sherman-oaks")
        citation.delete()
        assert_index_matches_a_rebuild()
        assert first_url(client, "Sherman Oaks") is None

    def test_a_corrected_source_updates_what_its_passages_print(self, client, seeded):
        source = Source.objects.get(slug="hollywood-heading-for-shutdown")
        source.text = "A correction at the top.\n\n" + source.text.replace(
            "Sherman Oaks", "Encino"
        )
        source.save()
        citations.recheck(source=source)  # as the admin does after saving a source
        assert not Citation.objects.verified().filter(key="sherman-oaks").exists()
        assert_index_matches_a_rebuild()
        kinds = {
            r.kind
            for r in client.get(reverse("search"), {"q": "Sherman Oaks"}).context["results"].items
        }
        assert "passage" not in kinds
        # Passages that moved are shown as the corrected text prints them.
        moved = Citation.objects.verified().get(key="stentz-original-creators")
        found = client.get(reverse("search"), {"q": "hugely profitable"}).context["results"]
        (shown,) = [r for r in found.items if r.citation and r.citation.key == moved.key]
        assert re.sub(r"</?mark>", "", shown.excerpt) == escape(moved.printed)

    def test_unpublished_point_leaves_search_and_a_revert_brings_it_back(self, client, seeded):
        point = StickingPoint.objects.get(slug="free-work")
        point.publication = StickingPoint.Publication.DRAFT
        point.save()
        assert_index_matches_a_rebuild()
        assert "/points/free-work/" not in urls(client, "unpaid work")
        point.history.filter(publication="published").first().instance.save()
        assert_index_matches_a_rebuild()
        assert first_url(client, "unpaid work") == "/points/free-work/"

    def test_a_position_edit_reindexes_its_point(self, client, seeded):
        point = StickingPoint.objects.get(slug="free-work")
        demand = point.demands.first()
        demand.summary = demand.summary + " It mentions zeppelins."
        demand.save()
        assert_index_matches_a_rebuild()
        assert first_url(client, "zeppelins") == "/points/free-work/"

    def test_a_position_moved_to_another_point_leaves_the_first(self, client, seeded):
        demand = StickingPoint.objects.get(slug="free-work").demands.first()
        demand.summary += " It mentions zeppelins."
        demand.save()
        demand.sticking_point = StickingPoint.objects.get(slug="streaming-residuals")
        demand.save()
        assert_index_matches_a_rebuild()
        assert urls(client, "zeppelins") == ["/points/streaming-residuals/"]

    def test_loaddata_makes_the_index_afresh(self, client, seeded, tmp_path):
        party = Party.objects.get(slug="netflix")
        fixture = tmp_path / "party.json"
        fixture.write_text(
            serializers.serialize("json", [party]).replace('"Netflix"', '"Zorblax Streaming"')
        )
        call_command("loaddata", str(fixture), verbosity=0)
        assert_index_matches_a_rebuild()
        assert first_url(client, "Zorblax") == "/parties/netflix/"

    def test_a_rolled_back_edit_leaves_the_index_as_it_was(self, seeded):
        before = indexed()
        with transaction.atomic():
            event = Event.objects.get(slug="talks-begin-again")
            event.title = "Something else"
            event.save()
            transaction.set_rollback(True)
        assert indexed() == before

    def test_two_editors_one_after_the_other(self, client, seeded):
        first = Event.objects.get(slug="talks-begin-again")
        second = Event.objects.get(slug="talks-begin-again")
        first.summary = "Talks resume with a mediator."
        first.save()
        second.title = "Talks resume"
        second.save()  # saved from its own, older copy: the stored row is what is indexed
        assert_index_matches_a_rebuild()
        assert first_url(client, "resume") == "/timeline/events/talks-begin-again/"

    def test_a_database_migrated_without_an_index_gets_one(self, seeded):
        SearchDocument.objects.all().delete()
        searchindex.index_migrated()
        assert SearchDocument.objects.count() == everything_findable()


ALTER_A_FIELD = """
from django.db import connection
from django.db.models import CharField
from explainer import fulltext
from explainer.models import SearchDocument

# What a future AlterField does on SQLite: copy the table into a new one.
old = SearchDocument._meta.get_field("title")
new = CharField(max_length=400, blank=True)
new.set_attributes_from_name("title")
new.model = SearchDocument
with connection.schema_editor() as editor:
    editor.alter_field(SearchDocument, old, new)
print(sorted(fulltext.missing(connection)))
"""
FIND_NETFLIX = """
from django.db import connection
from explainer import fulltext
from explainer.models import Party
from explainer.search import search

party = Party.objects.get(slug="netflix")
party.name = "Zorblax"
party.save()
print(fulltext.missing(connection), search("Zorblax").items[0].url)
"""


def test_a_table_rebuild_that_drops_sqlite_triggers_is_mended_by_migrate(tmp_path):
    """In processes of their own, on a database file: the test database cannot have its
    tables remade inside a test."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's index is a generated column: a table rebuild keeps it")
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def manage(*args):
        run = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""

    manage("migrate", "--verbosity", "0")
    manage("load_seed", "--verbosity", "0")
    assert manage("shell", "-c", ALTER_A_FIELD) == str(sorted(fulltext.SQLITE_TRIGGERS))
    manage("migrate", "--verbosity", "0")
    assert manage("shell", "-c", FIND_NETFLIX) == "[] /parties/netflix/"


def test_an_index_made_another_way_is_remade_by_migrate(client, seeded):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table only")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {fulltext.FTS}")
        cursor.execute(fulltext.SQLITE_TABLE.replace("remove_diacritics 0", "remove_diacritics 2"))
    assert fulltext.missing(connection) == [fulltext.FTS]
    call_command("migrate", verbosity=0)
    assert fulltext.missing(connection) == []
    assert first_url(client, "Netflix") == "/parties/netflix/"


def test_only_data_migrations_run_forwards_to_the_latest_remake_the_index(db):
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection).graph
    data = graph.nodes[("explainer", "0009_search_index")]  # has RunPython
    schema = graph.nodes[("explainer", "0003_offerterm_updated_at")]
    assert searchindex._data_migrated(connection, [(data, False)])
    assert not searchindex._data_migrated(connection, [(data, True)])  # migrating back
    assert not searchindex._data_migrated(connection, [(schema, False)])


def test_a_query_fts5_refuses_is_a_clear_400(monkeypatch, seeded, client):
    if connection.vendor != "sqlite":
        pytest.skip("only FTS5 has a query syntax of its own")
    monkeypatch.setattr(searchquery, "to_fts5", lambda *args, **kwargs: '"unclosed')
    response = client.get(reverse("search"), {"q": "Netflix"})
    assert response.status_code == 400
    assert "could not be run" in response.content.decode()


def test_rebuild_search_index_command(seeded, capsys):
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index")
    assert f"Indexed {everything_findable()} pages and passages." in capsys.readouterr().out


def test_the_full_text_index_is_the_databases_own(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'explainer_searchdocument'"
            )
            assert any("USING gin (vector)" in row[0] for row in cursor.fetchall())
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'explainer_searchdocument_fts'"
            )
            assert "fts5" in cursor.fetchone()[0]


def test_a_search_takes_a_fixed_number_of_queries(client, seeded, django_assert_max_num_queries):
    for q in ["AI", "Netflix zebra", "Stentz", "zzzz qqqq", "strike -2007"]:
        with django_assert_max_num_queries(MAX_SEARCH_QUERIES):
            assert client.get(reverse("search"), {"q": q}).status_code == 200


def test_the_large_set_picks_its_results_by_rules_both_databases_share(client, db):
    """Thousands of passages match "hold firm" alike; the 20 shown must be the same on
    SQLite and PostgreSQL, whatever their own relevance formulas: here, the ones the
    shared rules give when applied to every document in Python."""
    call_command("make_bench_content", scale=0.3, verbosity=0)
    shown = client.get(reverse("search"), {"q": "hold firm"}).context["results"]

    def has(text):
        found = set(searchquery.stems(text).split())
        return {"hold", "firm"} <= found

    matches = [
        {**d, "in_heading": has(d["heading"]), "in_text": has(d["text"]), "matched": 0}
        for d in SearchDocument.objects.values()
        if has(f"{d['heading']} {d['text']} {d['extra']}")
    ]
    assert shown.total == len(matches) > search.CANDIDATES
    matches.sort(
        key=lambda d: (
            -d["in_heading"],
            d["priority"],
            -d["in_text"],
            len(d["text"]),
            d["object_id"],
        )
    )
    window = matches[: search.CANDIDATES]
    wanted = {"hold", "firm"}
    window.sort(
        key=lambda d: (
            -d["in_heading"],
            d["priority"],
            -search.score(d, wanted),
            d["kind"],
            d["object_id"],
        )
    )
    assert [r.url for r in shown.items] == [d["url"] for d in window[: search.LIMIT]]
