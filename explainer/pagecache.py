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

import hashlib
import logging
import threading
import time
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from explainer.errors import UNAVAILABLE, drop_connections
from explainer.freshness import content_version

logger = logging.getLogger(__name__)

VERSION_KEY = "explainer:content-version"
PUBLIC_MAX_AGE = 300
# Pages are keyed by version, so old ones are garbage once it moves; this only bounds
# how long garbage lingers in a cache without eviction.
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


def current_version():
    """The content version, from the cache when it has one; None if neither the cache
    nor the database can say."""
    global _last_known, _failed_at
    version = _cache_call("get", VERSION_KEY)
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
    """Called once content is committed: the new version, for every process at once."""
    _pending.scheduled = False
    try:
        version = content_version()
    except UNAVAILABLE:
        drop_connections()
        _cache_call("delete", VERSION_KEY)
        return
    _cache_call("set", VERSION_KEY, version, settings.CONTENT_VERSION_TTL)


def relation_changed(instance, action, **kwargs):
    """A link added or removed leaves no newer `updated_at` behind, and the version is
    read from those: mark the object whose links changed as updated."""
    if action in {"post_add", "post_remove", "post_clear"}:
        type(instance)._base_manager.filter(pk=instance.pk).update(updated_at=timezone.now())
        content_changed()


def content_changed(**kwargs):
    # Forget the version at once, so this connection's next page (tests, or a save in a
    # request that goes on to render) sees its own uncommitted change; publish the new
    # version once the change is committed and every process can see it.
    _cache_call("delete", VERSION_KEY)
    if not getattr(_pending, "scheduled", False):
        _pending.scheduled = True
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
    """htmx asks for a fragment; its history restore and everyone else get the page."""
    htmx = request.htmx
    return "fragment" if htmx and not htmx.history_restore_request else "page"


def _request_digest(request):
    # Host and scheme matter: canonical links and embed snippets name them.
    query = sorted(request.GET.lists())
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query!r}"
    address += f" {representation(request)}"
    return hashlib.blake2b(address.encode(), digest_size=12).hexdigest()


def public_page(view):
    """Serve `view`'s successful responses from the cache, rendered once per content
    version, with an ETag from the version. Errors and anything the view marks private
    are passed through as they are."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        version = current_version()
        if version is None:
            return view(request, *args, **kwargs)
        digest = _request_digest(request)
        key = f"explainer:page:{CODE_VERSION}:{version}:{digest}"
        etag = f'"{version}-{CODE_VERSION}-{digest[:8]}"'
        response = _cache_call("get", key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or "private" in response.get("Cache-Control", ""):
                return response
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            _cache_call("set", key, response, PAGE_TTL)
        # Conditional requests are answered only for pages that exist: a missing page
        # or an invalid filter never gets here.
        return get_conditional_response(request, etag=etag, response=response)

    return wrapped
