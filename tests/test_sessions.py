"""Session cookies come from clients: one Django could not have made is no session,
never a failed page (PostgreSQL refuses a NUL byte in a query)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.urls import reverse

from explainer.sessions import SessionStore

MALFORMED = [
    "abc\x00def" + "a" * 30,
    "\x00" * 32,
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
    "k\u00e9y" * 11,  # a non-ASCII letter among ASCII ones
    "a" * 5000,
    "short",
]


@pytest.mark.parametrize("key", MALFORMED)
def test_a_malformed_key_opens_no_session(db, key):
    store = SessionStore(session_key=key)
    assert store.session_key is None
    assert store.load() == {}


def test_a_key_django_made_still_opens_its_session(db):
    original = DjangoStore()
    original["seen"] = "yes"
    original.create()
    assert SessionStore(session_key=original.session_key)["seen"] == "yes"


@pytest.mark.parametrize("key", MALFORMED)
@pytest.mark.parametrize(
    ("url", "status"),
    # Pages that read the session (public pages never do).
    [("/preview/", 302), ("/admin/login/", 200), ("/admin/", 302)],
)
def test_pages_answer_a_visitor_with_a_malformed_session_cookie(client, db, key, url, status):
    response = client.get(url, headers={"cookie": f"sessionid={key}"})
    assert response.status_code == status


def test_the_admin_login_works_with_a_malformed_session_cookie(client, editor):
    client.cookies["sessionid"] = "abc\x00def" + "a" * 30
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "correct horse battery", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_nul_escaped_in_a_quoted_cookie_is_no_session(client, db):
    # What reaches the site in practice: servers refuse a raw NUL in a header, but
    # Django's cookie parser turns the octal escape \000 in a quoted value into one.
    cookie = 'sessionid="abc\\000def' + "a" * 30 + '"'
    assert client.get("/preview/", headers={"cookie": cookie}).status_code == 302
