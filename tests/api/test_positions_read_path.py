"""The positions list and detail are built from values() rows for speed; they
must say exactly what PositionSerializer says about the same positions."""

import datetime

import pytest
from rest_framework.test import APIRequestFactory

from positions.models import Confidence, Position
from positions.serializers import PositionSerializer
from positions.services import position_create
from tests.factories import ArticleFactory

D = datetime.date


@pytest.fixture
def varied_positions(korea_case):
    """Every optional field both set and empty: speaker, note, quote, confidence."""
    k = korea_case
    later = ArticleFactory(outlet="Yonhap", published_on=D(2019, 3, 1))
    return [
        position_create(
            speaker=k.pompeo,
            proposal=k.big_deal,
            article=k.herald,
            stance=1,
            stated_on=D(2019, 3, 29),
            confidence=Confidence.HIGH,
            note="Keeps the door open",
            quote="We are ready «whenever»",
        ),
        position_create(
            actor=k.dprk,
            proposal=k.phased,
            article=later,
            stance=-2,
            stated_on=D(2019, 2, 28),
            confidence=Confidence.LOW,
        ),
    ]


def _serializer_view(position_ids):
    request = APIRequestFactory().get("/api/v1/positions/")
    positions = Position.objects.filter(pk__in=position_ids).order_by("stated_on", "id")
    return PositionSerializer(positions, many=True, context={"request": request}).data


def test_list_says_what_the_serializer_says(api_client, varied_positions):
    response = api_client.get("/api/v1/positions/", {"page_size": 500})

    assert response.status_code == 200
    listed = [
        row
        for row in response.json()["results"]
        if row["id"] in {p.pk for p in varied_positions}
    ]
    assert listed == _serializer_view([p.pk for p in varied_positions])


def test_detail_says_what_the_serializer_says(api_client, varied_positions):
    for position in varied_positions:
        response = api_client.get(f"/api/v1/positions/{position.pk}/")

        assert response.status_code == 200
        assert [response.json()] == _serializer_view([position.pk])


def test_detail_answers_a_conditional_get_with_304(api_client, varied_positions):
    url = f"/api/v1/positions/{varied_positions[0].pk}/"
    etag = api_client.get(url)["ETag"]

    unchanged = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    other = api_client.get(url, HTTP_IF_NONE_MATCH='"1-v999"')

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert other.status_code == 200


@pytest.mark.parametrize("raw_id", ["abc", "0", "-5", str(2**63), "99999999"])
def test_detail_of_an_impossible_or_missing_id_is_404(api_client, db, raw_id):
    assert api_client.get(f"/api/v1/positions/{raw_id}/").status_code == 404


def test_detail_still_refuses_unknown_parameters(api_client, varied_positions):
    response = api_client.get(f"/api/v1/positions/{varied_positions[0].pk}/?actr=us")

    assert response.status_code == 400
    assert "actr" in response.json()
