"""Checks `manage.py check --deploy` adds for this project."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set, so each process keeps its own page cache: an edit "
            f"reaches other processes only after up to {settings.CONTENT_VERSION_TTL} s.",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) in production.",
            id="explainer.W001",
        )
    ]
