"""HTTP validators for public pages: an ETag that changes whenever any content does."""

import hashlib

from django.db import connection

from explainer.access import can_preview
from explainer.models import (
    Citation,
    Demand,
    Event,
    Offer,
    OfferTerm,
    Party,
    Source,
    StickingPoint,
)

CONTENT_MODELS = [StickingPoint, Demand, Offer, OfferTerm, Event, Party, Citation, Source]


def content_version():
    """A short token for the state of all content, read in one query.

    Row counts catch deletions, which leave no newer `updated_at` behind.
    """
    quote = connection.ops.quote_name
    # Built from model metadata only; no request data reaches this SQL.
    sql = " UNION ALL ".join(
        f"SELECT COUNT(*), MAX({quote('updated_at')}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        for model in CONTENT_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()


def page_etag(request, *args, **kwargs):
    # A fragment and a full page are different representations of one URL (htmx's
    # history restore asks for the full page), and editors also see drafts.
    htmx = request.htmx
    representation = "fragment" if htmx and not htmx.history_restore_request else "page"
    audience = "editor" if can_preview(request.user) else "public"
    return f"{content_version()}-{representation}-{audience}"
