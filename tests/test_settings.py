import ast
import os
import secrets
import shlex
import subprocess
import sys

import pytest
from django.conf import settings


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="explainer.settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_with_a_throwaway_key():
    result = run_check(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_migrations_match_the_models():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def readme_production_environment():
    """The variables the README's Production section exports, with a real key in place
    of its placeholder."""
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Production", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    environment = {}
    for line in block.splitlines():
        if not line.startswith("export "):
            continue
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            environment.update(word.split("=", 1) for word in words[1:])
    if environment.get("SECRET_KEY") == "…":
        environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    return environment


def test_the_readme_production_environment_passes_the_deployment_checks():
    environment = readme_production_environment()
    assert environment.keys() >= {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "SITE_URL",
        "CSRF_TRUSTED_ORIGINS",
        "BEHIND_HTTPS_PROXY",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        # Exactly the README's environment: nothing inherited from this test run.
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", (
        result.stdout + result.stderr
    )


def https_settings(**env):
    """The HTTPS settings a process started with `env` (and nothing else) runs with."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from explainer import settings as s; print(repr({n: getattr(s, n) for n in "
            "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
            " 'SECURE_HSTS_PRELOAD', 'SECURE_REDIRECT_EXEMPT']}))",
        ],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout)


def test_production_redirects_to_https_and_sends_hsts_for_two_years_by_default():
    assert https_settings(DEBUG="0") == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 63072000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_REDIRECT_EXEMPT": [r"^healthz/?$", r"^readyz/?$"],
    }


def test_development_neither_redirects_nor_sends_hsts():
    chosen = https_settings(DEBUG="1")
    assert chosen["SECURE_SSL_REDIRECT"] is False
    assert chosen["SECURE_HSTS_SECONDS"] == 0


def test_the_environment_chooses_each_https_setting():
    chosen = https_settings(
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="300",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="0",
    )
    assert chosen["SECURE_SSL_REDIRECT"] is False
    assert chosen["SECURE_HSTS_SECONDS"] == 300
    assert chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert chosen["SECURE_HSTS_PRELOAD"] is False


@pytest.fixture
def https_only(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def test_plain_http_is_redirected_to_https(client, db, https_only):
    response = client.get("/glossary/?q=1")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/glossary/?q=1"


@pytest.mark.parametrize("path", ["/healthz", "/healthz/", "/readyz", "/readyz/"])
def test_health_checks_are_not_redirected(client, db, https_only, path):
    response = client.get(path)
    assert not response.has_header("Location")


def test_https_through_the_proxy_is_served_with_hsts(client, db, https_only):
    response = client.get("/glossary/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=63072000; includeSubDomains; preload"
    )
