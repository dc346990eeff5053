"""Public pages rendered once per content version.

Every committed save or delete of content moves the *content version* (a count kept in
the database, `ContentVersion`, advanced in the change's own transaction). A public
page's complete response is kept in the cache with the version it was rendered at, so a
reader's request for a page already rendered touches neither the database nor the
session, and its ETag comes from the version with no query at all.

The version is also kept in the cache (shared by every process through Redis when
`REDIS_URL` is set): a change forgets it there, and the next request reads it from the
database again; it is trusted for at most `CONTENT_VERSION_TTL` seconds in any case. A
change that sends no signal must count itself: `migrate` does (post_migrate), and so
does the synthetic content's bulk_create; SQL by hand must call
`ContentVersion.advance()`.
"""

import contextlib
import functools
import hashlib
import io
import logging
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

from explainer.errors import (
    UNAVAILABLE,
    DeadlineExceeded,
    deadline_passed,
    drop_connections,
)

logger = logging.getLogger(__name__)

VERSION_KEY = "explainer:content-version"
# Browsers ask again on every view (a 304 while nothing changed), so a correction
# shows at once; a CDN or other shared cache may answer for a minute.
SHARED_MAX_AGE = 60
# Smaller pages gain too little from compression to be worth a second copy.
GZIP_MIN_LENGTH = 1024
# A page of an older version is replaced when its address is next asked for; this
# bounds how long one nobody asks for again stays in a cache without eviction.
PAGE_TTL = 24 * 60 * 60


def _code_version():
    """What renders pages (code, templates, the deployed static files' names, the site's
    address), so that a deployment, or a rolling one with old and new processes side by
    side, never serves pages rendered by other code from a shared cache."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(settings.SITE_URL.encode(), digest_size=6)
    files = [
        *sorted((base / "templates").rglob("*.html")),
        *sorted((base / "explainer").rglob("*.py")),
        *sorted((base / "explainer").rglob("*.json")),  # the open data's schema
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]
    for path in files:
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()

# The version this process last saw, to keep serving cached pages when the database
# cannot be asked for a fresh one; and when it last failed to answer, so that a
# database that is away costs readers of cached pages nothing while it stays away.
_last_known = None
_failed_at = -float("inf")
DATABASE_RETRY = 5
# Per thread: whether it is serving a request, and the pages to render ahead.
_local = threading.local()


def forget_process_state():
    """For tests: this process has seen no version and no failure."""
    global _last_known, _failed_at
    _last_known, _failed_at = None, -float("inf")


def _cache_call(method, *args):
    """A cache that is away is a cache miss, not an error page: the database can still
    render the page."""
    try:
        return getattr(cache, method)(*args)
    except DeadlineExceeded:
        raise
    except Exception:  # noqa: BLE001 - any backend's connection error
        logger.warning("Cache unavailable for %s", method, exc_info=True)
        return None


def _read_version():
    from explainer.models import ContentVersion

    return ContentVersion.current()


def current_version(cached=None):
    """The content version, from the cache when it has one (`cached`, if it has just
    been read from it); None if neither the cache nor the database can say."""
    global _last_known, _failed_at
    version = cached if cached is not None else _cache_call("get", VERSION_KEY)
    if version is None:
        if time.monotonic() - _failed_at < DATABASE_RETRY:
            return _last_known
        try:
            version = _read_version()
        except UNAVAILABLE:
            _failed_at = time.monotonic()
            drop_connections()
            return _last_known
        # `add`, not `set`: a change committed since we read must not be overwritten
        # (it forgets the key, and the next reader reads again).
        _cache_call("add", VERSION_KEY, version, settings.CONTENT_VERSION_TTL)
    _last_known = version
    return version


def pages_showing(instance):
    """The public pages a reader is likeliest to open after a change to `instance`: the
    home page that lists a sticking point, and its page and card while published."""
    from explainer.models import StickingPoint

    if isinstance(instance, StickingPoint):
        point = instance
    else:
        try:
            point = getattr(instance, "sticking_point", None)
        except ObjectDoesNotExist:  # deleted along with it
            return set()
    if point is None:
        return set()
    if not point.is_published:
        return {reverse("home")}
    return {
        reverse("home"),
        reverse("sticking_point_detail", args=[point.slug]),
        reverse("embed_card", args=[point.slug]),
    }


def content_changed(instance=None, **kwargs):
    """A save, delete or change of links: counted in the same transaction; once it is
    committed, every process reads the new count on its next request."""
    from explainer.models import ContentVersion

    if getattr(_local, "one_change", False):
        return  # counted once, at the end of one_change()

    ContentVersion.advance()
    # At once too, so that this connection's next page (a test, or an editor's request
    # that goes on to render) reads its own uncommitted change.
    _cache_call("delete", VERSION_KEY)
    transaction.on_commit(lambda: _cache_call("delete", VERSION_KEY))
    paths = pages_showing(instance)
    if paths:
        transaction.on_commit(lambda: _render_ahead(paths))


@contextlib.contextmanager
def one_change():
    """Many saves counted as one change (loaddata's hundreds of rows): one version."""
    _local.one_change = True
    try:
        yield
    finally:
        _local.one_change = False
    content_changed()


def _render_ahead(paths):
    if not hasattr(_local, "paths"):
        _local.paths = set()
    _local.paths |= paths
    if not getattr(_local, "in_request", False):
        render_pending()


def render_pending(**kwargs):
    """Render the pages queued by committed changes. In a request this waits until the
    editor's response is finished, so it never runs inside their request (its history
    records, its deadline); elsewhere (a management command) it runs at once."""
    paths, _local.paths = getattr(_local, "paths", set()), set()
    for path in sorted(paths):
        prerender(path)


def _request_started(**kwargs):
    _local.in_request = True
    _local.paths = set()  # nothing left over from a change that was rolled back


def _request_finished(**kwargs):
    _local.in_request = False
    render_pending()


@functools.cache
def _handler():
    # The whole middleware stack, as for a reader, so the cached page is the same.
    return WSGIHandler()


def prerender(path):
    """Render a public page into the cache as a reader at SITE_URL would get it, so the
    edit's first reader is not the one who waits for it. Without SITE_URL there is no
    telling which address readers use, and nothing is rendered ahead."""
    if not settings.SITE_URL:
        return
    site = urlsplit(settings.SITE_URL)
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "HTTP_HOST": site.netloc,
            "SERVER_NAME": site.hostname,
            "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
            "wsgi.url_scheme": site.scheme,
            "wsgi.input": io.BytesIO(),
        }
    )
    try:
        _handler().get_response(request)
    except Exception:  # noqa: BLE001 - its reader will get the error, not the editor
        logger.warning("Could not render %s ahead of readers", path, exc_info=True)


def connect_signals():
    from explainer.models import ContentVersion, SearchDocument

    for model in apps.get_app_config("explainer").get_models():
        if hasattr(model, "instance_type") or model in {ContentVersion, SearchDocument}:
            continue  # history records, the count and the search index are not content
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-d-{model}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                links_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through}"
            )
    request_started.connect(_request_started, dispatch_uid="pagecache-started")
    request_finished.connect(_request_finished, dispatch_uid="pagecache-finished")


def links_changed(instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed(instance=instance)


def representation(request):
    """htmx asks for a fragment; its history restore and everyone else get the page.
    Read from the headers: this runs before django-htmx's middleware."""
    htmx = request.headers.get("HX-Request") == "true"
    restore = request.headers.get("HX-History-Restore-Request") == "true"
    return "fragment" if htmx and not restore else "page"


class Entry:
    """Where one request's page is cached, and the ETag it carries at `version`.

    One cache entry per address, holding the version it was rendered at with it: the
    version and the page come back in one round trip, and a page of an older version
    is simply replaced."""

    def __init__(self, request):
        # Host and scheme matter: canonical links and embed snippets name them.
        query = sorted(request.GET.lists())
        address = f"{request.scheme}://{request.get_host()}{request.path}?{query!r}"
        address += f" {representation(request)}"
        self.digest = hashlib.blake2b(address.encode(), digest_size=12).hexdigest()
        self.key = f"explainer:page:{CODE_VERSION}:{self.digest}"
        self.version = None

    @property
    def etag(self):
        return f'"{self.version}-{CODE_VERSION}-{self.digest[:8]}"'


# Editors' pages are never public; static files are whitenoise's; probes must not
# depend on the cache or wait on the database.
NOT_PAGES = ("/admin/", "/preview/", "/healthz", "/readyz", settings.STATIC_URL)


class PageCacheMiddleware:
    """Answers a request for a public page already rendered at this content version
    from the cache, before sessions, CSRF, authentication and the view: the same bytes,
    headers included, for every reader. Stores the complete response (every header the
    middleware after it adds) of views marked with `public_page`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"} or request.path.startswith(NOT_PAGES):
            return self.get_response(request)
        entry = Entry(request)
        found = _cache_call("get_many", [VERSION_KEY, entry.key]) or {}
        entry.version = current_version(found.get(VERSION_KEY))
        if entry.version is None:
            if deadline_passed():  # spent waiting for the version
                raise DeadlineExceeded
            return self.get_response(request)
        request.page_cache = entry
        version, response, compressed = found.get(entry.key, (None, None, None))
        if version != entry.version:
            if deadline_passed():  # spent waiting for the version
                raise DeadlineExceeded
            response = self.get_response(request)
            if not getattr(response, "public_page", False):
                return response
            if response.cookies or "Cookie" in response.get("Vary", ""):
                logger.error("Not caching %s: it varies by reader", request.path)
                return response
            compressed = gzipped(response)
            _cache_call("set", entry.key, (entry.version, response, compressed), PAGE_TTL)
        if compressed is not None and re_accepts_gzip.search(
            request.headers.get("Accept-Encoding", "")
        ):
            response = compressed
        # Conditional requests are answered only for pages that exist: a missing page
        # or an invalid filter never gets here.
        return get_conditional_response(request, etag=response["ETag"], response=response)


def gzipped(response):
    """A gzip-compressed copy of a public page, made once when the page is stored rather
    than for each reader; None where it would not pay. Both copies say that they vary by
    Accept-Encoding, and each has an ETag of its own (one page, two representations).
    Public pages hold nothing secret, so compression cannot leak one (BREACH)."""
    patch_vary_headers(response, ["Accept-Encoding"])
    if (
        len(response.content) < GZIP_MIN_LENGTH
        or response.has_header("Content-Encoding")
        or response.get("Content-Type", "").startswith("image/")  # compressed already
    ):
        return None
    compressed = HttpResponse(compress_string(response.content), status=response.status_code)
    for header, value in response.items():
        compressed[header] = value
    compressed["Content-Encoding"] = "gzip"
    compressed["Content-Length"] = str(len(compressed.content))
    compressed["ETag"] = response["ETag"].removesuffix('"') + '-gzip"'
    return compressed


def cache_publicly(response):
    """The caching every public answer carries: see SHARED_MAX_AGE."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=SHARED_MAX_AGE)


def public_page(view=None, *, params=()):
    """Marks `view`'s successful responses as the same for every reader, to be cached
    once per content version with an ETag from the version. Only requests whose query
    names no parameter but `params` (those the view reads) are cached: any other query
    is answered, but cannot fill the cache with copies. Errors, and anything the view
    marks private, are not cached either."""
    if view is None:
        return functools.partial(public_page, params=params)
    allowed = set(params)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        entry = getattr(request, "page_cache", None)
        if (
            entry is None
            or response.status_code != 200
            or "private" in response.get("Cache-Control", "")
        ):
            return response
        response["ETag"] = entry.etag
        cache_publicly(response)
        if not response.streaming:
            # One piece, so that the server sends it in one write: the feed's writer
            # leaves hundreds of small ones, each a system call for every reader.
            response.content = response.content
        response.public_page = set(request.GET) <= allowed
        return response

    return wrapped
