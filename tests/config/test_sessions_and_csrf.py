"""A3 and A6: CSRF on session writes, and the session's lifecycle."""

from django.test import Client
from rest_framework.test import APIClient

from positions.models import Position
from tests.factories import UserFactory

PASSWORD = "correct horse battery"


def position_body(korea_case):
    return {
        "actor": "us",
        "proposal": "road-map",
        "stance": 1,
        "stated_on": "2019-03-28",
        "article": korea_case.herald.pk,
    }


def test_it_refuses_a_session_api_write_without_a_csrf_token(korea_case, analysts):
    user = UserFactory(username="ana", password=PASSWORD, groups=[analysts])
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ana", password=PASSWORD)
    before = Position.objects.count()

    response = client.post(
        "/api/v1/positions/", position_body(korea_case), format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Position.objects.count() == before
    assert user.is_authenticated


def test_it_needs_no_csrf_token_with_a_token(korea_case, analysts):
    from rest_framework.authtoken.models import Token

    user = UserFactory(username="ana", password=PASSWORD, groups=[analysts])
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}"
    )

    response = client.post(
        "/api/v1/positions/", position_body(korea_case), format="json"
    )

    assert response.status_code == 201


def test_it_changes_nothing_on_get(korea_case, client):
    before = Position.objects.count(), Position.history.count()

    for path in ("/", "/changes/", "/api/v1/positions/", "/accounts/logout/"):
        client.get(path)

    assert (Position.objects.count(), Position.history.count()) == before


def test_it_rotates_the_session_key_at_login(db):
    UserFactory(username="ana", password=PASSWORD)
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    anonymous_key = client.session.session_key

    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})

    assert client.session.session_key != anonymous_key
    assert "_auth_user_id" in client.session


def test_it_forgets_the_old_session_cookie_after_logout(db):
    UserFactory(username="ana", password=PASSWORD)
    client = Client()
    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    old_cookie = client.cookies["sessionid"].value

    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    response = replay.get("/articles/new/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_logs_out_other_sessions_when_the_password_changes(db):
    user = UserFactory(username="ana", password=PASSWORD)
    other = Client()
    other.post("/accounts/login/", {"username": "ana", "password": PASSWORD})

    user.set_password("another long enough passphrase")
    user.save()

    assert other.get("/articles/new/").status_code == 302


def test_it_marks_the_session_cookie_http_only_and_same_site(db):
    UserFactory(username="ana", password=PASSWORD)
    client = Client()

    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
