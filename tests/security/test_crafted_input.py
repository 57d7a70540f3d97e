"""Finding 7 of the security issue (A9): crafted input that gave a 500 is a
400 naming what is wrong, on both databases, and changes nothing."""

import base64
import json

import pytest
from rest_framework.test import APIClient

from positions.models import Position


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


NUL_SLUG_CURSOR = _cursor(b'{"direction": "next", "key": ["a\\u0000b", 1]}')
INFINITE_CURSOR = _cursor(b'{"direction": "next", "key": ["x", Infinity]}')
NAN_CURSOR = _cursor(b'{"direction": "next", "key": [NaN, 1]}')


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/positions/?article=%25", "article"),
        ("/api/v1/positions/?article=%25s%25s", "article"),
        (f"/api/v1/actors/?cursor={NUL_SLUG_CURSOR}", "cursor"),
        (f"/api/v1/actors/?cursor={INFINITE_CURSOR}", "cursor"),
        (f"/api/v1/negotiations/?cursor={INFINITE_CURSOR}", "cursor"),
        (f"/api/v1/negotiations/?cursor={NUL_SLUG_CURSOR}", "cursor"),
        (f"/api/v1/events/?cursor={NAN_CURSOR}", "cursor"),
        (f"/api/v1/events/?cursor={INFINITE_CURSOR}", "cursor"),
        (f"/api/v1/proposals/?cursor={NAN_CURSOR}", "cursor"),
        (f"/api/v1/proposals/?cursor={NUL_SLUG_CURSOR}", "cursor"),
        (f"/api/v1/positions/?cursor={INFINITE_CURSOR}", "cursor"),
    ],
)
def test_it_answers_a_crafted_parameter_with_400_naming_it(korea_case, url, parameter):
    response = APIClient(raise_request_exception=False).get(url)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_answers_a_search_holding_a_nul_with_400_and_the_error_on_the_page(
    korea_case, client
):
    response = client.get("/search/?q=a%00")

    assert response.status_code == 400
    assert b"Null characters are not allowed." in response.content


def test_it_answers_an_overlong_search_with_400(korea_case, client):
    response = client.get("/search/?q=" + "a" * 201)

    assert response.status_code == 400
    assert b"at most 200 characters" in response.content


@pytest.mark.parametrize(
    "url", ["/api/v1/positions/", "/api/v1/positions/bulk/", "/api/v1/actors/"]
)
def test_it_answers_json_nested_too_deeply_with_400_saving_nothing(
    korea_case, curator, url
):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(curator)
    before = Position.objects.count()

    response = client.post(url, "[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in json.dumps(response.json())
    assert Position.objects.count() == before


def test_it_answers_a_bulk_list_naming_rows_by_unstorable_text_with_400(
    korea_case, curator
):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(curator)
    row = {"stance": 1, "stated_on": "2019-03-01", "article": korea_case.herald.pk}
    rows = [
        row | {"actor": "us", "proposal": "big\x00deal"},
        row | {"actor": "\ud8ec", "proposal": "big-deal"},
    ]
    before = Position.objects.count()

    # As JSON escapes, the way a client sends them (a lone surrogate included).
    body = json.dumps(rows)

    response = client.post(
        "/api/v1/positions/bulk/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["0", "1"]
    assert Position.objects.count() == before
