"""Production processes against a PostgreSQL that goes away: refused, then hung. Pages
already cached keep being served; others get a 503 with Retry-After within the issue's
bounds (1 s refused, 5 s hung); no worker reaches gunicorn's timeout; everything comes
back without a restart. And two processes sharing PostgreSQL and Redis both see an
edit on their next request.

These start real servers, so they run once, in the PostgreSQL pass of `./dev test`."""

import json
import os
import subprocess

import pytest

from tests.outage import PYTHON, ROOT, Cluster, Server, initdb, manage, production_env

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="starts its own PostgreSQL: runs in the PostgreSQL pass",
    ),
    pytest.mark.skipif(initdb() is None, reason="PostgreSQL's initdb is not installed"),
]

CACHED = ["/", "/points/artificial-intelligence/", "/timeline/"]
OEMBED = "/oembed/?url=http://127.0.0.1/points/streaming-residuals/"


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster()
    try:
        cluster.create()
        env = production_env(cluster.url)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_seed")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def server(cluster, tmp_path):
    server = Server(production_env(cluster.url), tmp_path)
    yield server
    server.stop()
    cluster.thaw()
    if not (cluster.data / "postmaster.pid").exists():
        cluster.start()


def warm(server):
    for path in CACHED:
        assert server.get(path).status == 200


def assert_unavailable(server, within):
    page = server.get("/points/streaming-residuals/")
    assert page.status == 503
    assert page.getheader("Retry-After") == "30"
    assert "Briefly unavailable" in page.body.decode()
    assert page.getheader("X-Frame-Options") == "DENY"

    card = server.get("/embed/points/streaming-residuals/")
    assert card.status == 503
    assert card.getheader("X-Frame-Options") is None  # it shows inside other sites
    assert "frame-ancestors *" in card.getheader("Content-Security-Policy")
    assert "briefly unavailable" in card.body.decode()

    oembed = server.get(OEMBED)
    assert oembed.status == 503
    assert "error" in json.loads(oembed.body)

    ready = server.get("/readyz")
    assert ready.status == 503
    assert server.get("/healthz").status == 200
    for response in [page, card, oembed, ready]:
        assert response.seconds < within, response.seconds


def assert_cached_pages_served(server):
    for path in CACHED:
        response = server.get(path)
        assert response.status == 200, path
        assert response.seconds < 5, path


def assert_recovered(server):
    assert server.get("/readyz").status == 200
    assert server.get("/points/streaming-residuals/").status == 200
    assert server.get("/embed/points/streaming-residuals/").status == 200
    assert server.get(OEMBED).status == 200
    assert "WORKER TIMEOUT" not in server.log.read_text()


def test_a_refused_database(cluster, server):
    warm(server)
    cluster.stop()
    assert_cached_pages_served(server)
    assert_unavailable(server, within=1)
    cluster.start()
    assert_recovered(server)


def test_a_hung_database(cluster, server):
    warm(server)
    cluster.freeze()
    try:
        assert_cached_pages_served(server)
        assert_unavailable(server, within=5)
    finally:
        cluster.thaw()
    assert_recovered(server)


def redis_answers():
    try:
        import redis

        return redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
def test_an_edit_shows_in_every_process_on_its_next_request(cluster, tmp_path):
    import redis

    redis_url = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(redis_url).flushdb()
    env = production_env(cluster.url, REDIS_URL=redis_url)
    servers = [Server(env, tmp_path), Server(env, tmp_path)]
    try:
        page = "/points/minimum-staffing/"
        for server in servers:
            assert server.get(page).status == 200
        before = [server.get(page).getheader("ETag") for server in servers]
        assert before[0] == before[1]

        edit = (
            "from explainer.models import StickingPoint as P; "
            "p = P.objects.get(slug='minimum-staffing'); "
            "p.short_answer = 'An answer corrected by one editor.'; p.save()"
        )
        subprocess.run([PYTHON, "manage.py", "shell", "-c", edit], cwd=ROOT, env=env, check=True)
        for server in servers:
            response = server.get(page, headers={"If-None-Match": before[0]})
            assert response.status == 200
            assert "An answer corrected by one editor." in response.body.decode()
    finally:
        for server in servers:
            server.stop()
        redis.Redis.from_url(redis_url).flushdb()
