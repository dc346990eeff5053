"""Public pages rendered once per content version: what a reader, a shared cache and an
editor notice."""

import gzip
import json

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from explainer.errors import DeadlineExceeded
from explainer.models import Event, StickingPoint
from tests.conftest import make_citation

POINT = "/points/artificial-intelligence/"
PUBLIC = [
    "/",
    POINT,
    "/timeline/",
    "/timeline/?kind=offer",
    "/parties/writers-guild-of-america/",
    "/glossary/",
    "/embed/points/artificial-intelligence/",
    "/oembed/?url=http://testserver/points/artificial-intelligence/",
    "/offers/",
    "/changes/",
    "/changes/feed.atom",
    "/about/",
    "/data/explainer.json",
    "/data/explainer.csv",
    "/data/schema/1.0.json",
    "/points/artificial-intelligence/share.png",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_a_page_already_rendered_is_served_without_the_database(
    client, seeded, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
        unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert unchanged.status_code == 304


@pytest.mark.parametrize("url", PUBLIC)
def test_a_cached_page_is_sent_in_one_piece(client, seeded, url):
    client.get(url)
    again = client.get(url)
    assert len(list(again)) == 1  # what the WSGI server writes, one write per piece


@pytest.mark.parametrize("url", PUBLIC)
def test_public_responses_are_the_same_for_everyone(editor_client, seeded, url):
    editor = editor_client.get(url)  # first, so the reader is not served its copy
    from django.core.cache import cache

    cache.clear()
    reader = Client().get(url)
    assert reader.content == editor.content
    for response in [reader, editor]:
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies
        assert "nonce" not in response["Content-Security-Policy"]
        assert "public" in response["Cache-Control"]


def test_an_htmx_fragment_and_the_page_are_cached_apart(client, seeded):
    page = client.get("/timeline/?kind=offer")
    fragment = client.get("/timeline/?kind=offer", headers={"HX-Request": "true"})
    assert b"<html" in page.content and b"<html" not in fragment.content
    assert page["ETag"] != fragment["ETag"]
    assert client.get("/timeline/?kind=offer").content == page.content


@pytest.mark.parametrize(
    ("url", "status"),
    [("/points/no-such-point/", 404), ("/timeline/?party=nobody", 400)],
)
def test_a_missing_page_or_a_bad_filter_never_answers_304(client, seeded, url, status):
    etag = client.get(POINT)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == status
    assert response.get("ETag") is None


class TestEdits:
    """Every kind of change shows on the very next request."""

    def test_once_committed(self, client, seeded, django_capture_on_commit_callbacks):
        client.get(POINT)
        with django_capture_on_commit_callbacks(execute=True):
            point = StickingPoint.objects.get(slug="artificial-intelligence")
            point.short_answer = "A committed correction."
            point.save()
        assert "A committed correction." in client.get(POINT).content.decode()

    def test_two_changes_committed_out_of_clock_order(self, client, seeded):
        # The version counts changes, so the second one to commit moves it even when
        # its rows carry an older updated_at than the first one's.
        from explainer.models import ContentVersion

        before = ContentVersion.current()
        event = Event.objects.first()
        Event.objects.filter(pk=event.pk).update(updated_at=event.updated_at.replace(year=2000))
        event.refresh_from_db()
        client.get("/timeline/")
        event.title = "A title corrected late"
        event.save(update_fields=["title"])
        assert ContentVersion.current() != before
        assert "A title corrected late" in client.get("/timeline/").content.decode()

    def test_a_save(self, client, seeded):
        client.get(POINT)
        point = StickingPoint.objects.get(slug="artificial-intelligence")
        point.short_answer = "A short answer an editor just corrected."
        point.save()
        assert "A short answer an editor just corrected." in client.get(POINT).content.decode()

    def test_a_delete(self, client, seeded):
        event = Event.objects.filter(sticking_points__slug="artificial-intelligence").first()
        assert event.title in client.get("/timeline/").content.decode()
        event.delete()
        assert event.title not in client.get("/timeline/").content.decode()

    def test_a_change_to_a_relation_only(self, client, seeded):
        event = Event.objects.filter(sticking_points__slug="artificial-intelligence").first()
        client.get(POINT)
        event.sticking_points.remove(StickingPoint.objects.get(slug="artificial-intelligence"))
        assert event.title not in client.get(POINT).content.decode()

    def test_unpublishing(self, client, seeded):
        client.get(POINT)
        point = StickingPoint.objects.get(slug="artificial-intelligence")
        point.publication = "draft"
        point.save()
        assert client.get(POINT).status_code == 404
        card = client.get("/embed/points/artificial-intelligence/")
        assert card.status_code == 404

    def test_a_citation_corrected(self, client, db):
        citation = make_citation(passage="Negotiators met for six weeks.")
        url = reverse("citation_detail", args=[citation.key])
        assert "six weeks" in client.get(url).content.decode()
        citation.passage = "Talks failed on Monday."
        citation.save()
        assert "failed on Monday." in client.get(url).content.decode()


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_pages_are_rendered_when_the_cache_is_away(client, seeded):
    response = client.get(POINT)
    assert response.status_code == 200
    assert "artificial intelligence" in response.content.decode().lower()


class TestDatabaseAway:
    """The 503 each kind of address answers when the database fails (the real thing is
    tests/test_outage.py, with PostgreSQL stopped and frozen)."""

    @pytest.fixture
    def failing(self, monkeypatch, seeded):
        def fail(*args, **kwargs):
            raise OperationalError("connection refused")

        monkeypatch.setattr("explainer.models.StickingPointQuerySet.with_as_of", fail)
        return Client(raise_request_exception=False)

    def test_a_page(self, failing):
        response = failing.get(POINT)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert "Briefly unavailable" in response.content.decode()

    def test_an_embed_card_can_still_be_framed(self, failing):
        response = failing.get("/embed/points/artificial-intelligence/")
        assert response.status_code == 503
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]

    def test_oembed_answers_json(self, failing):
        response = failing.get("/oembed/", {"url": "http://testserver" + POINT})
        assert response.status_code == 503
        assert "error" in json.loads(response.content)

    def test_a_deadline_is_a_503_too(self, monkeypatch, seeded):
        def hang(*args, **kwargs):
            raise DeadlineExceeded

        monkeypatch.setattr("explainer.models.StickingPointQuerySet.with_as_of", hang)
        response = Client(raise_request_exception=False).get(POINT)
        assert response.status_code == 503

    def test_a_page_already_cached_is_still_served(self, client, seeded, monkeypatch):
        first = client.get(POINT)

        def fail(*args, **kwargs):
            raise OperationalError("connection refused")

        monkeypatch.setattr("explainer.pagecache._read_version", fail)
        from django.core.cache import cache

        cache.delete("explainer:content-version")  # as if it expired during the outage
        again = client.get(POINT)
        assert again.status_code == 200
        assert again.content == first.content


def test_health_and_readiness(client, db):
    assert client.get("/healthz").content == b"ok\n"
    assert client.get("/readyz").content == b"ready\n"


class TestRenderedAhead:
    """Once an edit to a sticking point is committed, its page, its card and the home
    page are rendered into the cache before any reader asks."""

    @pytest.fixture
    def committed(self, seeded, settings, django_capture_on_commit_callbacks):
        settings.SITE_URL = "http://testserver"
        return django_capture_on_commit_callbacks

    def test_after_an_edit(self, client, committed, django_assert_num_queries):
        point = StickingPoint.objects.get(slug="artificial-intelligence")
        with committed(execute=True):
            point.short_answer = "An answer the editor has just corrected."
            point.save()
        for url in [POINT, "/", "/embed/points/artificial-intelligence/"]:
            with django_assert_num_queries(0):
                response = client.get(url)
            assert response.status_code == 200
            assert "An answer the editor has just corrected." in response.content.decode()

    def test_after_unpublishing(self, client, committed, django_assert_num_queries):
        point = StickingPoint.objects.get(slug="artificial-intelligence")
        with committed(execute=True):
            point.publication = "draft"
            point.save()
        with django_assert_num_queries(0):
            home = client.get("/")
        assert point.question not in home.content.decode()
        assert client.get(POINT).status_code == 404


def test_only_the_parameters_a_page_reads_are_cached(client, seeded, django_assert_num_queries):
    client.get("/timeline/?kind=offer")
    with django_assert_num_queries(0):
        client.get("/timeline/?kind=offer")
    client.get("/timeline/?kind=offer&junk=1")
    second = client.get("/timeline/?kind=offer&junk=1")
    assert second.status_code == 200
    from django.core.cache import cache

    assert cache.get_many([]) == {}  # the junk address was answered, never stored
    with django_assert_num_queries(0):
        assert client.get("/timeline/?kind=offer").status_code == 200


def test_probes_never_touch_the_cache_or_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "ETag" not in response


def test_a_deadline_spent_reading_the_version_is_a_503(seeded, monkeypatch):
    def hang():
        from explainer.errors import _deadline

        _deadline.passed = True  # as the timer does when it fires
        raise DeadlineExceeded

    monkeypatch.setattr("explainer.pagecache._read_version", hang)
    response = Client(raise_request_exception=False).get(POINT)
    assert response.status_code == 503


class TestCompressionAndRevalidation:
    """Pages are compressed once per content version, and browsers ask again on every
    view, so a correction shows on the next one."""

    def test_a_reader_who_accepts_gzip_gets_the_same_page_compressed_from_the_cache(
        self, client, seeded, django_assert_num_queries
    ):
        plain = client.get(POINT)
        client.get(POINT, headers={"Accept-Encoding": "gzip, deflate, br"})
        with django_assert_num_queries(0):
            compressed = client.get(POINT, headers={"Accept-Encoding": "gzip, deflate, br"})
            unchanged = client.get(
                POINT,
                headers={"Accept-Encoding": "gzip", "If-None-Match": compressed["ETag"]},
            )
        assert compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(compressed.content) == plain.content
        assert len(compressed.content) * 3 < len(plain.content)
        assert int(compressed["Content-Length"]) == len(compressed.content)
        assert compressed["ETag"] != plain["ETag"]  # one page, two representations
        for response in [plain, compressed]:
            assert "Accept-Encoding" in response["Vary"]
        assert unchanged.status_code == 304
        assert not plain.has_header("Content-Encoding")

    def test_the_first_reader_gets_it_compressed_too(self, client, seeded):
        response = client.get("/timeline/", headers={"Accept-Encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip"
        assert b"<h1>Timeline</h1>" in gzip.decompress(response.content)

    def test_a_small_answer_is_not_compressed(self, client, seeded):
        fragment = client.get(
            "/citations/wga-cave/",
            headers={"Accept-Encoding": "gzip", "HX-Request": "true"},
        )
        assert fragment.status_code == 200
        assert not fragment.has_header("Content-Encoding")

    @pytest.mark.parametrize("url", PUBLIC)
    def test_browsers_revalidate_and_shared_caches_keep_pages_a_minute(self, client, seeded, url):
        assert client.get(url)["Cache-Control"] == "public, max-age=0, s-maxage=60"

    def test_a_correction_reaches_a_reader_on_their_next_view(self, client, seeded):
        seen = client.get(POINT)
        point = StickingPoint.objects.get(slug="artificial-intelligence")
        point.short_answer = "A corrected short answer."
        point.save()
        again = client.get(POINT, headers={"If-None-Match": seen["ETag"]})
        assert again.status_code == 200
        assert b"A corrected short answer." in again.content
