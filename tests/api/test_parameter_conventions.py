"""Issue 14: an empty parameter is a 400 naming it; every slug parameter also
takes the numeric id, so no slug may be all digits."""

import pytest

from actors.models import Actor
from positions.models import Negotiation


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/positions/?stated_before=", "stated_before"),
        ("/api/v1/positions/?actor=us&actor=", "actor"),
        ("/api/v1/stances/?as_of=", "as_of"),
        ("/api/v1/timeline/?cursor=", "cursor"),
        ("/api/v1/actors/?search=%20", "search"),
        ("/api/v1/gap/?a=us&b=north-korea&since=", "since"),
        ("/api/v1/actors/us/?format=", "format"),
    ],
)
def test_an_empty_parameter_is_a_400_naming_it(api_client, korea_case, url, name):
    response = api_client.get(url)

    assert response.status_code == 400
    assert name in response.json()


def test_the_docs_page_still_loads_its_script(api_client, db):
    assert api_client.get("/api/v1/docs/?script=").status_code == 200


def test_a_filter_takes_a_numeric_id_for_a_slug(api_client, korea_case):
    by_slug = api_client.get("/api/v1/positions/?actor=us").json()["results"]
    by_id = api_client.get(f"/api/v1/positions/?actor={korea_case.us.pk}").json()
    stances = api_client.get(f"/api/v1/stances/?actor={korea_case.us.pk}").json()

    assert by_id["results"] == by_slug
    assert {row["actor"] for row in stances["results"]} == {"us"}


def test_an_unknown_id_is_a_400_like_an_unknown_slug(api_client, korea_case):
    response = api_client.get("/api/v1/positions/?actor=999999")

    assert response.status_code == 400
    assert "actor" in response.json()


def test_a_resource_and_a_summary_are_found_by_id(api_client, korea_case):
    us = korea_case.us

    actor = api_client.get(f"/api/v1/actors/{us.pk}/")
    summary = api_client.get(f"/api/v1/actors/{us.pk}/summary/")
    gap = api_client.get(f"/api/v1/gap/?a={us.pk}&b=north-korea")
    negotiation = Negotiation.objects.get(slug="talks")

    assert actor.status_code == 200
    assert actor.json()["slug"] == "us"
    assert summary.json()["actor"] == "us"
    assert gap.json()["a"] == "us"
    assert (
        api_client.get(f"/api/v1/negotiations/{negotiation.pk}/").json()["slug"]
        == "talks"
    )
    assert api_client.get("/api/v1/actors/99999999999999999999/").status_code == 404


def test_an_all_digit_slug_is_refused(curator_api, korea_case):
    created = curator_api.post(
        "/api/v1/actors/", {"name": "Group 7", "kind": "group", "slug": "2019"}
    )
    renamed = curator_api.patch("/api/v1/actors/us/", {"slug": "42"})

    assert created.status_code == 400
    assert "slug" in created.json()
    assert renamed.status_code == 400
    assert Actor.objects.filter(slug="us").exists()


def test_a_slug_derived_from_digits_gets_a_letter(curator_api, korea_case):
    response = curator_api.post(
        "/api/v1/negotiations/", {"title": "2019", "description": ""}
    )

    assert response.status_code == 201
    assert not response.json()["slug"].isdigit()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": 0}, "description"),
        ({"participants": {}}, "participants"),
    ],
)
def test_a_write_of_the_wrong_json_type_is_a_400_naming_it(
    curator_api, korea_case, body, field
):
    response = curator_api.patch("/api/v1/negotiations/talks/", body)

    assert response.status_code == 400
    assert field in response.json()


def test_an_alias_that_is_not_a_string_is_a_400(curator_api, korea_case):
    response = curator_api.patch("/api/v1/actors/us/", {"aliases": [0]})

    assert response.status_code == 400
    assert "aliases" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        # Found by schemathesis: a CSV export ignored its paging parameters.
        "/api/v1/stances/?format=csv&count=maybe",
        "/api/v1/positions/?format=csv&cursor=m",
        "/api/v1/timeline/?format=csv&page_size=0",
    ],
)
def test_a_csv_export_still_checks_its_paging_parameters(api_client, korea_case, url):
    response = api_client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
