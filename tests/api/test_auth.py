import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from positions.models import Position

READ_PATHS = [
    "/api/v1/",
    "/api/v1/actors/",
    "/api/v1/actors/us/",
    "/api/v1/negotiations/",
    "/api/v1/negotiations/talks/",
    "/api/v1/proposals/",
    "/api/v1/proposals/big-deal/",
    "/api/v1/articles/",
    "/api/v1/events/",
    "/api/v1/positions/",
    "/api/v1/stances/",
    "/api/v1/timeline/",
    "/api/v1/changes/",
    "/api/v1/gap/?a=us&b=north-korea",
    "/api/v1/positions/?format=csv",
    "/api/v1/stances/?format=csv",
    "/api/v1/changes/?format=csv",
]

TRACEBACK_MARKERS = ("Traceback", 'File "', "site-packages", '.py", line')


def _token_for(username):
    out = io.StringIO()
    call_command("drf_create_token", username, stdout=out)
    [key] = re.findall(r"Generated token (\w+) for user", out.getvalue())
    return key


def _new_position(korea_case):
    return {
        "actor": "south-korea",
        "proposal": "big-deal",
        "stance": 1,
        "stated_on": "2019-03-27",
        "article": korea_case.herald.pk,
        "quote": "a comprehensive road map",
    }


def test_it_accepts_a_token_made_by_drf_create_token(korea_case, analyst):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token_for('analyst')}")

    response = client.post(
        "/api/v1/positions/", _new_position(korea_case), format="json"
    )

    assert response.status_code == 201, response.content
    position = Position.objects.get(pk=response.json()["id"])
    assert (position.actor.slug, position.stance, position.recorded_by) == (
        "south-korea",
        1,
        analyst,
    )


def test_it_refuses_a_write_without_credentials_and_saves_nothing(
    api_client, korea_case
):
    before = Position.objects.count()

    response = api_client.post(
        "/api/v1/positions/", _new_position(korea_case), format="json"
    )

    assert response.status_code == 401
    assert Position.objects.count() == before


def test_it_answers_missing_or_unknown_credentials_with_401(
    api_client, korea_case, settings
):
    settings.PUBLIC_READ = False
    with_bad_token = APIClient()
    with_bad_token.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    anonymous_read = api_client.get("/api/v1/positions/")
    anonymous_write = api_client.post(
        "/api/v1/positions/", _new_position(korea_case), format="json"
    )
    bad_token_read = with_bad_token.get("/api/v1/positions/")

    assert [
        anonymous_read.status_code,
        anonymous_write.status_code,
        bad_token_read.status_code,
    ] == [401, 401, 401]
    assert bad_token_read["WWW-Authenticate"] == "Token"


def test_it_refuses_a_write_by_a_reader_without_the_permission(reader, korea_case):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token_for('reader')}")
    before = Position.objects.count()

    response = client.post(
        "/api/v1/positions/", _new_position(korea_case), format="json"
    )

    assert response.status_code == 403
    assert Position.objects.count() == before


@pytest.mark.parametrize("path", READ_PATHS)
def test_it_lets_anyone_read_when_public_read_is_on(api_client, korea_case, path):
    response = api_client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", READ_PATHS)
def test_it_refuses_anonymous_reads_when_public_read_is_off(
    api_client, korea_case, settings, path
):
    settings.PUBLIC_READ = False

    response = api_client.get(path)

    assert response.status_code == 401
    # Not even the CSV header leaks.
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("path", READ_PATHS)
def test_it_lets_a_logged_in_reader_read_when_public_read_is_off(
    reader_api, korea_case, settings, path
):
    settings.PUBLIC_READ = False

    response = reader_api.get(path)

    assert response.status_code == 200


def test_it_lets_a_token_holder_read_when_public_read_is_off(
    reader, korea_case, settings
):
    settings.PUBLIC_READ = False
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token_for('reader')}")

    response = client.get("/api/v1/stances/?as_of=2019-03-28&actor=us")

    assert response.status_code == 200
    assert [row["proposal"] for row in response.json()["results"]] == ["big-deal"]


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        SimpleRateThrottle.THROTTLE_RATES | {"anon": "2/minute", "user": "3/minute"},
    )
    cache.clear()
    yield
    cache.clear()


def test_it_throttles_the_third_anonymous_request_with_retry_after(
    api_client, korea_case, low_rates
):
    statuses = [api_client.get("/api/v1/actors/").status_code for _ in range(2)]
    third = api_client.get("/api/v1/stances/")

    assert statuses == [200, 200]
    assert third.status_code == 429
    assert 0 < int(third["Retry-After"]) <= 60
    assert "detail" in third.json()


def test_it_throttles_a_user_at_the_user_rate(reader_api, korea_case, low_rates):
    statuses = [reader_api.get("/api/v1/actors/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_it_counts_anonymous_clients_apart_by_address(korea_case, low_rates):
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")

    first_statuses = [first.get("/api/v1/actors/").status_code for _ in range(3)]
    second_status = second.get("/api/v1/actors/").status_code

    assert first_statuses == [200, 200, 429]
    assert second_status == 200


def test_it_cannot_be_dodged_by_forging_x_forwarded_for(
    api_client, korea_case, low_rates
):
    statuses = [
        api_client.get(
            "/api/v1/actors/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]


def _error_responses(korea_case, reader_api, analyst_api, settings):
    """(the status expected, the response) of requests that must fail."""
    anonymous = APIClient()
    yield 400, anonymous.get("/api/v1/positions/?actor=nobody")
    yield 400, anonymous.get("/api/v1/positions/?stated_after=2019-99-99")
    yield 400, anonymous.get("/api/v1/positions/?stance_min=seven")
    yield 400, anonymous.get("/api/v1/positions/?cursor=%%%")
    yield 400, anonymous.get("/api/v1/stances/?as_of=not-a-date")
    yield 400, anonymous.get("/api/v1/changes/?kind=u-turn")
    yield 400, anonymous.get("/api/v1/gap/")
    yield 404, anonymous.get("/api/v1/positions/999999/")
    yield 404, anonymous.get("/api/v1/positions/999999/history/")
    yield 404, anonymous.get("/api/v1/actors/nobody/")
    yield 401, anonymous.post("/api/v1/positions/", {}, format="json")
    yield 403, reader_api.post("/api/v1/positions/", {}, format="json")
    yield (
        400,
        analyst_api.post(
            "/api/v1/positions/", "{not json", content_type="application/json"
        ),
    )
    yield (
        400,
        analyst_api.post(
            "/api/v1/positions/",
            {"actor": "mike-pompeo", "proposal": "big-deal", "stance": 9},
            format="json",
        ),
    )
    yield (
        400,
        analyst_api.post("/api/v1/positions/bulk/", {"not": "a list"}, format="json"),
    )
    yield 403, analyst_api.delete(f"/api/v1/articles/{korea_case.herald.pk}/")
    yield (
        412,
        analyst_api.put(
            f"/api/v1/positions/{korea_case.us_big_deal.pk}/",
            {"stance": 1, "version": 1},
            format="json",
            HTTP_IF_MATCH='"stale"',
        ),
    )
    settings.PUBLIC_READ = False
    yield 401, anonymous.get("/api/v1/changes/?format=csv")


def test_it_never_puts_a_traceback_in_an_error_response(
    korea_case, reader_api, analyst_api, settings
):
    expected, responses = zip(
        *_error_responses(korea_case, reader_api, analyst_api, settings), strict=True
    )

    assert [response.status_code for response in responses] == list(expected), [
        (response.status_code, response.content[:200]) for response in responses
    ]
    for response in responses:
        assert response["Content-Type"] == "application/json", response.content
        body = response.content.decode()
        assert not any(marker in body for marker in TRACEBACK_MARKERS), body
