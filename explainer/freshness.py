"""The state of all content as one short token, read from the database in one query."""

import hashlib

from django.apps import apps
from django.db import connection


def content_version():
    """A short token that changes whenever any content does.

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
