"""The shared cache across processes: two gunicorn servers on one database
and one Redis, as two workers or two machines would be. What one caches the
other answers from; a write through one is read through the other at once;
their throttle counters are one.

The servers read the database the test committed (``transactional_db``): on
PostgreSQL the test database itself, on SQLite a copy of it in a file (the
test database is in memory). Writes then go through the servers only.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import build_korea_case

ROOT = Path(__file__).resolve().parents[2]
LIST = "/api/v1/positions/?proposal=big-deal"

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url(tmp_path) -> str:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        login = quote(db["USER"] or "postgres")
        if db["PASSWORD"]:
            login += ":" + quote(db["PASSWORD"])
        where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return f"postgres://{login}@{where}/{db['NAME']}"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Both servers behind one name, as behind a proxy: the name is part of the
# key (absolute links in the bodies name it).
HOST = "127.0.0.1:8000"


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers={"Host": HOST, **headers})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def start_servers(shared_cache, tmp_path):
    """Starts ``count`` gunicorn servers on the test's data, the shared
    cache and the given settings; stops them after the test."""
    started = []

    def start(count: int, **settings) -> list[str]:
        database_url = _database_url(tmp_path)
        environment = os.environ | {
            "DATABASE_URL": database_url,
            "CACHE_URL": shared_cache.url,
            "CACHE_KEY_PREFIX": shared_cache.prefix,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            "CONN_MAX_AGE": "0",
            **settings,
        }
        urls = []
        for number in range(count):
            port = _free_port()
            log = open(tmp_path / f"server-{number}.log", "w")  # noqa: SIM115
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append((server, log))
            urls.append(f"http://127.0.0.1:{port}")
        for url, (server, log) in zip(urls, started[-count:], strict=True):
            _wait_for(url, server, Path(log.name))
        return urls

    yield start
    for server, log in started:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_for(url: str, server, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The server stopped:\n{log.read_text()}")
        try:
            # A page: its rate is not the API's, which a test may set low.
            urllib.request.urlopen(f"{url}/", timeout=2).close()  # noqa: S310
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"The server did not answer within 60 s:\n{log.read_text()}")


def test_a_write_through_one_process_is_read_through_the_other(
    shared_cache, start_servers, curator
):
    case = build_korea_case()
    token = Token.objects.create(user=curator).key
    first, second = start_servers(2)

    edge_pages = set(shared_cache.keys("edge:"))  # of the waits for the servers
    status, headers, before = _get(first + LIST)
    assert status == 200
    # Kept and served in front of Django from now on (config/lib/edge_cache.py,
    # whether Django or the lean read answered); marked, so that the second
    # server's answer shows where it came from.
    [edge_key] = (
        set(shared_cache.keys("edge:"))
        - edge_pages
        - {f"{shared_cache.prefix}:1:edge:version"}
    )
    content = shared_cache.client.hget(edge_key, "body")
    marked = json.dumps(json.loads(content) | {"marked": True}).encode()
    stored_headers = [
        [name, str(len(marked)) if name == "Content-Length" else value]
        for name, value in json.loads(shared_cache.client.hget(edge_key, "head"))
    ]
    shared_cache.client.hset(
        edge_key, mapping={"body": marked, "head": json.dumps(stored_headers)}
    )
    _, _, from_cache = _get(second + LIST)

    written = urllib.request.Request(  # noqa: S310
        f"{second}/api/v1/positions/",
        data=json.dumps(
            {
                "actor": "south-korea",
                "proposal": "big-deal",
                "stance": -1,
                "stated_on": "2019-03-29",
                "article": case.herald.pk,
                "quote": "a road map of our own, step by step",
            }
        ).encode(),
        headers={
            "Host": HOST,
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(written, timeout=30) as response:  # noqa: S310
        assert response.status == 201
    status, after_headers, after = _get(first + LIST)

    assert json.loads(from_cache)["marked"] is True
    assert status == 200
    assert int(after_headers["X-Data-Version"]) > int(headers["X-Data-Version"])
    assert "marked" not in json.loads(after)
    quotes = [position["quote"] for position in json.loads(after)["results"]]
    assert "a road map of our own, step by step" in quotes
    assert len(quotes) == len(json.loads(before)["results"]) + 1


def test_the_processes_count_one_rate_together(shared_cache, start_servers):
    build_korea_case()
    first, second = start_servers(2, THROTTLE_ANON="3/minute")

    answers = [_get(server + "/api/v1/actors/")[0] for server in (first, first, second)]
    past_the_rate, headers, _ = _get(second + "/api/v1/actors/")

    assert answers == [200, 200, 200]
    # The second server saw one request of its own: only the shared count
    # puts this one past the rate.
    assert past_the_rate == 429
    assert "Retry-After" in headers
