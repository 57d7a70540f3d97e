"""Finding 1 and 3 of the security issue: no request, and no one client, may
take the site. A9/A23 of RELIABILITY-CHECKS.md: rates per operation and per
page, bounded parameters and bodies, a time limit on every statement."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.lib.limits import MAX_REPEATED_VALUES
from positions import selectors
from positions.models import Position
from tests.factories import StateFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
LOW_RATES = {
    "anon": "1000/minute",
    "user": "1000/minute",
    "anon_expensive": "2/minute",
    "user_expensive": "3/minute",
    "anon_pages": "3/minute",
    "user_pages": "4/minute",
    "login": "2/minute",
}


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", LOW_RATES)
    cache.clear()
    yield
    cache.clear()


def test_it_gives_analyses_a_lower_anonymous_rate_than_plain_reads(
    korea_case, low_rates
):
    client = APIClient()

    analyses = [client.get("/api/v1/stances/").status_code for _ in range(3)]
    plain_read = client.get("/api/v1/actors/")

    assert analyses == [200, 200, 429]
    assert plain_read.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/timeline/",
        "/api/v1/changes/",
        "/api/v1/gap/?a=us&b=north-korea",
        "/api/v1/positions/?format=csv",
        "/api/v1/stances/?format=csv",
    ],
)
def test_it_counts_every_expensive_operation_against_that_rate(
    korea_case, low_rates, url
):
    client = APIClient()
    client.get("/api/v1/stances/")
    client.get("/api/v1/stances/")

    response = client.get(url)

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_it_leaves_a_page_of_positions_at_the_plain_rate(korea_case, low_rates):
    client = APIClient()
    for _ in range(2):
        client.get("/api/v1/positions/?format=csv")

    assert client.get("/api/v1/positions/").status_code == 200


def test_it_gives_signed_in_users_their_own_higher_expensive_rate(
    korea_case, low_rates
):
    client = APIClient()
    client.force_authenticate(UserFactory())

    statuses = [client.get("/api/v1/changes/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_it_limits_web_pages_per_anonymous_address(korea_case, client, low_rates):
    statuses = [client.get("/").status_code for _ in range(4)]
    other_address = client.get("/", REMOTE_ADDR="10.0.0.9")

    assert statuses == [200, 200, 200, 429]
    assert other_address.status_code == 200


def test_it_answers_a_page_past_the_rate_with_retry_after(
    korea_case, client, low_rates
):
    for _ in range(3):
        client.get("/articles/")

    response = client.get("/search/?q=nuclear")

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert b"Too many requests" in response.content


def test_it_limits_login_posts_per_address_before_any_password_is_checked(
    db, client, low_rates
):
    UserFactory(username="alice")
    with mock.patch(
        "django.contrib.auth.base_user.check_password", return_value=False
    ) as check_password:
        statuses = [
            client.post(
                "/accounts/login/", {"username": name, "password": "wrong-password"}
            ).status_code
            for name in ("alice", "bob", "alice")
        ]

    assert statuses == [200, 200, 429]
    # Alice's password was checked once: the third post never reached it.
    assert check_password.call_count == 1


def test_it_refuses_more_repeated_values_than_the_cap_naming_the_parameter(
    korea_case,
):
    client = APIClient()
    too_many = "&".join(["actor=us"] * (MAX_REPEATED_VALUES + 1))
    at_cap = "&".join(["actor=us"] * MAX_REPEATED_VALUES)

    refused = client.get(f"/api/v1/stances/?{too_many}")
    accepted = client.get(f"/api/v1/stances/?{at_cap}")

    assert refused.status_code == 400
    assert list(refused.json()) == ["actor"]
    assert accepted.status_code == 200


def test_it_refuses_a_list_of_positions_over_the_cap_with_413_saving_nothing(
    korea_case, curator, settings
):
    settings.BULK_MAX_ROWS = 3
    client = APIClient()
    client.force_authenticate(curator)
    row = {
        "actor": "us",
        "proposal": "road-map",
        "article": korea_case.herald.pk,
        "stance": 1,
    }
    rows = [row | {"stated_on": f"2019-03-0{day}"} for day in range(1, 5)]
    before = Position.objects.count()

    response = client.post("/api/v1/positions/bulk/", rows, format="json")

    assert response.status_code == 413
    assert "at most 3 positions" in response.json()["detail"]
    assert Position.objects.count() == before


def test_it_refuses_a_huge_list_of_integers_before_reading_its_rows(
    korea_case, curator
):
    client = APIClient()
    client.force_authenticate(curator)
    body = json.dumps(list(range(200_000)))

    response = client.post(
        "/api/v1/positions/bulk/", body, content_type="application/json"
    )

    assert response.status_code == 413


def test_it_shows_anonymous_readers_the_kind_of_account_not_the_username(
    korea_case, curator
):
    position = korea_case.us_big_deal
    Position.history.filter(id=position.pk).update(history_user=curator)

    anonymous = APIClient().get(f"/api/v1/positions/{position.pk}/history/")
    signed_in = APIClient()
    signed_in.force_authenticate(curator)
    shown = signed_in.get(f"/api/v1/positions/{position.pk}/history/")

    assert [version["changed_by"] for version in anonymous.json()] == ["staff"]
    assert [version["changed_by"] for version in shown.json()] == ["curator"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)
def test_it_answers_503_when_a_statement_runs_past_the_timeout(korea_case):
    def slow_query(**arguments):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")

    client = APIClient(raise_request_exception=False)
    with mock.patch.object(selectors, "stances_as_of", side_effect=slow_query):
        response = client.get("/api/v1/stances/")

    assert response.status_code == 503
    assert "Narrow it" in response.json()["detail"]
    assert int(response["Retry-After"]) >= 1


def _settings_in_a_fresh_process(**env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        }
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_bounds_statements_when_the_environment_says_so():
    options = _settings_in_a_fresh_process(DB_STATEMENT_TIMEOUT_MS="15000")

    assert options["options"] == "-c statement_timeout=15000"


def test_it_leaves_statements_unbounded_for_management_commands():
    assert "options" not in _settings_in_a_fresh_process()


def test_the_web_entry_point_sets_a_statement_timeout():
    wsgi = (ROOT / "config" / "wsgi.py").read_text()

    assert 'os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS"' in wsgi


def test_it_pages_the_timeline_so_one_request_reads_a_bounded_number_of_series(
    korea_case,
):
    for index in range(7):
        side = StateFactory()
        Position.objects.create(
            actor=side,
            proposal=korea_case.road_map,
            article=korea_case.herald,
            stance=1,
            stated_on=datetime.date(2019, 3, 1 + index),
        )

    body = APIClient().get("/api/v1/timeline/?page_size=3").json()

    assert len(body["series"]) == 3
    assert body["next"] is not None


@pytest.fixture
def tight_caps(settings):
    settings.EXPENSIVE_PER_CLIENT = 1
    settings.EXPENSIVE_PER_PROCESS = 2
    cache.clear()
    yield
    cache.clear()


def _streamed_export(client, address):
    """An export started and not yet read to its end: it holds its slot."""
    response = client.get("/api/v1/positions/?format=csv", REMOTE_ADDR=address)
    assert response.status_code == 200
    return response


def test_it_lets_a_client_run_one_expensive_request_at_a_time(korea_case, tight_caps):
    client = APIClient()
    running = _streamed_export(client, "10.0.0.1")

    refused = client.get("/api/v1/stances/", REMOTE_ADDR="10.0.0.1")
    plain = client.get("/api/v1/positions/", REMOTE_ADDR="10.0.0.1")
    # Read to its end, the test client closes the answer, freeing the slot.
    b"".join(running.streaming_content)
    after = client.get("/api/v1/stances/", REMOTE_ADDR="10.0.0.1")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert plain.status_code == 200
    assert after.status_code == 200


def test_it_keeps_threads_free_past_the_process_cap_with_503(korea_case, tight_caps):
    client = APIClient()
    running = [_streamed_export(client, f"10.0.0.{n}") for n in (1, 2)]

    busy = client.get("/search/?q=deal", REMOTE_ADDR="10.0.0.3")
    plain = client.get("/api/v1/actors/", REMOTE_ADDR="10.0.0.3")
    for response in running:
        b"".join(response.streaming_content)
    after = client.get("/search/?q=deal", REMOTE_ADDR="10.0.0.3")

    assert busy.status_code == 503
    assert int(busy["Retry-After"]) >= 1
    assert plain.status_code == 200
    assert after.status_code == 200
