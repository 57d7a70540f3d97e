import datetime

import pytest

from actors.models import Actor, Affiliation
from positions.models import Position
from tests.factories import (
    AffiliationFactory,
    NegotiationFactory,
    PersonFactory,
    StateFactory,
)

D = datetime.date

# The page, then the affiliations and their organizations, prefetched.
# The data version the response answers from is one of them.
ACTORS_LIST_QUERIES = 4


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def actors():
    return list(Actor.objects.order_by("id").values())


def affiliations():
    return list(Affiliation.objects.order_by("id").values())


def test_it_lists_actors_by_slug(api_client, korea_case):
    response = api_client.get("/api/v1/actors/")

    assert slugs(response) == [
        "john-bolton",
        "mike-pompeo",
        "north-korea",
        "south-korea",
        "us",
    ]
    assert response.json()["next"] is None


def test_it_shows_an_actor_by_slug(api_client, korea_case):
    pompeo = korea_case.pompeo

    response = api_client.get("/api/v1/actors/mike-pompeo/")

    assert response.status_code == 200
    data = response.json()
    assert data == {
        "id": pompeo.pk,
        "slug": "mike-pompeo",
        "name": "Mike Pompeo",
        "short_name": "",
        "kind": "person",
        "description": "",
        "aliases": [],
        "affiliations": [
            {
                "organization": "us",
                "role": "Secretary of State",
                "start_date": "2018-04-26",
                "end_date": None,
            }
        ],
        "url": "http://testserver/api/v1/actors/mike-pompeo/",
        "created_at": data["created_at"],
        "updated_at": data["updated_at"],
    }
    assert response["ETag"]


def test_it_answers_404_for_an_unknown_slug(api_client, korea_case):
    response = api_client.get("/api/v1/actors/atlantis/")

    assert response.status_code == 404


def test_it_filters_by_kind(api_client, korea_case):
    StateFactory(name="European Union", slug="eu", kind=Actor.Kind.ORGANIZATION)

    persons = api_client.get("/api/v1/actors/?kind=person")
    either = api_client.get("/api/v1/actors/?kind=person&kind=organization")

    assert slugs(persons) == ["john-bolton", "mike-pompeo"]
    assert slugs(either) == ["eu", "john-bolton", "mike-pompeo"]


def test_it_searches_names_ignoring_case(api_client, korea_case):
    response = api_client.get("/api/v1/actors/?search=KOREA")

    assert slugs(response) == ["north-korea", "south-korea"]


def test_it_searches_short_names(api_client, korea_case):
    response = api_client.get("/api/v1/actors/?search=dprk")

    assert slugs(response) == ["north-korea"]


def test_it_searches_aliases(api_client, korea_case):
    PersonFactory(
        name="Choe Son Hui", slug="choe-son-hui", aliases=["Choe Son-hui", "Ch'oe"]
    )

    response = api_client.get("/api/v1/actors/?search=son-HUI")

    assert slugs(response) == ["choe-son-hui"]


def test_it_filters_by_negotiation(api_client, korea_case):
    iran = StateFactory(name="Iran", slug="iran")
    iran_talks = NegotiationFactory(title="Iran talks", slug="iran-talks")
    iran_talks.participants.set([iran, korea_case.us])

    talks = api_client.get("/api/v1/actors/?negotiation=talks")
    both = api_client.get("/api/v1/actors/?negotiation=talks&negotiation=iran-talks")

    assert slugs(talks) == ["north-korea", "south-korea", "us"]
    # The US takes part in both and is listed once.
    assert slugs(both) == ["iran", "north-korea", "south-korea", "us"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("knd=person", "knd"),
        ("kind=alien", "kind"),
        ("negotiation=brexit", "negotiation"),
        ("page_size=0", "page_size"),
    ],
)
def test_it_rejects_a_bad_parameter_naming_it(api_client, korea_case, query, parameter):
    response = api_client.get(f"/api/v1/actors/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_creates_an_actor_with_a_slug_derived_from_the_name(curator_api, korea_case):
    response = curator_api.post(
        "/api/v1/actors/",
        {"name": "European Union", "short_name": "EU", "kind": "organization"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "european-union"
    saved = Actor.objects.get(slug="european-union")
    assert (saved.name, saved.short_name, saved.kind) == (
        "European Union",
        "EU",
        Actor.Kind.ORGANIZATION,
    )


def test_it_makes_a_derived_slug_unique(curator_api, korea_case):
    response = curator_api.post("/api/v1/actors/", {"name": "U.S.", "kind": "group"})

    assert response.status_code == 201
    assert response.json()["slug"] == "us-2"
    assert Actor.objects.get(slug="us-2").name == "U.S."
    assert Actor.objects.get(slug="us").name == "United States"


def test_it_keeps_a_slug_given_on_create(curator_api, korea_case):
    response = curator_api.post(
        "/api/v1/actors/",
        {"name": "Kim Jong Un", "slug": "kju", "kind": "person", "aliases": ["KJU"]},
    )

    assert response.status_code == 201
    saved = Actor.objects.get(slug="kju")
    assert (saved.name, saved.aliases) == ("Kim Jong Un", ["KJU"])


def test_it_refuses_a_taken_name_and_saves_nothing(curator_api, korea_case):
    before = actors()

    response = curator_api.post(
        "/api/v1/actors/", {"name": "United States", "kind": "state"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert actors() == before


def test_it_creates_a_person_with_inline_affiliations(curator_api, korea_case):
    response = curator_api.post(
        "/api/v1/actors/",
        {
            "name": "Stephen Biegun",
            "kind": "person",
            "affiliations": [
                {
                    "organization": "us",
                    "role": "Special Representative for North Korea",
                    "start_date": "2018-08-23",
                    "end_date": None,
                }
            ],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "stephen-biegun"
    assert response.json()["affiliations"] == [
        {
            "organization": "us",
            "role": "Special Representative for North Korea",
            "start_date": "2018-08-23",
            "end_date": None,
        }
    ]
    saved = Affiliation.objects.get(person__slug="stephen-biegun")
    assert (saved.organization, saved.start_date, saved.end_date) == (
        korea_case.us,
        D(2018, 8, 23),
        None,
    )


def test_it_replaces_the_affiliations_on_update(curator_api, korea_case):
    pompeo = korea_case.pompeo
    bolton_affiliation = Affiliation.objects.get(person=korea_case.bolton)

    response = curator_api.patch(
        "/api/v1/actors/mike-pompeo/",
        {
            "affiliations": [
                {
                    "organization": "us",
                    "role": "Director of the CIA",
                    "start_date": "2017-01-23",
                    "end_date": "2018-04-25",
                },
                {
                    "organization": "us",
                    "role": "Secretary of State",
                    "start_date": "2018-04-26",
                    "end_date": "2021-01-20",
                },
            ]
        },
    )

    assert response.status_code == 200, response.content
    assert [
        (a.role, a.start_date, a.end_date)
        for a in Affiliation.objects.filter(person=pompeo).order_by("start_date")
    ] == [
        ("Director of the CIA", D(2017, 1, 23), D(2018, 4, 25)),
        ("Secretary of State", D(2018, 4, 26), D(2021, 1, 20)),
    ]
    assert [a["role"] for a in response.json()["affiliations"]] == [
        "Director of the CIA",
        "Secretary of State",
    ]
    assert Affiliation.objects.get(person=korea_case.bolton) == bolton_affiliation


def test_it_removes_affiliations_left_out_on_update(curator_api, korea_case):
    response = curator_api.patch("/api/v1/actors/mike-pompeo/", {"affiliations": []})

    assert response.status_code == 200
    assert response.json()["affiliations"] == []
    assert not Affiliation.objects.filter(person=korea_case.pompeo).exists()
    assert Affiliation.objects.filter(person=korea_case.bolton).count() == 1


def test_it_keeps_affiliations_when_an_update_leaves_them_out(curator_api, korea_case):
    before = affiliations()

    response = curator_api.patch(
        "/api/v1/actors/mike-pompeo/", {"description": "70th Secretary of State"}
    )

    assert response.status_code == 200
    assert affiliations() == before
    korea_case.pompeo.refresh_from_db()
    assert korea_case.pompeo.description == "70th Secretary of State"


def test_it_refuses_a_new_actor_whose_affiliation_ends_before_it_starts(
    curator_api, korea_case
):
    before_actors, before_affiliations = actors(), affiliations()

    response = curator_api.post(
        "/api/v1/actors/",
        {
            "name": "Stephen Biegun",
            "kind": "person",
            "affiliations": [
                {
                    "organization": "us",
                    "role": "Deputy Secretary of State",
                    "start_date": "2019-12-21",
                    "end_date": "2019-01-20",
                }
            ],
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["affiliations"]
    assert actors() == before_actors
    assert affiliations() == before_affiliations


def test_it_refuses_an_update_whose_affiliation_ends_before_it_starts(
    curator_api, korea_case
):
    before_actors, before_affiliations = actors(), affiliations()

    response = curator_api.put(
        "/api/v1/actors/mike-pompeo/",
        {
            "name": "Michael R. Pompeo",
            "kind": "person",
            "affiliations": [
                {
                    "organization": "us",
                    "role": "Director of the CIA",
                    "start_date": "2017-01-23",
                    "end_date": "2018-04-25",
                },
                {
                    "organization": "us",
                    "role": "Secretary of State",
                    "start_date": "2018-04-26",
                    "end_date": "2018-01-01",
                },
            ],
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["affiliations"]
    assert actors() == before_actors
    assert affiliations() == before_affiliations


def test_it_refuses_affiliations_for_a_state(curator_api, korea_case):
    before = affiliations()

    response = curator_api.patch(
        "/api/v1/actors/south-korea/",
        {
            "affiliations": [
                {"organization": "us", "role": "Ally", "start_date": "1953-10-01"}
            ]
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["affiliations"]
    assert affiliations() == before


def test_it_refuses_an_affiliation_with_an_unknown_organization(
    curator_api, korea_case
):
    before_actors, before_affiliations = actors(), affiliations()

    response = curator_api.post(
        "/api/v1/actors/",
        {
            "name": "Stephen Biegun",
            "kind": "person",
            "affiliations": [{"organization": "atlantis", "start_date": "2018-08-23"}],
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["affiliations"]
    assert actors() == before_actors
    assert affiliations() == before_affiliations


def test_it_refuses_to_delete_an_actor_that_positions_refer_to(curator_api, korea_case):
    before_actors, before_affiliations = actors(), affiliations()
    positions = list(Position.objects.order_by("id").values())

    response = curator_api.delete("/api/v1/actors/north-korea/")

    assert response.status_code == 409
    assert "2 positions" in response.json()["detail"]
    assert actors() == before_actors
    assert affiliations() == before_affiliations
    assert list(Position.objects.order_by("id").values()) == positions


def test_it_refuses_to_delete_a_state_with_members_and_a_position(
    curator_api, korea_case
):
    # Pompeo's and Bolton's affiliations would cascade; the position stops it all.
    before_actors, before_affiliations = actors(), affiliations()

    response = curator_api.delete("/api/v1/actors/us/")

    assert response.status_code == 409
    assert "1 position" in response.json()["detail"]
    assert actors() == before_actors
    assert affiliations() == before_affiliations


def test_it_deletes_an_actor_nothing_refers_to(curator_api, korea_case):
    response = curator_api.delete("/api/v1/actors/mike-pompeo/")

    assert response.status_code == 204
    assert not Actor.objects.filter(slug="mike-pompeo").exists()
    assert not Affiliation.objects.filter(role="Secretary of State").exists()
    assert Actor.objects.count() == 4


def test_it_refuses_actor_writes_to_an_analyst(analyst_api, korea_case):
    before = actors()

    created = analyst_api.post(
        "/api/v1/actors/", {"name": "European Union", "kind": "organization"}
    )
    changed = analyst_api.patch("/api/v1/actors/us/", {"short_name": "USA"})
    deleted = analyst_api.delete("/api/v1/actors/mike-pompeo/")

    assert [created.status_code, changed.status_code, deleted.status_code] == [
        403,
        403,
        403,
    ]
    assert actors() == before


def test_it_refuses_an_update_with_a_stale_if_match(curator_api, korea_case):
    stale = curator_api.get("/api/v1/actors/us/")["ETag"]
    assert (
        curator_api.patch("/api/v1/actors/us/", {"short_name": "USA"}).status_code
        == 200
    )
    before = actors()

    response = curator_api.patch(
        "/api/v1/actors/us/", {"short_name": "U.S."}, HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert actors() == before
    assert Actor.objects.get(slug="us").short_name == "USA"


def test_it_stays_within_its_query_budget(
    api_client, korea_case, django_assert_max_num_queries
):
    for number in range(12):
        AffiliationFactory(
            person=PersonFactory(name=f"Envoy {number}"), organization=korea_case.us
        )

    with django_assert_max_num_queries(ACTORS_LIST_QUERIES):
        response = api_client.get("/api/v1/actors/?page_size=100")

    assert len(response.json()["results"]) == 17
