"""The project's settings, with what tests need: a key, and static files without a
collectstatic manifest."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from explainer.settings import *  # noqa: E402, F403

# The test client and the live server speak plain HTTP (tests of the redirect turn it on).
SECURE_SSL_REDIRECT = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the app folders, as in development: tests run without
# collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Each test starts from an empty cache of its own; the multi-process tests start real
# servers with Redis themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The per-request deadline guards production workers (tests/test_outage.py checks it on
# real servers); a busy CI machine must not turn a slow test request into a 503.
REQUEST_DEADLINE = 30
EDITOR_REQUEST_DEADLINE = 60
