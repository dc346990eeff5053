"""
Settings for the Strike Explainer, all read from environment variables.

Safe defaults serve a local SQLite copy; production sets DATABASE_URL, SECRET_KEY,
ALLOWED_HOSTS and DEBUG=0, and refuses to start without a real SECRET_KEY.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for "
            "local development with a throwaway key."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address, e.g. https://explainer.example: embed snippets and oEmbed answers
# use it, so they never depend on the Host header a request arrived with.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# The authority and year of the Atom feed's entry ids (tag URIs, RFC 4151): feed readers
# take a new id for a new entry, so set it once for a site and never change it, even
# when the site moves to another address.
CHANGELOG_TAG_AUTHORITY = os.environ.get(
    "CHANGELOG_TAG_AUTHORITY", f"{urlsplit(SITE_URL).hostname or 'localhost'},2026"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "simple_history",
    "explainer",
]

MIDDLEWARE = [
    # First, so that nothing after it can keep a worker past its deadline.
    "explainer.errors.DeadlineMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages already rendered are answered here, before anything per reader.
    "explainer.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records which editor made each change in the content's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after 5 failed logins for an account, or from an
# address, every attempt for 15 minutes is refused, the right password included.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
# A success must not wipe failures: with address lockouts, one editor's login would
# clear the guesses made from the same address at someone else's account.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "explainer.access.locked_out"
AXES_CLIENT_IP_CALLABLE = "explainer.access.client_ip"
# How many proxies in front of the site append to X-Forwarded-For (nginx: 1). With 0,
# the connection's own address is the client's.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# Editors log in through the admin, also to reach draft previews.
LOGIN_URL = "admin:login"

ROOT_URLCONF = "explainer.urls"
# Widgets render from templates/ too (the admin's preview and quote picker).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "explainer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Persistent connections: opening a PostgreSQL connection per request costs more than
# rendering most pages. Every wait on the database is bounded, and the bounds are
# ordered below gunicorn's 30 s worker timeout: connecting (2 s), a public request as a
# whole (REQUEST_DEADLINE, 3 s), any one statement (10 s), an editor's request (20 s).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Milliseconds; manage.py sets 0, so migrations and loads may run as long as they need.
STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "10000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", 2)
    if STATEMENT_TIMEOUT:
        _options["options"] = " ".join(
            filter(None, [_options.get("options"), f"-c statement_timeout={STATEMENT_TIMEOUT}"])
        )
# Seconds a request may take before it is answered with a 503 (public, then admin).
REQUEST_DEADLINE = float(os.environ.get("REQUEST_DEADLINE", "3"))
EDITOR_REQUEST_DEADLINE = float(os.environ.get("EDITOR_REQUEST_DEADLINE", "20"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Shared by every process, so an editor's change is seen everywhere at once. A
    # Redis that hangs costs a request half a second, then it renders uncached.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# Seconds the cached content version is trusted before it is read from the database
# again: how soon a change that sent no signal shows, and, without Redis, how soon
# other processes see an edit.
CONTENT_VERSION_TTL = int(os.environ.get("CONTENT_VERSION_TTL", "60" if REDIS_URL else "5"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files asked for at the site's root by browsers and crawlers (robots.txt, favicon.ico),
# served there by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# No inline scripts or styles anywhere: everything comes from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Database sessions that treat a malformed key (a NUL byte, say) as no session at all.
SESSION_ENGINE = "explainer.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# TLS ends at the proxy in front; it says which requests came in over HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
# HTTPS only, outside development: plain HTTP is redirected, and browsers are told (HSTS)
# to use HTTPS for two years, subdomains included, which also makes the domain eligible
# for the browsers' preload list.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Health checks come from inside, over plain HTTP, and must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "63072000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
