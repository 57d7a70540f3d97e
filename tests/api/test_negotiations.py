import datetime

import pytest

from positions.models import Negotiation
from tests.factories import NegotiationFactory, StateFactory

D = datetime.date

# The page, then the participants, prefetched.
# The data version the response answers from is one of them.
NEGOTIATIONS_LIST_QUERIES = 3


@pytest.fixture
def iran_talks(korea_case):
    iran = StateFactory(name="Iran", slug="iran")
    talks = NegotiationFactory(
        title="Iran nuclear talks",
        slug="iran-talks",
        description="Sanctions relief for limits on enrichment.",
        started_on=D(2013, 11, 24),
        ended_on=D(2015, 7, 14),
    )
    talks.participants.set([iran, korea_case.us])
    return talks


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def table():
    return [
        (values, sorted(n.participants.values_list("slug", flat=True)))
        for n in Negotiation.objects.order_by("id")
        for values in [Negotiation.objects.values().get(pk=n.pk)]
    ]


def test_it_lists_negotiations_by_slug(api_client, iran_talks):
    response = api_client.get("/api/v1/negotiations/")

    assert slugs(response) == ["iran-talks", "talks"]


def test_it_shows_a_negotiation_by_slug_with_participant_slugs(api_client, iran_talks):
    response = api_client.get("/api/v1/negotiations/iran-talks/")

    assert response.status_code == 200
    data = response.json()
    assert {key: value for key, value in data.items() if key != "participants"} == {
        "id": iran_talks.pk,
        "slug": "iran-talks",
        "title": "Iran nuclear talks",
        "description": "Sanctions relief for limits on enrichment.",
        "started_on": "2013-11-24",
        "ended_on": "2015-07-14",
        "url": "http://testserver/api/v1/negotiations/iran-talks/",
    }
    assert sorted(data["participants"]) == ["iran", "us"]
    assert response["ETag"]


def test_it_answers_404_for_an_unknown_slug(api_client, korea_case):
    assert api_client.get("/api/v1/negotiations/brexit/").status_code == 404


def test_it_filters_by_participant(api_client, iran_talks):
    iran = api_client.get("/api/v1/negotiations/?participant=iran")
    us = api_client.get("/api/v1/negotiations/?participant=us")
    either = api_client.get(
        "/api/v1/negotiations/?participant=iran&participant=north-korea"
    )

    assert slugs(iran) == ["iran-talks"]
    # Listed once each, although both share the US.
    assert slugs(us) == ["iran-talks", "talks"]
    assert slugs(either) == ["iran-talks", "talks"]


def test_it_searches_title_and_description(api_client, iran_talks):
    title = api_client.get("/api/v1/negotiations/?search=denuclear")
    description = api_client.get("/api/v1/negotiations/?search=ENRICHMENT")

    assert slugs(title) == ["talks"]
    assert slugs(description) == ["iran-talks"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("participant=atlantis", "participant"),
        ("participants=us", "participants"),
        ("cursor=%%%", "cursor"),
    ],
)
def test_it_rejects_a_bad_parameter_naming_it(api_client, korea_case, query, parameter):
    response = api_client.get(f"/api/v1/negotiations/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_creates_a_negotiation_with_participants_by_slug(curator_api, korea_case):
    response = curator_api.post(
        "/api/v1/negotiations/",
        {
            "title": "Six-party talks",
            "participants": ["us", "north-korea", "south-korea"],
            "started_on": "2003-08-27",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "six-party-talks"
    saved = Negotiation.objects.get(slug="six-party-talks")
    assert set(saved.participants.all()) == {
        korea_case.us,
        korea_case.dprk,
        korea_case.rok,
    }
    assert (saved.started_on, saved.ended_on) == (D(2003, 8, 27), None)


def test_it_makes_a_derived_slug_unique(curator_api, korea_case):
    NegotiationFactory(title="Talks 2", slug="talks-2")

    response = curator_api.post(
        "/api/v1/negotiations/", {"title": "Talks!", "participants": []}
    )

    assert response.status_code == 201
    assert response.json()["slug"] == "talks-3"
    assert Negotiation.objects.get(slug="talks-3").title == "Talks!"


def test_it_refuses_an_unknown_participant_and_saves_nothing(curator_api, korea_case):
    before = table()

    response = curator_api.post(
        "/api/v1/negotiations/",
        {"title": "Six-party talks", "participants": ["us", "atlantis"]},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["participants"]
    assert table() == before


def test_it_refuses_an_end_before_the_start(curator_api, korea_case):
    before = table()

    response = curator_api.post(
        "/api/v1/negotiations/",
        {"title": "Backwards", "started_on": "2019-03-01", "ended_on": "2019-02-01"},
    )

    assert response.status_code == 400
    assert table() == before


def test_it_replaces_participants_on_update(curator_api, korea_case):
    response = curator_api.patch(
        "/api/v1/negotiations/talks/", {"participants": ["us", "north-korea"]}
    )

    assert response.status_code == 200, response.content
    assert sorted(response.json()["participants"]) == ["north-korea", "us"]
    assert set(korea_case.talks.participants.all()) == {korea_case.us, korea_case.dprk}


def test_it_updates_a_negotiation_with_put(curator_api, korea_case):
    response = curator_api.put(
        "/api/v1/negotiations/talks/",
        {
            "slug": "talks",
            "title": "Denuclearization talks",
            "description": "US-DPRK summitry",
            "participants": ["us"],
            "started_on": "2018-06-12",
            "ended_on": None,
        },
    )

    assert response.status_code == 200, response.content
    korea_case.talks.refresh_from_db()
    assert korea_case.talks.description == "US-DPRK summitry"
    assert korea_case.talks.started_on == D(2018, 6, 12)
    assert list(korea_case.talks.participants.all()) == [korea_case.us]


def test_it_refuses_to_delete_a_negotiation_with_proposals(curator_api, korea_case):
    before = table()

    response = curator_api.delete("/api/v1/negotiations/talks/")

    assert response.status_code == 409
    assert "3 proposals" in response.json()["detail"]
    assert table() == before


def test_it_deletes_a_negotiation_without_proposals(curator_api, iran_talks):
    response = curator_api.delete("/api/v1/negotiations/iran-talks/")

    assert response.status_code == 204
    assert not Negotiation.objects.filter(slug="iran-talks").exists()
    assert Negotiation.objects.filter(slug="talks").exists()


def test_it_refuses_writes_to_analysts_and_anonymous_visitors(
    analyst_api, api_client, korea_case
):
    before = table()

    responses = [
        client.post("/api/v1/negotiations/", {"title": "Six-party talks"})
        for client in (analyst_api, api_client)
    ] + [
        client.patch("/api/v1/negotiations/talks/", {"description": "x"})
        for client in (analyst_api, api_client)
    ]

    # The analyst is known and refused (403); the anonymous caller is asked
    # to authenticate (401).
    assert [r.status_code for r in responses] == [403, 401, 403, 401]
    assert table() == before


def test_it_stays_within_its_query_budget(
    api_client, korea_case, django_assert_max_num_queries
):
    for number in range(12):
        NegotiationFactory(title=f"Track {number}").participants.set(
            [korea_case.us, korea_case.dprk]
        )

    with django_assert_max_num_queries(NEGOTIATIONS_LIST_QUERIES):
        response = api_client.get("/api/v1/negotiations/?page_size=100")

    assert len(response.json()["results"]) == 13
