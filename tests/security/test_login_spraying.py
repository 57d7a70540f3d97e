"""A5 (lockout, extended): one address guessing a password for many usernames
is locked out too, with its own higher limit; a success with one account does
not clear the address's failures with the others; the address is the one the
API throttles use (a forged X-Forwarded-For does not pick another); and a
locked-out client's attempts never reach the password hasher."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery"
ADDRESS = "203.0.113.7"
USERNAMES = ["ana", "ben", "cy", "dee", "eve"]


@pytest.fixture
def lockout(settings, db):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    for username in [*USERNAMES, "zoe"]:
        UserFactory(username=username, password=PASSWORD)


def attempt(client, username, password, address=ADDRESS, **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def spray(client, times, **kwargs):
    """``times`` wrong passwords from one address, spread over five usernames
    so that no username reaches its own limit."""
    return [
        attempt(client, USERNAMES[n % len(USERNAMES)], f"guess {n}", **kwargs)
        for n in range(times)
    ]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_out_an_address_spraying_many_usernames(client, lockout):
    responses = spray(client, 20)

    assert [r.status_code for r in responses[:19]] == [200] * 19
    assert responses[19].status_code == 429
    locked = attempt(client, "zoe", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.text
    assert not logged_in(client)


def test_it_still_lets_another_address_in(client, lockout):
    spray(client, 20)

    response = attempt(client, "zoe", PASSWORD, address="198.51.100.9")

    assert response.status_code == 302
    assert logged_in(client)


def test_it_lets_the_right_password_in_below_the_address_limit(client, lockout):
    spray(client, 19)

    response = attempt(client, "zoe", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_it_keeps_counting_the_address_after_one_account_logs_in(client, lockout):
    spray(client, 19)
    assert attempt(client, "zoe", PASSWORD).status_code == 302
    client.logout()

    after = attempt(client, "ana", "one more guess")

    assert after.status_code == 429


def test_it_counts_the_socket_address_whatever_x_forwarded_for_says(
    client, lockout, settings
):
    settings.NUM_PROXIES = 0
    responses = [
        attempt(
            client,
            USERNAMES[n % 5],
            "guess",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        for n in range(20)
    ]

    assert responses[-1].status_code == 429


def test_it_counts_clients_behind_a_trusted_proxy_apart(client, lockout, settings):
    settings.NUM_PROXIES = 1
    proxy = "10.0.0.1"
    spray(client, 20, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.1")

    # Another client behind the same proxy; the forged first entry is ignored.
    response = attempt(
        client,
        "zoe",
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2",
    )

    assert response.status_code == 302
    locked = attempt(
        client,
        "zoe",
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.1",
    )
    assert locked.status_code == 429


def test_it_refuses_a_locked_out_client_before_hashing_the_password(
    client, lockout, monkeypatch
):
    spray(client, 20)
    hashed = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        hashed.append(username)
        return original(self, request, username, password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)

    for username in ["zoe", "nobody", "ana"]:
        assert attempt(client, username, PASSWORD).status_code == 429

    assert hashed == []
    # The same spy sees attempts from an address that is not locked out.
    attempt(client, "zoe", PASSWORD, address="198.51.100.9")
    assert hashed == ["zoe"]
