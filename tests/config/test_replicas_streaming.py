"""Read replicas against a real PostgreSQL streaming replica (`.ci/replica`).

How these tests reach data on the replica: a replica cannot have a test
database created on it, so the replica alias is a test mirror of "default"
(config/settings.py). pytest-django creates the test database on the
primary, and the replica receives it, and every row the tests commit, by
streaming replication, as it would in production. The tests are therefore
transactional (their rows are committed, not held in a transaction only the
primary's connection sees). They pause the replica's replay and stop the
replica itself, so they must not run beside one another: one xdist group,
and CI runs them with -n 0.

Run (as CI does):

    .ci/replica start
    url=$(.ci/replica url stance_wt_replicas)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stance_wt_replicas \\
      DATABASE_REPLICA_URLS=$url REPLICA_TEST_URL=$url \\
      .venv/bin/pytest -n 0 tests/config/test_replicas_streaming.py
"""

import contextlib
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from config.lib import replicas
from positions.models import Article
from tests.factories import ArticleFactory, PositionFactory

REPLICA = "replica1"
REPLICA_CTL = Path(__file__).resolve().parents[2] / ".ci" / "replica"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REPLICA_TEST_URL"),
        reason="needs a streaming replica: run `.ci/replica start`, then set "
        "REPLICA_TEST_URL and DATABASE_REPLICA_URLS to `.ci/replica url DB` "
        "(DB: the database of DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
    pytest.mark.xdist_group("replica"),
]


@pytest.fixture(autouse=True)
def replica_configured(settings):
    # A test that meant to run must not pass by reading the primary.
    assert settings.READ_REPLICAS == [REPLICA], (
        "REPLICA_TEST_URL is set but DATABASE_REPLICA_URLS does not name it"
    )
    settings.REPLICA_CHECK_SECONDS = 0
    replicas.forget_health()
    # A read the paused replica cannot answer fails the test instead of
    # hanging it (the requests share this thread's connection).
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SET statement_timeout = '10s'")
    yield
    replicas.forget_health()


def scalar(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def queries_on(alias: str) -> CaptureQueriesContext:
    # The log keeps the last 9,000 queries: the migrations of the test
    # database fill it, and a full one would capture nothing.
    connections[alias].queries_log.clear()
    return CaptureQueriesContext(connections[alias])


def wait_until_replayed():
    """Until the replica has replayed everything the primary has written."""
    lsn = scalar(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")
    for _ in range(100):
        if scalar(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up within 10 s")


@contextlib.contextmanager
def replay_paused():
    """The replica receives the primary's changes but applies none of them."""
    # Paused in the middle of a transaction (the previous test's flush),
    # replay would keep that transaction's table locks on the replica.
    wait_until_replayed()
    scalar(REPLICA, "SELECT pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        scalar(REPLICA, "SELECT pg_wal_replay_resume()::text")


def article(title: str) -> Article:
    return ArticleFactory(title=title, url=f"https://example.org/{title}")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_it_reads_a_get_request_from_the_replica_and_a_write_from_the_primary():
    def in_recovery(request):
        # The alias the router picked for this request's reads.
        alias = router.db_for_read(Article)
        return HttpResponse(str(scalar(alias, "SELECT pg_is_in_recovery()")))

    middleware = replicas.ReplicaMiddleware(in_recovery)

    assert middleware(RequestFactory().get("/")).content == b"True"
    assert middleware(RequestFactory().post("/")).content == b"False"


def test_it_answers_a_list_its_version_and_its_data_from_the_replica():
    article("on-both")
    wait_until_replayed()
    version = scalar(REPLICA, "SELECT version FROM positions_dataversioncounter")

    with (
        queries_on(REPLICA) as on_replica,
        queries_on(DEFAULT_DB_ALIAS) as on_primary,
    ):
        response = APIClient().get("/api/v1/articles/")

    assert titles(response) == ["on-both"]
    assert response["X-Data-Version"] == str(version)
    replica_sql = [query["sql"] for query in on_replica.captured_queries]
    snapshot = next(n for n, sql in enumerate(replica_sql) if "REPEATABLE" in sql)
    counter = next(
        n for n, sql in enumerate(replica_sql) if "dataversioncounter" in sql
    )
    assert snapshot < counter
    assert any("positions_article" in sql for sql in replica_sql)
    assert not any(
        "positions_" in query["sql"] for query in on_primary.captured_queries
    )


def test_it_streams_a_csv_export_from_the_replica():
    position = PositionFactory(quote="streamed from the replica")
    wait_until_replayed()

    with (
        queries_on(REPLICA) as on_replica,
        queries_on(DEFAULT_DB_ALIAS) as on_primary,
    ):
        response = APIClient().get("/api/v1/positions/?format=csv")
        # The body is read after the request has returned, as a server does.
        body = b"".join(response.streaming_content).decode()
        replica_sql = [query["sql"] for query in on_replica.captured_queries]
        primary_sql = [query["sql"] for query in on_primary.captured_queries]

    assert position.quote in body
    # The export's own snapshot, taken on the replica.
    assert any("READ ONLY" in sql for sql in replica_sql)
    assert not any("positions_" in sql for sql in primary_sql)


def test_it_shows_a_writer_their_own_edit_while_the_replica_lags(analyst, settings):
    settings.REPLICA_MAX_LAG = 3600
    writer = APIClient()
    writer.force_authenticate(analyst)

    with replay_paused():
        created = writer.post(
            "/api/v1/articles/",
            {
                "url": "https://example.org/new",
                "title": "new",
                "outlet": "Example",
                "published_on": "2019-03-02",
            },
        )
        # The writer reads from the primary (the cookie); anyone else from
        # the replica, which has not applied the write yet.
        by_writer = titles(writer.get("/api/v1/articles/"))
        by_other = titles(APIClient().get("/api/v1/articles/"))

    assert created.status_code == 201, created.content
    assert replicas.STICKY_COOKIE in created.cookies
    assert (by_writer, by_other) == (["new"], [])


def test_it_skips_a_replica_that_lags_but_not_one_whose_primary_is_idle(settings):
    settings.REPLICA_MAX_LAG = 1
    wait_until_replayed()
    time.sleep(1.5)
    # No write here for longer than the lag allowed: caught up all the same.
    assert replicas.healthy_replicas() == [REPLICA]

    with replay_paused():
        article("unreplayed")
        time.sleep(1.5)
        healthy = replicas.healthy_replicas()
        listed = titles(APIClient().get("/api/v1/articles/"))

    assert (healthy, listed) == ([], ["unreplayed"])


def replica_ctl(command: str) -> None:
    subprocess.run([str(REPLICA_CTL), command], check=True, capture_output=True)


def test_it_reads_from_the_primary_while_the_replica_is_stopped(settings):
    article("kept")
    wait_until_replayed()
    reader = APIClient()
    assert titles(reader.get("/api/v1/articles/")) == ["kept"]
    # Known healthy for a while: the first read after the stop finds out.
    settings.REPLICA_CHECK_SECONDS = 60
    assert replicas.healthy_replicas() == [REPLICA]

    replica_ctl("stop")
    try:
        with queries_on(DEFAULT_DB_ALIAS) as on_primary:
            first = reader.get("/api/v1/articles/")
        # (Read before the next request empties the log.)
        first_on_primary = [query["sql"] for query in on_primary.captured_queries]
        second = reader.get("/api/v1/articles/")
    finally:
        connections[REPLICA].close()
        replica_ctl("start")

    assert titles(first) == titles(second) == ["kept"]
    assert any("positions_article" in sql for sql in first_on_primary)
    assert replicas.healthy_replicas() == []
