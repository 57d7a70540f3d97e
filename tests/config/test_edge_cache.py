"""The edge in front of Django (config/lib/edge_cache.py), through the WSGI
application the servers run: a repeated anonymous read is answered from
Redis without Django, with the same body and headers, its rates counted; a
write is read at once; past a rate Django refuses the request as always.
Across real processes: test_response_cache_processes.py."""

import json
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from rest_framework.authtoken.models import Token

from config.lib import edge_cache
from config.lib.throttling import AnonPageThrottle, AnonymousRateThrottle
from positions.api.lean import LeanPositionReads
from tests.config.test_response_cache import a_new_position
from tests.wsgi import call, connection_kept

LIST = "/api/v1/positions/?proposal=big-deal"
ANALYSIS = "/api/v1/stances/?proposal=big-deal"
PAGE = "/proposals/big-deal/"
RATE_HEADERS = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


class Edge:
    """The servers' application (the edge around Django's handler), noting
    which requests reached Django."""

    def __init__(self):
        self.reached_django = []
        handler = WSGIHandler()

        def django(environ, start_response):
            self.reached_django.append(environ["PATH_INFO"])
            return handler(environ, start_response)

        self.app = edge_cache.EdgeCache(django)

    def get(self, path, **headers):
        self.reached_django.clear()
        status, headers, body = call(self.app, path, **headers)
        return int(status.split()[0]), headers, body

    def reached(self, path) -> bool:
        """Whether the last request, for ``path``, reached Django."""
        return path.split("?")[0] in self.reached_django


@pytest.fixture
def edge(shared_cache):
    with connection_kept():
        yield Edge()


@pytest.fixture
def position_detail(korea_case):
    return f"/api/v1/positions/{korea_case.herald.positions.first().pk}/"


def without_rates(headers):
    return {name: value for name, value in headers.items() if name not in RATE_HEADERS}


@pytest.mark.parametrize("path", [LIST, ANALYSIS, PAGE, "detail"])
def test_a_repeated_anonymous_read_is_answered_without_django(
    korea_case, edge, position_detail, path
):
    path = position_detail if path == "detail" else path

    first = edge.get(path)
    assert edge.reached(path)
    second = edge.get(path)

    assert not edge.reached(path)
    assert first[0] == second[0] == 200
    assert second[2] == first[2]
    assert without_rates(second[1]) == without_rates(first[1])


def test_the_api_answers_name_the_rate_left_as_django_would(korea_case, edge):
    _, first, _ = edge.get(LIST)
    _, second, _ = edge.get(LIST)

    assert second["RateLimit-Limit"] == first["RateLimit-Limit"]
    assert int(second["RateLimit-Remaining"]) == int(first["RateLimit-Remaining"]) - 1
    assert 0 <= int(second["RateLimit-Reset"]) <= 60


def test_a_write_is_read_at_once(korea_case, edge, django_capture_on_commit_callbacks):
    _, _, before = edge.get(LIST)
    edge.get(LIST)
    assert not edge.reached(LIST)

    with django_capture_on_commit_callbacks(execute=True):
        a_new_position(korea_case)
    status, headers, after = edge.get(LIST)

    assert edge.reached(LIST)
    assert status == 200
    quotes = [position["quote"] for position in json.loads(after)["results"]]
    assert "a road map of our own, step by step" in quotes
    assert len(quotes) == len(json.loads(before)["results"]) + 1


def test_a_lost_publication_lags_at_most_the_seconds_it_stands(
    korea_case, edge, settings
):
    """A process killed between its commit and its publication: the next
    reads ask the primary once the published version has expired."""
    settings.RESPONSE_CACHE_VERSION_SECONDS = 1
    edge.get(LIST)
    # Written, its on-commit publication never run (the test's transaction).
    a_new_position(korea_case)
    time.sleep(1.1)
    _, _, after = edge.get(LIST)

    quotes = [position["quote"] for position in json.loads(after)["results"]]
    assert "a road map of our own, step by step" in quotes


def test_a_conditional_get_is_answered_304_without_django(korea_case, edge):
    _, headers, _ = edge.get(LIST)

    status, not_modified, body = edge.get(LIST, if_none_match=headers["ETag"])

    assert not edge.reached(LIST)
    assert status == 304
    assert body == b""
    assert not_modified["ETag"] == headers["ETag"]
    assert "Content-Length" not in not_modified


@pytest.mark.parametrize(
    "credentials",
    [{"cookie": "sessionid=abc"}, {"authorization": "Token abc"}],
    ids=["session cookie", "authorization"],
)
def test_a_request_with_credentials_always_reaches_django(
    korea_case, edge, credentials
):
    edge.get(PAGE)
    edge.get(PAGE)
    assert not edge.reached(PAGE)

    edge.get(PAGE, **credentials)

    assert edge.reached(PAGE)


def test_a_signed_in_answer_is_never_kept(korea_case, edge, curator):
    token = Token.objects.create(user=curator).key
    for _ in range(2):
        status, _, _ = edge.get(LIST, authorization=f"Token {token}")
        assert status == 200
        assert edge.reached(LIST)

    edge.get(LIST)

    assert edge.reached(LIST)


def test_a_read_of_the_past_is_kept_by_django_alone(korea_case, edge):
    past = f"{LIST}&known_at=2030-01-01T00:00:00Z"
    edge.get(past)
    edge.get(past)

    assert edge.reached(past)


def test_an_error_is_never_kept(korea_case, edge):
    for _ in range(2):
        status, _, _ = edge.get("/api/v1/positions/999999/")
        assert status == 404
        assert edge.reached("/api/v1/positions/999999/")


@pytest.fixture
def three_a_minute(monkeypatch):
    for throttle, scope in (
        (AnonymousRateThrottle, "anon"),
        (AnonPageThrottle, "anon_pages"),
    ):
        monkeypatch.setattr(
            throttle,
            "THROTTLE_RATES",
            dict(throttle.THROTTLE_RATES, **{scope: "3/minute"}),
        )


@pytest.mark.parametrize("path", [LIST, PAGE])
def test_past_a_rate_django_refuses_and_the_count_stays_exact(
    korea_case, edge, three_a_minute, shared_cache, path
):
    answers = []
    for _ in range(3):
        answers.append((edge.get(path)[0], edge.reached(path)))
    refused, headers, _ = edge.get(path)

    # The first a miss, the others answered in front of Django.
    assert answers == [(200, True), (200, False), (200, False)]
    assert refused == 429
    assert edge.reached(path)
    assert int(headers["Retry-After"]) >= 1
    # The edge's hits were counted where Django counts, and neither counted
    # the refused request.
    [count] = [
        int(shared_cache.client.get(key))
        for key in shared_cache.keys("throttle_anon")
        if "_127.0.0.1:" in key
    ]
    assert count == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the lean reads: PostgreSQL only"
)
@pytest.mark.parametrize("path", [LIST, "detail"])
def test_a_lean_answer_is_kept_and_a_write_read_at_once(
    korea_case, shared_cache, position_detail, django_capture_on_commit_callbacks, path
):
    path = position_detail if path == "detail" else path
    reached = []
    handler = WSGIHandler()

    def django(environ, start_response):
        reached.append("django")
        return handler(environ, start_response)

    lean = LeanPositionReads(django)

    def lean_counted(environ, start_response):
        reached.append("lean")
        return lean(environ, start_response)

    app = edge_cache.EdgeCache(lean_counted)
    with connection_kept():
        first = call(app, path)
        by_first, reached[:] = list(reached), []
        second = call(app, path)
        by_second, reached[:] = list(reached), []
        with django_capture_on_commit_callbacks(execute=True):
            a_new_position(korea_case)
        after = call(app, path)

    assert by_first == ["lean"]  # read lean, not by Django
    assert by_second == []  # kept in front of both
    assert second[2] == first[2]
    assert reached == ["lean"]
    assert after[0] == "200 OK"
    if path == LIST:
        assert b"a road map of our own, step by step" in after[2]
