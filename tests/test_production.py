"""The shipped production setup (deploy/): nginx in front of gunicorn's sync workers keeps
the site answering while slow clients trickle in requests that never finish."""

import contextlib
import getpass
import gzip
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
    None,
)

if NGINX is None and os.environ.get("CI") == "true":
    pytest.fail("CI must run the production test: nginx is not installed.", pytrace=False)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx)"
)

SLOW_CLIENTS = 50
REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "STATICFILES_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="explainer.settings",
        DEBUG="0",
        SECRET_KEY="production-test-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="2",
        # Plain HTTP on loopback: no redirect to HTTPS.
        SECURE_SSL_REDIRECT="0",
    )
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def get(url, timeout):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.status


def wait_until_up(url, process, deadline=15):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}")
        try:
            if get(url, timeout=2) == 200:
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {deadline} s")


def stop(process):
    """Stop a server started in its own session, and whatever it started."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class SlowClients:
    """Connections that send a request's headers one byte at a time and never finish."""

    def __init__(self, port, count):
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self):
        for byte in range(len(REQUEST)):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(REQUEST[byte : byte + 1])
            if self.stopped.wait(0.2):
                return

    def __enter__(self):
        self.thread.start()
        time.sleep(0.5)  # every connection has started its request
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """gunicorn with deploy/gunicorn.conf.py (2 sync workers) and nginx rendered from
    deploy/nginx.conf, on a migrated SQLite database holding the seed."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_seed")
    manage(env, "collectstatic", "--noinput")
    gunicorn_port, nginx_port = free_port(), free_port()
    conf = tmp_path / "nginx" / "nginx.conf"
    conf.parent.mkdir()
    subprocess.run(
        [sys.executable, DEPLOY / "render_nginx.py", "--out", conf,
         "--http-listen", f"127.0.0.1:{nginx_port}",
         "--upstream", f"127.0.0.1:{gunicorn_port}",
         "--user", getpass.getuser()],
        check=True, capture_output=True,
    )  # fmt: skip
    gunicorn = nginx = None
    log = (tmp_path / "gunicorn.log").open("w")
    try:
        gunicorn = subprocess.Popen(
            [Path(sys.executable).parent / "gunicorn", "-c", DEPLOY / "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}"},
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        nginx = subprocess.Popen(
            [NGINX, "-p", conf.parent, "-c", conf, "-e", conf.parent / "error.log",
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_until_up(f"http://127.0.0.1:{gunicorn_port}/", gunicorn)
        wait_until_up(f"http://127.0.0.1:{nginx_port}/", nginx)
        yield {"nginx": nginx_port, "gunicorn": gunicorn_port}
    finally:
        stop(nginx)
        stop(gunicorn)
        log.close()


def test_slow_clients_do_not_hold_up_readers_behind_nginx(production):
    with SlowClients(production["nginx"], SLOW_CLIENTS):
        started = time.monotonic()
        status = get(f"http://127.0.0.1:{production['nginx']}/", timeout=5)
        took = time.monotonic() - started
    assert status == 200
    assert took < 1, f"the home page took {took:.1f} s while slow clients hung"


def test_without_nginx_two_slow_clients_stall_gunicorn(production):
    """Why nginx is there: two such clients hold both sync workers."""
    with SlowClients(production["gunicorn"], 2), pytest.raises(OSError):
        get(f"http://127.0.0.1:{production['gunicorn']}/", timeout=1)


@pytest.mark.parametrize("server", ["nginx", "gunicorn"])
def test_pages_arrive_compressed_with_and_without_nginx(production, server):
    """Compressed once per content version by the site, so also behind any other proxy;
    nginx passes the compressed page on as it is."""
    url = f"http://127.0.0.1:{production[server]}/points/artificial-intelligence/"
    compressed = urllib.request.urlopen(  # noqa: S310 - our own loopback server
        urllib.request.Request(url, headers={"Accept-Encoding": "gzip"}), timeout=5
    )
    plain = urllib.request.urlopen(url, timeout=5)  # noqa: S310
    body = compressed.read()
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(body) == plain.read()
    assert len(body) * 3 < len(gzip.decompress(body))
    assert compressed.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
