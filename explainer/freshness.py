"""HTTP validators for public pages: an ETag that changes whenever any content does."""

import hashlib

from django.apps import apps
from django.db import connection

from explainer.access import can_preview


def content_version():
    """A short token for the state of all content, read in one query.

    Every model of the app is content with an `updated_at`. Row counts catch deletions,
    which leave no newer `updated_at` behind.
    """
    # History tables only ever grow with the content they record.
    models = [
        model
        for model in apps.get_app_config("explainer").get_models()
        if not hasattr(model, "instance_type")
    ]
    quote = connection.ops.quote_name
    # Built from model metadata only; no request data reaches this SQL.
    sql = " UNION ALL ".join(
        f"SELECT COUNT(*), MAX({quote('updated_at')}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        for model in models
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
