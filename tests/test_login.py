"""Logins are throttled: five failures for an account or from an address pause every
attempt, the right password included, for fifteen minutes."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from explainer.access import client_ip

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.django_db


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_the_right_password_logs_in(client, editor):
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_five_failures_for_an_account_refuse_even_the_right_password(client, editor):
    statuses = [log_in(client, "editor", "wrong", address="198.51.100.1").status_code]
    statuses += [log_in(client, "editor", "wrong", address="198.51.100.1").status_code]
    statuses += [log_in(client, "editor", "wrong").status_code for _ in range(3)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account
    response = log_in(client, "editor", PASSWORD, address="198.51.100.2")
    assert response.status_code == 429
    assert "paused for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_from_an_address_refuse_other_accounts_too(client, editor):
    for n in range(5):
        log_in(client, f"guess-{n}", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 429


def test_logging_in_does_not_wipe_guesses_at_another_account(client, editor, admin_user):
    for _ in range(4):
        log_in(client, "admin", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "admin", "wrong").status_code == 429


def test_behind_the_proxy_the_forwarded_address_is_the_one_locked_out(client, editor, settings):
    settings.PROXY_COUNT = 1
    for n in range(5):
        client.post(
            reverse("admin:login"),
            {"username": f"guess-{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
    locked = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert elsewhere.status_code == 302


def test_four_failures_then_the_right_password_still_log_in(client, editor):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_after_fifteen_minutes_the_right_password_works_again(client, editor):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 429
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_editors_cannot_see_or_clear_lockouts(editor_client):
    url = reverse("admin:axes_accessattempt_changelist")
    assert editor_client.get(url).status_code == 403


def test_whoever_manages_users_can_see_and_clear_them(admin_client, client, editor):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "editor" in listing.content.decode()
    AccessAttempt.objects.all().delete()  # what the admin's delete action does
    assert log_in(client, "editor", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "10.0.0.9", "192.0.2.1"),  # no proxy: the header is the client's own say-so
        (1, "10.0.0.9, 198.51.100.4", "198.51.100.4"),  # nginx appended the real peer
        (1, "", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
    ],
)
def test_the_throttled_address_is_the_one_our_proxy_saw(settings, proxies, forwarded, address):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().post(
        "/admin/login/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == address
