"""The WSGI application as servers run it: HEAD gets the GET answer's headers and no
body, so gunicorn has nothing to drop and nothing to warn about."""

import http.client
import os
import socket
import subprocess
import sys
import time
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from explainer.wsgi import application

# A page that is not ours: a 404 whatever the content.
NOT_OURS = "/oembed/"
QUERY = "url=http://elsewhere.example/"


def call(method):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": NOT_OURS,
        "QUERY_STRING": QUERY,
        "HTTP_HOST": "testserver",
    }
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    body = b"".join(application(environ, start_response))
    return started["status"], started["headers"], body


@pytest.fixture
def connections_kept():
    """Leave database connections alone around requests, as Django's test client does:
    the handler would otherwise close the ones other tests opened."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_head_gets_the_headers_of_get_and_no_body(connections_kept, db):
    get_status, get_headers, get_body = call("GET")
    head_status, head_headers, head_body = call("HEAD")
    assert get_body
    assert head_body == b""
    assert head_status == get_status == "404 Not Found"
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    assert head_headers["Content-Length"] == str(len(get_body))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_logs_no_warning_for_head_requests(tmp_path):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "explainer.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        statuses = []
        deadline = time.monotonic() + 30
        while not statuses:
            try:
                for method in ["HEAD", "HEAD", "GET"]:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request(method, f"{NOT_OURS}?{QUERY}")
                    statuses.append(connection.getresponse().status)
                    connection.close()
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert statuses == [404, 404, 404]
    assert "Booting worker" in log  # the log is gunicorn's, and was read
    assert "WARNING" not in log and "body bytes" not in log, log
