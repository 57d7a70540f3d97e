import datetime

import pytest

from positions.models import Proposal
from tests.factories import NegotiationFactory, ProposalFactory, StateFactory

D = datetime.date

# Three queries: the page (negotiation and originator joined), then its
# outgoing and its incoming links, each with the other proposal.
# The data version the response answers from is one of them.
PROPOSALS_LIST_QUERIES = 4


@pytest.fixture
def jcpoa(korea_case):
    iran = StateFactory(name="Iran", slug="iran")
    talks = NegotiationFactory(title="Iran nuclear talks", slug="iran-talks")
    proposal = ProposalFactory(
        negotiation=talks,
        title="JCPOA",
        slug="jcpoa",
        summary="Limits on enrichment for sanctions relief.",
        originated_by=iran,
        first_put_forward_on=D(2015, 4, 2),
    )
    korea_case.phased.originated_by = korea_case.dprk
    korea_case.phased.save()
    return proposal


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def table():
    return list(Proposal.objects.order_by("id").values())


def test_it_lists_proposals_by_slug(api_client, jcpoa):
    response = api_client.get("/api/v1/proposals/")

    assert slugs(response) == ["big-deal", "jcpoa", "phased-deal", "road-map"]


def test_it_shows_a_proposal_with_related_slugs(api_client, jcpoa):
    response = api_client.get("/api/v1/proposals/jcpoa/")

    assert response.status_code == 200
    assert response.json() == {
        "id": jcpoa.pk,
        "slug": "jcpoa",
        "title": "JCPOA",
        "summary": "Limits on enrichment for sanctions relief.",
        "negotiation": "iran-talks",
        "originated_by": "iran",
        "first_put_forward_on": "2015-04-02",
        "links": [],
        "url": "http://testserver/api/v1/proposals/jcpoa/",
    }
    assert response["ETag"]


def test_it_answers_404_for_an_unknown_slug(api_client, korea_case):
    assert api_client.get("/api/v1/proposals/small-deal/").status_code == 404


def test_it_filters_by_negotiation(api_client, jcpoa):
    korea = api_client.get("/api/v1/proposals/?negotiation=talks")
    both = api_client.get("/api/v1/proposals/?negotiation=talks&negotiation=iran-talks")

    assert slugs(korea) == ["big-deal", "phased-deal", "road-map"]
    assert slugs(both) == ["big-deal", "jcpoa", "phased-deal", "road-map"]


def test_it_filters_by_originator(api_client, jcpoa):
    dprk = api_client.get("/api/v1/proposals/?originated_by=north-korea")
    either = api_client.get(
        "/api/v1/proposals/?originated_by=north-korea&originated_by=iran"
    )

    assert slugs(dprk) == ["phased-deal"]
    assert slugs(either) == ["jcpoa", "phased-deal"]


def test_it_searches_title_and_summary(api_client, jcpoa):
    title = api_client.get("/api/v1/proposals/?search=DEAL")
    summary = api_client.get("/api/v1/proposals/?search=enrichment")

    assert slugs(title) == ["big-deal", "phased-deal"]
    assert slugs(summary) == ["jcpoa"]


def test_it_combines_filters_with_and(api_client, jcpoa):
    response = api_client.get("/api/v1/proposals/?negotiation=talks&search=deal")

    assert slugs(response) == ["big-deal", "phased-deal"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("negotiation=brexit", "negotiation"),
        ("originated_by=atlantis", "originated_by"),
        ("originator=iran", "originator"),
    ],
)
def test_it_rejects_a_bad_parameter_naming_it(api_client, korea_case, query, parameter):
    response = api_client.get(f"/api/v1/proposals/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_creates_a_proposal_by_slugs_with_a_derived_slug(curator_api, korea_case):
    response = curator_api.post(
        "/api/v1/proposals/",
        {
            "title": "Freeze for freeze",
            "negotiation": "talks",
            "originated_by": "north-korea",
            "first_put_forward_on": "2017-03-08",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "freeze-for-freeze"
    assert response.json()["negotiation"] == "talks"
    saved = Proposal.objects.get(slug="freeze-for-freeze")
    assert (saved.negotiation, saved.originated_by, saved.first_put_forward_on) == (
        korea_case.talks,
        korea_case.dprk,
        D(2017, 3, 8),
    )


def test_it_makes_a_derived_slug_unique(curator_api, korea_case):
    other = NegotiationFactory(title="Other talks", slug="other")

    response = curator_api.post(
        "/api/v1/proposals/", {"title": "Big deal", "negotiation": other.slug}
    )

    assert response.status_code == 201
    assert response.json()["slug"] == "big-deal-2"
    assert Proposal.objects.get(slug="big-deal-2").negotiation == other


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"negotiation": "brexit"}, "negotiation"),
        ({"originated_by": "atlantis"}, "originated_by"),
        ({"negotiation": None}, "negotiation"),
        ({"title": ""}, "title"),
    ],
)
def test_it_refuses_a_bad_body_naming_the_field(
    curator_api, korea_case, changes, field
):
    before = table()

    response = curator_api.post(
        "/api/v1/proposals/",
        {"title": "Freeze for freeze", "negotiation": "talks", **changes},
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert table() == before


def test_it_refuses_a_second_proposal_with_the_same_title_in_a_negotiation(
    curator_api, korea_case
):
    before = table()

    response = curator_api.post(
        "/api/v1/proposals/", {"title": "Big deal", "negotiation": "talks"}
    )

    assert response.status_code == 400
    assert table() == before


def test_it_updates_the_originator_by_slug(curator_api, korea_case):
    response = curator_api.patch("/api/v1/proposals/big-deal/", {"originated_by": "us"})

    assert response.status_code == 200
    assert response.json()["originated_by"] == "us"
    korea_case.big_deal.refresh_from_db()
    assert korea_case.big_deal.originated_by == korea_case.us
    assert korea_case.big_deal.title == "Big deal"


def test_it_clears_the_originator_with_null(curator_api, jcpoa):
    response = curator_api.patch("/api/v1/proposals/jcpoa/", {"originated_by": None})

    assert response.status_code == 200
    jcpoa.refresh_from_db()
    assert jcpoa.originated_by is None


def test_it_refuses_an_update_to_an_unknown_negotiation(curator_api, korea_case):
    before = table()

    response = curator_api.patch(
        "/api/v1/proposals/big-deal/", {"negotiation": "brexit"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["negotiation"]
    assert table() == before


def test_it_refuses_to_delete_a_proposal_with_positions(curator_api, korea_case):
    before = table()

    response = curator_api.delete("/api/v1/proposals/big-deal/")

    assert response.status_code == 409
    assert "2 positions" in response.json()["detail"]
    assert table() == before


def test_it_deletes_a_proposal_without_positions(curator_api, jcpoa):
    response = curator_api.delete("/api/v1/proposals/jcpoa/")

    assert response.status_code == 204
    assert not Proposal.objects.filter(slug="jcpoa").exists()
    assert Proposal.objects.count() == 3


def test_it_refuses_writes_to_an_analyst(analyst_api, korea_case):
    before = table()

    created = analyst_api.post(
        "/api/v1/proposals/", {"title": "Freeze for freeze", "negotiation": "talks"}
    )
    changed = analyst_api.patch("/api/v1/proposals/big-deal/", {"summary": "x"})
    deleted = analyst_api.delete("/api/v1/proposals/road-map/")

    assert [created.status_code, changed.status_code, deleted.status_code] == [
        403,
        403,
        403,
    ]
    assert table() == before


def test_it_stays_within_its_query_budget(
    api_client, korea_case, django_assert_max_num_queries
):
    for _ in range(12):
        ProposalFactory(negotiation=korea_case.talks, originated_by=korea_case.us)

    with django_assert_max_num_queries(PROPOSALS_LIST_QUERIES):
        response = api_client.get("/api/v1/proposals/?page_size=100")

    assert len(response.json()["results"]) == 15
