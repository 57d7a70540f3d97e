"""The response cache shared by every process (config/lib/response_cache.py):
anonymous reads answered from Redis under their data version, never to a
signed-in user, never stale. Across processes: test_response_cache_processes.py.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.lib import versions
from positions.models import Release
from positions.services import position_create

ROOT = Path(__file__).resolve().parents[2]
LIST = "/api/v1/positions/?proposal=big-deal"
ANALYSIS = "/api/v1/stances/?proposal=big-deal"
PAGE = "/proposals/big-deal/"
READS = [LIST, ANALYSIS, PAGE]
POISON = b"kept for anonymous visitors"
# Set afresh on every response, by middleware after the view.
PER_REQUEST = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


def unprefixed(key: str, shared_cache) -> str:
    return key.removeprefix(f"{shared_cache.prefix}:1:")


def a_new_position(korea_case):
    return position_create(
        actor=korea_case.rok,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=-1,
        stated_on=datetime.date(2019, 3, 29),
        quote="a road map of our own, step by step",
    )


def timed(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response, len(queries)


@pytest.mark.parametrize("path", READS)
def test_it_answers_a_repeated_anonymous_read_with_one_query(
    korea_case, shared_cache, path
):
    client = Client()
    cold, cold_queries = timed(client, path)
    warm, warm_queries = timed(client, path)

    assert cold.status_code == warm.status_code == 200
    assert warm.content == cold.content
    # The one query reads the data version: a write since would change the key.
    assert warm_queries == 1
    assert cold_queries >= 3
    same = {name: value for name, value in cold.items() if name not in PER_REQUEST}
    assert {name: value for name, value in warm.items() if name not in PER_REQUEST} == (
        same
    )
    assert len(shared_cache.keys("response:")) == 1


@pytest.mark.parametrize("path", READS)
def test_it_answers_a_read_after_a_write_with_the_new_data(
    korea_case, shared_cache, path
):
    client = Client()
    before = client.get(path)
    client.get(path)

    a_new_position(korea_case)
    after = client.get(path)

    assert after.status_code == 200
    assert b"a road map of our own" not in before.content
    assert b"a road map of our own" in after.content or b"south-korea" in after.content
    assert after.content != before.content
    assert len(shared_cache.keys("response:")) == 2


@pytest.mark.parametrize("path", [LIST, PAGE])
def test_it_never_serves_a_signed_in_user_the_anonymous_copy(
    korea_case, shared_cache, curator, path
):
    anonymous = Client()
    anonymous.get(path)
    [key] = shared_cache.keys("response:")
    # Marked, so that serving it to anyone shows.
    cache.set(unprefixed(key, shared_cache), (POISON, [("Content-Type", "text/plain")]))
    session = Client()
    session.force_login(curator)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=curator)}")
    # Pages know sessions only; DRF's forced authentication, the API only.
    signed_in_clients = [session, token]
    if path.startswith("/api/"):
        forced = APIClient()
        forced.force_authenticate(curator)
        signed_in_clients.append(forced)

    assert anonymous.get(path).content == POISON
    for signed_in in signed_in_clients:
        response = signed_in.get(path)
        assert response.status_code == 200
        assert POISON not in response.content


@pytest.mark.parametrize("path", [LIST, PAGE])
def test_it_keeps_nothing_a_signed_in_user_was_sent(
    korea_case, shared_cache, curator, path
):
    session = Client()
    session.force_login(curator)
    signed_in_clients = [session]
    if path.startswith("/api/"):
        forced = APIClient()
        forced.force_authenticate(curator)
        signed_in_clients.append(forced)

    for signed_in in signed_in_clients:
        assert signed_in.get(path).status_code == 200

    assert shared_cache.keys("response:") == []
    assert b"Log out" not in Client().get(PAGE).content


@pytest.mark.parametrize(
    "path",
    [
        # Streamed.
        "/api/v1/positions/?format=csv",
        # The browsable API hands out a CSRF token, in a cookie and the page.
        "/api/v1/positions/?format=api",
    ],
)
def test_it_keeps_no_streamed_export_nor_a_response_that_sets_a_cookie(
    korea_case, shared_cache, path
):
    client = Client()
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)

    assert shared_cache.keys("response:") == []


def test_it_answers_a_conditional_get_of_a_page_with_304_before_the_view(
    korea_case, shared_cache
):
    client = Client()
    etag = client.get(PAGE)["ETag"]

    unchanged, queries = timed(client, PAGE, if_none_match=etag)
    a_new_position(korea_case)
    changed = client.get(PAGE, headers={"if-none-match": etag})

    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    assert queries == 1
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_it_keeps_answers_as_of_a_release_without_expiry(korea_case, shared_cache):
    Release.objects.create(
        name="2026-12",
        known_at=timezone.now(),
        data_version=versions.current_snapshot().version,
        rules_version=settings.RULES_VERSION,
    )
    client = Client()

    assert client.get(f"{LIST}&release=2026-12").status_code == 200
    [pinned] = shared_cache.keys("response:")
    assert client.get(LIST).status_code == 200
    [current] = set(shared_cache.keys("response:")) - {pinned}

    assert shared_cache.client.ttl(pinned) == -1  # no expiry
    assert 0 < shared_cache.client.ttl(current) <= settings.RESPONSE_CACHE_SECONDS


def test_it_caches_nothing_when_switched_off(korea_case, settings):
    settings.RESPONSE_CACHE = False
    client = Client()

    for path in READS:
        cold, cold_queries = timed(client, path)
        warm, warm_queries = timed(client, path)
        assert warm_queries == cold_queries
    assert "ETag" not in client.get(PAGE)


@pytest.mark.parametrize(
    ("url", "on"),
    [("redis://127.0.0.1:6379/0", "True"), ("locmem://", "False")],
)
def test_it_is_on_by_default_with_redis_only(url, on):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"RESPONSE_CACHE", "CACHE_URL"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.RESPONSE_CACHE)",
        ],
        cwd=ROOT,
        env=environment | {"CACHE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == on


def test_it_never_serves_the_answer_of_a_version_number_taken_again(
    korea_case, shared_cache
):
    client = Client()
    with transaction.atomic():
        a_new_position(korea_case)
        undone = client.get(LIST)
        # As a restored backup does: the counter goes back, and the next
        # write takes the same number again, for other data.
        transaction.set_rollback(True)
    position_create(
        actor=korea_case.rok,
        proposal=korea_case.big_deal,
        article=korea_case.herald,
        stance=2,
        stated_on=datetime.date(2019, 3, 28),
        quote="written after the restore",
    )
    redone = client.get(LIST)

    assert redone["X-Data-Version"] == undone["X-Data-Version"]
    assert b"written after the restore" in redone.content
    assert b"a road map of our own" not in redone.content
