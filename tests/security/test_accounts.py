"""A5/A6 (accounts): a password change revokes the user's API tokens, however
the password changed; the token page lets a user see, create, replace and
revoke their token; and guessing the old password on the password change
page locks out like failed logins do, before any password is hashed."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "correct horse battery"
NEW_PASSWORD = "another long passphrase here"
TOKEN_PAGE = "/accounts/token/"
CHANGE_PAGE = "/accounts/password_change/"


class OldMD5PasswordHasher(MD5PasswordHasher):
    """A hasher the site no longer prefers: logging in upgrades its hashes."""

    algorithm = "old_md5"


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", password=PASSWORD)


@pytest.fixture
def token(ana):
    return Token.objects.create(user=ana)


def api_status(key, settings) -> int:
    settings.PUBLIC_READ = False
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/actors/").status_code


def change_password(client, old=PASSWORD, new=NEW_PASSWORD, address="203.0.113.7"):
    return client.post(
        CHANGE_PAGE,
        {"old_password": old, "new_password1": new, "new_password2": new},
        REMOTE_ADDR=address,
    )


# --- tokens end with the password ----------------------------------------------


def test_it_revokes_tokens_when_the_password_changes_on_the_page(
    client, ana, token, settings
):
    other = Token.objects.create(user=UserFactory(username="ben"))
    assert api_status(token.key, settings) == 200
    client.force_login(ana)

    response = change_password(client)

    assert response.status_code == 302
    assert not Token.objects.filter(user=ana).exists()
    assert api_status(token.key, settings) == 401
    assert Token.objects.filter(pk=other.pk).exists()


def test_it_revokes_tokens_when_an_admin_sets_the_password(
    client, ana, token, superuser
):
    client.force_login(superuser)

    response = client.post(
        f"/admin/auth/user/{ana.pk}/password/",
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=ana).exists()


def test_it_revokes_tokens_when_an_admin_switches_the_password_off(
    client, ana, token, superuser
):
    client.force_login(superuser)

    response = client.post(
        f"/admin/auth/user/{ana.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )

    assert response.status_code == 302
    ana.refresh_from_db()
    assert not ana.has_usable_password()
    assert not Token.objects.filter(user=ana).exists()


def test_it_revokes_tokens_when_code_or_a_command_sets_the_password(
    ana, token, monkeypatch
):
    ana.set_password(NEW_PASSWORD)
    ana.save()
    assert not Token.objects.filter(user=ana).exists()

    again = Token.objects.create(user=ana)
    answers = iter([PASSWORD + " again", PASSWORD + " again"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", "ana", stdout=None)

    assert not Token.objects.filter(pk=again.pk).exists()


def test_it_keeps_tokens_on_saves_that_do_not_change_the_password(
    client, ana, token, settings
):
    ana.first_name = "Ana"
    ana.save()
    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})

    assert "_auth_user_id" in client.session
    assert Token.objects.filter(pk=token.pk).exists()


def test_it_keeps_tokens_when_a_login_upgrades_the_password_hash(
    client, ana, token, settings
):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        f"{__name__}.OldMD5PasswordHasher",
    ]
    ana.password = make_password(PASSWORD, hasher=OldMD5PasswordHasher())
    ana.save()

    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})

    ana.refresh_from_db()
    assert ana.password.startswith("md5$")
    assert Token.objects.filter(pk=token.pk).exists()


# --- the token page -------------------------------------------------------------


def test_it_sends_anonymous_visitors_of_the_token_page_to_log_in(client, db):
    response = client.get(TOKEN_PAGE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_links_the_token_page_from_the_header_for_logged_in_users(
    client, korea_case, ana
):
    home = reverse("positions:home")
    assert TOKEN_PAGE not in client.get(home).text

    client.force_login(ana)

    assert TOKEN_PAGE in client.get(home).text
    assert CHANGE_PAGE in client.get(home).text


def test_it_creates_shows_once_replaces_and_revokes_a_token(client, ana, settings):
    client.force_login(ana)
    assert "You have no token." in client.get(TOKEN_PAGE).text

    created = client.post(TOKEN_PAGE, {"action": "create"})
    first = Token.objects.get(user=ana)
    assert created.status_code == 200
    assert first.key in created.text
    assert "no-store" in created["Cache-Control"]
    later = client.get(TOKEN_PAGE)
    assert "You have a token" in later.text
    assert first.key not in later.text
    assert api_status(first.key, settings) == 200

    replaced = client.post(TOKEN_PAGE, {"action": "create"})
    second = Token.objects.get(user=ana)
    assert second.key != first.key and second.key in replaced.text
    assert api_status(first.key, settings) == 401

    revoked = client.post(TOKEN_PAGE, {"action": "revoke"})
    assert revoked.status_code == 302
    assert not Token.objects.filter(user=ana).exists()
    assert api_status(second.key, settings) == 401
    assert "Your API token is revoked." in client.get(TOKEN_PAGE).text


def test_it_refuses_token_changes_without_the_csrf_token(ana, token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)

    for action in ("create", "revoke"):
        assert client.post(TOKEN_PAGE, {"action": action}).status_code == 403

    assert Token.objects.get(user=ana).key == token.key


def test_it_refuses_an_unknown_token_action(client, ana, token):
    client.force_login(ana)

    response = client.post(TOKEN_PAGE, {"action": "show-all"})

    assert response.status_code == 400
    assert Token.objects.get(user=ana).key == token.key


# --- guessing the old password --------------------------------------------------


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20


def test_it_locks_out_old_password_guessing_like_a_login(client, ana, lockout):
    client.force_login(ana)

    statuses = [change_password(client, old=f"guess {n}").status_code for n in range(3)]
    locked = change_password(client)

    assert statuses == [200, 200, 429]
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.text
    ana.refresh_from_db()
    assert ana.check_password(PASSWORD)
    # The same count guards the login form from this address.
    login = Client().post(
        "/accounts/login/",
        {"username": "ana", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert login.status_code == 429


def test_it_refuses_a_locked_out_change_before_hashing_any_password(
    client, ana, lockout, monkeypatch
):
    client.force_login(ana)
    for n in range(3):
        change_password(client, old=f"guess {n}")
    checked = []
    monkeypatch.setattr(
        type(ana), "check_password", lambda self, raw: checked.append(raw)
    )

    assert change_password(client).status_code == 429
    assert checked == []


def test_it_counts_old_password_failures_per_user_and_address(client, ana, lockout):
    client.force_login(ana)
    for n in range(3):
        change_password(client, old=f"guess {n}")

    elsewhere = change_password(client, address="198.51.100.9")
    ben_client = Client()
    ben_client.force_login(UserFactory(username="ben", password=PASSWORD))

    assert elsewhere.status_code == 302
    assert change_password(ben_client).status_code == 302


def test_it_does_not_count_a_mistyped_new_password(client, ana, lockout):
    client.force_login(ana)

    for _ in range(4):
        response = client.post(
            CHANGE_PAGE,
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": "something else",
            },
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 200

    assert change_password(client).status_code == 302


def test_it_sends_the_admins_password_change_to_the_one_that_counts(client, ana):
    client.force_login(ana)
    ana.is_staff = True
    ana.save()

    response = client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response.url == CHANGE_PAGE


def test_every_login_backend_is_guarded_by_axes_first(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert ModelBackend.__module__ + ".ModelBackend" in settings.AUTHENTICATION_BACKENDS
