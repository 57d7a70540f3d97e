"""An unknown field in a write body is a 400 naming it, never dropped."""

import pytest

from positions.models import Position, Proposal


def _position(korea_case, **extra):
    return {
        "actor": "us",
        "proposal": "road-map",
        "article": korea_case.herald.pk,
        "stance": 1,
        "stated_on": "2019-03-28",
        **extra,
    }


def test_it_refuses_a_misspelt_field_of_a_new_position(analyst_api, korea_case):
    before = Position.objects.count()

    response = analyst_api.post(
        "/api/v1/positions/", _position(korea_case, confidance="high"), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["confidance"]
    assert "Unknown field" in response.json()["confidance"][0]
    assert "confidence" in response.json()["confidance"][0]
    assert Position.objects.count() == before


def test_it_refuses_an_unknown_field_in_a_patch_and_changes_nothing(
    analyst_api, korea_case
):
    position = korea_case.us_big_deal

    response = analyst_api.patch(
        f"/api/v1/positions/{position.pk}/",
        {"stance": 0, "stanse": 1},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["stanse"]
    position.refresh_from_db()
    assert (position.stance, position.version) == (2, 1)


def test_it_refuses_an_unknown_field_in_a_bulk_row_by_its_index(
    analyst_api, korea_case
):
    before = Position.objects.count()

    response = analyst_api.post(
        "/api/v1/positions/bulk/",
        [_position(korea_case), _position(korea_case, stated_on="2019-03-27", nte="x")],
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1"]
    assert list(response.json()["errors"]["1"]) == ["nte"]
    assert Position.objects.count() == before


def test_it_accepts_a_position_sent_back_as_it_was_read(analyst_api, korea_case):
    url = f"/api/v1/positions/{korea_case.us_big_deal.pk}/"
    body = analyst_api.get(url).json() | {"note": "Read, then written back."}

    response = analyst_api.put(url, body, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["note"] == "Read, then written back."


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/actors/", {"name": "Japan", "kind": "state", "shortname": "JP"}),
        (
            "/api/v1/negotiations/",
            {"title": "Six-party talks", "participant": ["us"]},
        ),
        (
            "/api/v1/proposals/",
            {"title": "Freeze for freeze", "negotiation": "talks", "sumary": "x"},
        ),
        (
            "/api/v1/articles/",
            {
                "url": "https://example.org/a",
                "title": "A",
                "outlet": "B",
                "published_on": "2019-03-28",
                "auther": "C",
            },
        ),
    ],
)
def test_it_refuses_unknown_fields_on_every_resource(
    curator_api, korea_case, path, body
):
    response = curator_api.post(path, body, format="json")

    assert response.status_code == 400
    [unknown] = (
        set(body)
        - {"name", "kind", "title", "negotiation", "url", "outlet"}
        - {"published_on"}
    )
    assert list(response.json()) == [unknown]


def test_it_refuses_an_unknown_key_in_a_proposal_link(curator_api, korea_case):
    response = curator_api.patch(
        "/api/v1/proposals/phased-deal/",
        {"links": [{"kind": "variant_of", "proposal": "road-map", "sinse": "2019"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "sinse" in str(response.json()["links"])
    assert not Proposal.objects.get(slug="phased-deal").outgoing_links.exists()
