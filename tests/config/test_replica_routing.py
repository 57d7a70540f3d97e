"""Where the router sends a request's reads, without a database behind the
replica alias: the view records the alias it would read from. The real
replica is exercised in test_replicas_streaming.py."""

import datetime

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, DatabaseError, router
from django.http import HttpResponse
from django.test import RequestFactory

from config.lib import replicas
from positions.models import Article

REPLICA = "replica1"


@pytest.fixture(autouse=True)
def one_healthy_replica(settings, monkeypatch):
    settings.READ_REPLICAS = [REPLICA]
    probes = []

    def probe(alias, sql, params=()):
        probes.append(alias)
        if alias == DEFAULT_DB_ALIAS:
            return ("0/10",)
        return (True, True, 0.0)

    monkeypatch.setattr(replicas, "_probe", probe)
    replicas.forget_health()
    yield probes
    replicas.forget_health()


def reads_from(request, view=None):
    """The alias the view read from, and the response."""
    seen = []

    def record(request):
        seen.append(router.db_for_read(Article))
        if view is not None:
            return view(request)
        return HttpResponse()

    response = replicas.ReplicaMiddleware(record)(request)
    return seen[0], response


def test_it_reads_from_a_replica_in_a_get_request():
    alias, response = reads_from(RequestFactory().get("/api/v1/articles/"))

    assert alias == REPLICA
    assert replicas.STICKY_COOKIE not in response.cookies


def test_it_reads_and_writes_on_the_primary_outside_a_request():
    assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Article) == DEFAULT_DB_ALIAS


def test_it_reads_from_the_primary_in_a_writing_request_and_makes_the_client_stick():
    alias, response = reads_from(RequestFactory().post("/api/v1/articles/"))

    assert alias == DEFAULT_DB_ALIAS
    assert response.cookies[replicas.STICKY_COOKIE]["max-age"] == 5
    assert response.cookies[replicas.STICKY_COOKIE]["httponly"]


def test_it_does_not_make_a_client_stick_for_a_refused_write():
    def refuse(request):
        return HttpResponse(status=400)

    _, response = reads_from(RequestFactory().post("/api/v1/articles/"), refuse)

    assert replicas.STICKY_COOKIE not in response.cookies


def sticky_cookie() -> str:
    _, response = reads_from(RequestFactory().post("/api/v1/articles/"))
    return response.cookies[replicas.STICKY_COOKIE].value


def test_it_reads_from_the_primary_for_a_client_that_just_wrote():
    request = RequestFactory().get("/api/v1/articles/")
    request.COOKIES[replicas.STICKY_COOKIE] = sticky_cookie()

    assert reads_from(request)[0] == DEFAULT_DB_ALIAS


def test_it_sends_a_writer_back_to_the_replicas_after_the_sticky_seconds():
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)):
        cookie = sticky_cookie()
    request = RequestFactory().get("/api/v1/articles/")
    request.COOKIES[replicas.STICKY_COOKIE] = cookie

    with time_machine.travel(
        datetime.datetime(2026, 1, 1, 0, 0, 7, tzinfo=datetime.UTC)
    ):
        assert reads_from(request)[0] == REPLICA


def test_it_ignores_a_sticky_cookie_that_was_not_signed_here():
    request = RequestFactory().get("/api/v1/articles/")
    request.COOKIES[replicas.STICKY_COOKIE] = "1"

    assert reads_from(request)[0] == REPLICA


def test_it_reads_from_the_primary_once_a_get_request_has_written():
    seen = []

    def write_then_read(request):
        router.db_for_write(Article)
        seen.append(router.db_for_read(Article))
        return HttpResponse()

    _, response = reads_from(RequestFactory().get("/"), write_then_read)

    assert seen == [DEFAULT_DB_ALIAS]
    assert replicas.STICKY_COOKIE in response.cookies


def test_it_does_not_count_a_session_or_cache_write_as_a_write():
    def save_session(request):
        from django.contrib.sessions.models import Session

        router.db_for_write(Session)
        return HttpResponse()

    _, response = reads_from(RequestFactory().get("/"), save_session)

    assert replicas.STICKY_COOKIE not in response.cookies


def test_it_reads_sessions_and_tokens_from_the_primary_in_a_get_request():
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    def read(request):
        return HttpResponse(
            f"{router.db_for_read(Session)} {router.db_for_read(Token)}"
        )

    _, response = reads_from(RequestFactory().get("/"), read)

    assert response.content.decode() == "default default"


def test_it_reads_from_the_primary_in_the_admin():
    assert reads_from(RequestFactory().get("/admin/"))[0] == DEFAULT_DB_ALIAS


def test_it_reads_from_the_primary_in_a_view_marked_reads_primary():
    @replicas.reads_primary
    def edit_form(request):
        return HttpResponse(router.db_for_read(Article))

    _, response = reads_from(RequestFactory().get("/positions/1/edit/"), edit_form)

    assert response.content.decode() == DEFAULT_DB_ALIAS


def test_it_reads_from_the_primary_when_no_replica_is_healthy(monkeypatch):
    monkeypatch.setattr(replicas, "replica_usable", lambda alias, lsn: False)

    assert reads_from(RequestFactory().get("/"))[0] == DEFAULT_DB_ALIAS


def test_it_checks_a_replica_once_per_interval(one_healthy_replica, settings):
    settings.REPLICA_CHECK_SECONDS = 60

    reads_from(RequestFactory().get("/"))
    reads_from(RequestFactory().get("/"))

    assert one_healthy_replica == [DEFAULT_DB_ALIAS, REPLICA]


def test_it_answers_from_the_primary_when_the_replica_failed_meanwhile(monkeypatch):
    seen = []

    def fails_on_the_replica(request):
        alias = router.db_for_read(Article)
        seen.append(alias)
        return HttpResponse(status=503 if alias == REPLICA else 200)

    replicas.healthy_replicas()
    monkeypatch.setattr(replicas, "replica_usable", lambda alias, lsn: False)
    response = replicas.ReplicaMiddleware(fails_on_the_replica)(
        RequestFactory().get("/")
    )

    assert (seen, response.status_code) == ([REPLICA, DEFAULT_DB_ALIAS], 200)
    assert replicas.healthy_replicas() == []


def usable(monkeypatch, settings, row) -> bool:
    settings.REPLICA_MAX_LAG = 2

    def probe(alias, sql, params=()):
        if isinstance(row, Exception):
            raise row
        return row

    monkeypatch.setattr(replicas, "_probe", probe)
    return replicas.replica_usable(REPLICA, "0/10")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # (in recovery, replayed the primary's position, seconds since the
        # last replayed transaction)
        ((True, True, 3600.0), True),  # caught up with an idle primary
        ((True, False, 1.5), True),  # behind, within the lag allowed
        ((True, False, 10.0), False),  # behind, too far
        ((True, False, None), False),  # never replayed a transaction
        ((False, True, None), False),  # promoted: no longer a replica
        (DatabaseError("connection refused"), False),  # down
    ],
)
def test_it_skips_a_replica_that_lags_or_is_down(monkeypatch, settings, row, expected):
    assert usable(monkeypatch, settings, row) is expected


def test_it_never_migrates_a_replica():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "positions")
    assert not router.allow_migrate(REPLICA, "positions")
