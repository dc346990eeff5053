"""Public pages rendered once per content version.

Every save or delete of content moves the *content version*; a public page's rendered
response is kept in the cache under that version, so a reader's request for a page
already rendered touches neither the database nor the session, and its ETag comes from
the version with no query at all.

The version lives in the cache (shared by all processes through Redis when `REDIS_URL`
is set). Its authority is the database: when the cache has no version (first request,
eviction, its expiry) it is derived from the content itself, so an edit that sent no
signal (a data migration, SQL by hand) shows within `CONTENT_VERSION_TTL` seconds.
"""

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
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from explainer.errors import UNAVAILABLE, drop_connections
from explainer.freshness import content_version

logger = logging.getLogger(__name__)

VERSION_KEY = "explainer:content-version"
PUBLIC_MAX_AGE = 300
# A page of an older version is replaced when its address is next asked for; this
# bounds how long one nobody asks for again stays in a cache without eviction.
PAGE_TTL = 24 * 60 * 60


def _code_version():
    """What the code and templates that render pages look like, so that a deployment
    (or a rolling one, with old and new processes side by side) never serves pages
    rendered by other code from a shared cache."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=6)
    files = [
        *sorted((base / "templates").rglob("*.html")),
        *sorted((base / "explainer").rglob("*.py")),
        base / "staticfiles" / "staticfiles.json",
    ]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()

# The version this process last saw, to keep serving cached pages when the database
# cannot be asked for a fresh one; and when it last failed to answer, so that a
# database that is away costs readers of cached pages nothing while it stays away.
_last_known = None
_failed_at = -float("inf")
DATABASE_RETRY = 5
_pending = threading.local()


def _cache_call(method, *args):
    """A cache that is away is a cache miss, not an error page: the database can still
    render the page."""
    try:
        return getattr(cache, method)(*args)
    except Exception:  # noqa: BLE001 - any backend's connection error
        logger.warning("Cache unavailable for %s", method, exc_info=True)
        return None


def current_version(cached=None):
    """The content version, from the cache when it has one (`cached`, if it has just
    been read from it); None if neither the cache nor the database can say."""
    global _last_known, _failed_at
    version = cached if cached is not None else _cache_call("get", VERSION_KEY)
    if version is None:
        if time.monotonic() - _failed_at < DATABASE_RETRY:
            return _last_known
        try:
            version = content_version()
        except UNAVAILABLE:
            _failed_at = time.monotonic()
            drop_connections()
            return _last_known
        # `add`, not `set`: a bump that lands between our reading the database and
        # this write must win over the older state we read.
        _cache_call("add", VERSION_KEY, version, settings.CONTENT_VERSION_TTL)
    _last_known = version
    return version


def bump():
    """Called once content is committed: the new version, for every process at once,
    and the pages the change most affects rendered again before readers ask."""
    try:
        version = content_version()
    except UNAVAILABLE:
        drop_connections()
        _cache_call("delete", VERSION_KEY)
        return
    _cache_call("set", VERSION_KEY, version, settings.CONTENT_VERSION_TTL)
    paths, _pending.paths = getattr(_pending, "paths", set()), set()
    for path in sorted(paths):
        prerender(path)


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
    except Exception:  # a page that fails now fails for its reader, who gets the error
        logger.warning("Could not render %s ahead of readers", path, exc_info=True)


def relation_changed(instance, action, **kwargs):
    """A link added or removed leaves no newer `updated_at` behind, and the version is
    read from those: mark the object whose links changed as updated."""
    if action in {"post_add", "post_remove", "post_clear"}:
        type(instance)._base_manager.filter(pk=instance.pk).update(updated_at=timezone.now())
        content_changed(instance=instance)


def content_changed(instance=None, **kwargs):
    # Forget the version at once, so this connection's next page (tests, or a save in a
    # request that goes on to render) sees its own uncommitted change; publish the new
    # version once the change is committed and every process can see it.
    _cache_call("delete", VERSION_KEY)
    if not hasattr(_pending, "paths"):
        _pending.paths = set()
    _pending.paths |= pages_showing(instance)
    # Once per change: a callback registered in a transaction that rolls back is
    # dropped with it, and the later ones find nothing left to render.
    transaction.on_commit(bump)


def connect_signals():
    for model in apps.get_app_config("explainer").get_models():
        if hasattr(model, "instance_type"):  # history records, not content
            continue
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-d-{model}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                relation_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"pagecache-m2m-{field.remote_field.through}",
            )


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


# Editors' pages are never public; static files are whitenoise's.
NOT_PAGES = ("/admin/", "/preview/", settings.STATIC_URL)


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
            return self.get_response(request)
        request.page_cache = entry
        version, response = found.get(entry.key, (None, None))
        if version != entry.version:
            response = self.get_response(request)
            if not getattr(response, "public_page", False):
                return response
            if response.cookies or "Cookie" in response.get("Vary", ""):
                logger.error("Not caching %s: it varies by reader", request.path)
                return response
            _cache_call("set", entry.key, (entry.version, response), PAGE_TTL)
        # Conditional requests are answered only for pages that exist: a missing page
        # or an invalid filter never gets here.
        return get_conditional_response(request, etag=entry.etag, response=response)


def public_page(view):
    """Marks `view`'s successful responses as the same for every reader, to be cached
    once per content version with an ETag from the version. Errors, and anything the
    view marks private, are not."""

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
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        response.public_page = True
        return response

    return wrapped
