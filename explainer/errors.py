"""What readers, embedders and orchestrators get when the database is away: a page
already cached is still served (see pagecache); anything else is a 503 with
Retry-After within the request's deadline, never a 500 and never a hung worker."""

import contextlib
import signal
import sys
import threading

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.views import defaults
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

RETRY_AFTER = 30


class DeadlineExceeded(Exception):
    """The request ran past its deadline: something it waits on (the database) hangs."""


_deadline = threading.local()


def _expire(signum, frame):
    _deadline.passed = True
    raise DeadlineExceeded


def deadline_passed():
    """Whether this request's deadline has fired, even if whatever it interrupted
    carried on (serving a cached page, say): nothing more may wait on the database."""
    return getattr(_deadline, "passed", False)


class DeadlineMiddleware:
    """Bounds each request's time with a timer signal, so a database that stops
    answering on an open connection (which no client-side timeout of libpq covers)
    costs a request its deadline, not a worker its life.

    Signals reach only the main thread: that is where gunicorn's sync workers serve
    requests. Threaded development and test servers go without.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if threading.current_thread() is not threading.main_thread():
            return self.get_response(request)
        if signal.getitimer(signal.ITIMER_REAL)[0]:
            # A page rendered ahead inside an editor's request keeps that deadline.
            return self.get_response(request)
        editing = request.path.startswith("/admin/") or request.method not in {"GET", "HEAD"}
        seconds = settings.EDITOR_REQUEST_DEADLINE if editing else settings.REQUEST_DEADLINE
        previous = signal.signal(signal.SIGALRM, _expire)
        _deadline.passed = False
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return self.get_response(request)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


UNAVAILABLE = (OperationalError, InterfaceError, DeadlineExceeded)


def drop_connections():
    # A connection interrupted mid-query is in an unknown state, and checking it at the
    # end of the request would wait on the database again, past the deadline.
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # closing a broken one may fail too
            connection.close()


def _retry_later(response):
    response["Retry-After"] = str(RETRY_AFTER)
    patch_cache_control(response, no_store=True)
    return response


@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
def _card_unavailable(request):
    # Shown inside other sites' pages, so it may be framed like the card itself.
    context = {"theme": "auto", "variant": "full"}
    return render(request, "embed/unavailable.html", context, status=503)


def unavailable(request):
    """The 503 for this kind of address: JSON for oEmbed, a framable card for embeds,
    a page for everyone else."""
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    if name == "oembed":
        response = JsonResponse(
            {"error": "The explainer is briefly unavailable; try again shortly."}, status=503
        )
        response["Access-Control-Allow-Origin"] = "*"
    elif name == "embed_card":
        response = _card_unavailable(request)
    else:
        response = render(request, "503.html", {"retry_after": RETRY_AFTER}, status=503)
    return _retry_later(response)


def server_error(request):
    """handler500: a database that is away is a 503 (try again), not our fault's 500."""
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        drop_connections()
        return unavailable(request)
    return defaults.server_error(request)


def healthz(request):
    """The process answers (for an orchestrator's liveness probe)."""
    response = HttpResponse("ok\n", content_type="text/plain")
    patch_cache_control(response, no_store=True)
    return response


def readyz(request):
    """The database answers too (for a readiness probe)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except UNAVAILABLE:
        drop_connections()
        return _retry_later(
            HttpResponse("database unavailable\n", content_type="text/plain", status=503)
        )
    response = HttpResponse("ready\n", content_type="text/plain")
    patch_cache_control(response, no_store=True)
    return response
