"""Proposal lineage through the API: links written from either end, shown on
both, replaced as a list, refused when broken, kept in history."""

import pytest

from positions.models import ProposalLink
from tests.factories import NegotiationFactory, ProposalFactory


def links(response):
    return [
        (link["kind"], link["proposal"], link["since"], link["article"])
        for link in response.json()["links"]
    ]


@pytest.fixture
def phased_from_road_map(curator_api, korea_case):
    response = curator_api.patch(
        "/api/v1/proposals/phased-deal/",
        {
            "links": [
                {
                    "kind": "variant_of",
                    "proposal": "road-map",
                    "since": "2019-03-28",
                    "article": korea_case.herald.pk,
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    return response


def test_it_shows_a_link_on_both_proposals(
    api_client, korea_case, phased_from_road_map
):
    assert links(phased_from_road_map) == [
        ("variant_of", "road-map", "2019-03-28", korea_case.herald.pk)
    ]
    assert links(api_client.get("/api/v1/proposals/road-map/")) == [
        ("variant", "phased-deal", "2019-03-28", korea_case.herald.pk)
    ]
    assert links(api_client.get("/api/v1/proposals/big-deal/")) == []


def test_it_takes_a_link_written_from_the_other_end_as_the_same_link(
    curator_api, api_client, korea_case, phased_from_road_map
):
    response = curator_api.patch(
        "/api/v1/proposals/road-map/",
        {
            "links": [
                {"kind": "variant", "proposal": "phased-deal", "since": "2019-03-28"},
                {"kind": "supersedes", "proposal": "big-deal"},
            ]
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert ProposalLink.objects.count() == 2
    assert links(api_client.get("/api/v1/proposals/big-deal/")) == [
        ("superseded_by", "road-map", None, None)
    ]
    # The article went: the list given is the whole truth.
    assert links(api_client.get("/api/v1/proposals/phased-deal/")) == [
        ("variant_of", "road-map", "2019-03-28", None)
    ]


def test_it_replaces_the_links_with_an_empty_list(curator_api, phased_from_road_map):
    response = curator_api.patch(
        "/api/v1/proposals/road-map/", {"links": []}, format="json"
    )

    assert response.status_code == 200
    assert ProposalLink.objects.count() == 0


def test_it_keeps_the_links_when_a_write_leaves_them_out(
    curator_api, phased_from_road_map
):
    response = curator_api.patch(
        "/api/v1/proposals/phased-deal/", {"summary": "Step by step."}, format="json"
    )

    assert response.status_code == 200
    assert links(response) == links(phased_from_road_map)


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ({"kind": "variant_of", "proposal": "phased-deal"}, "itself"),
        ({"kind": "cousin_of", "proposal": "road-map"}, "valid choice"),
        ({"kind": "variant_of", "proposal": "nope"}, "does not exist"),
    ],
)
def test_it_refuses_a_broken_link_and_changes_nothing(
    curator_api, korea_case, link, message
):
    response = curator_api.patch(
        "/api/v1/proposals/phased-deal/", {"links": [link]}, format="json"
    )

    assert response.status_code == 400
    assert message in str(response.json()["links"])
    assert ProposalLink.objects.count() == 0


def test_it_refuses_a_link_across_negotiations(curator_api, korea_case):
    other = ProposalFactory(negotiation=NegotiationFactory(), slug="elsewhere")

    response = curator_api.patch(
        "/api/v1/proposals/phased-deal/",
        {"links": [{"kind": "derived_from", "proposal": other.slug}]},
        format="json",
    )

    assert response.status_code == 400
    assert "same negotiation" in str(response.json()["links"])
    assert ProposalLink.objects.count() == 0


def test_it_refuses_the_same_link_twice(curator_api, korea_case):
    response = curator_api.patch(
        "/api/v1/proposals/phased-deal/",
        {
            "links": [
                {"kind": "variant_of", "proposal": "road-map"},
                {"kind": "variant_of", "proposal": "road-map"},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert ProposalLink.objects.count() == 0


def test_it_records_links_in_history_with_who_wrote_them(
    curator, korea_case, phased_from_road_map, curator_api
):
    curator_api.patch("/api/v1/proposals/phased-deal/", {"links": []}, format="json")

    records = ProposalLink.history.order_by("history_date")
    assert [(r.history_type, r.history_user) for r in records] == [
        ("+", curator),
        ("-", curator),
    ]


def test_it_refuses_link_writes_to_anonymous_clients(api_client, korea_case):
    response = api_client.patch(
        "/api/v1/proposals/phased-deal/",
        {"links": [{"kind": "variant_of", "proposal": "road-map"}]},
        format="json",
    )

    assert response.status_code == 401
    assert ProposalLink.objects.count() == 0
