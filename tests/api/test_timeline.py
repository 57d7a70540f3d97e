import base64
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

# Two queries: the page's pairs, then their positions.
# The data version the response answers from is one of them.
TIMELINE_QUERY_COUNT = 3


@pytest.fixture
def world(korea_case):
    """The seed case plus US stances on the big deal recorded out of time order:

    us/big-deal: 03-01 +1 (recorded second), 02-28 −1 (recorded first),
    03-01 0 (recorded third), 03-28 +2 (the seed article).
    """
    k = korea_case
    article = ArticleFactory(published_on=D("2019-03-01"))
    other_article = ArticleFactory(published_on=D("2019-03-01"))
    k.us_feb = PositionFactory(
        actor=k.us,
        proposal=k.big_deal,
        article=article,
        stance=-1,
        stated_on=D("2019-02-28"),
    )
    k.us_mar_a = PositionFactory(
        actor=k.us, proposal=k.big_deal, article=article, stance=1
    )
    k.us_mar_b = PositionFactory(
        actor=k.us, proposal=k.big_deal, article=other_article, stance=0
    )
    # Recorded last, dated first: the id order is not the time order.
    k.us_jan = PositionFactory(
        actor=k.us,
        proposal=k.big_deal,
        article=article,
        stance=2,
        stated_on=D("2019-01-15"),
    )
    return k


def _series(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["series", "next", "previous"]
    return {
        (series["actor"], series["proposal"]): [
            (point["stated_on"], point["stance"], point["position"])
            for point in series["points"]
        ]
        for series in body["series"]
    }


def test_it_gives_one_series_per_pair_in_time_order(api_client, world):
    response = api_client.get("/api/v1/timeline/")

    body = response.json()
    assert len(body["series"]) == 4
    assert _series(response) == {
        ("us", "big-deal"): [
            ("2019-01-15", 2, world.us_jan.pk),
            ("2019-02-28", -1, world.us_feb.pk),
            ("2019-03-01", 1, world.us_mar_a.pk),
            ("2019-03-01", 0, world.us_mar_b.pk),
            ("2019-03-28", 2, world.us_big_deal.pk),
        ],
        ("north-korea", "big-deal"): [("2019-03-15", -2, world.dprk_big_deal.pk)],
        ("north-korea", "phased-deal"): [("2019-03-28", 2, world.dprk_phased.pk)],
        ("south-korea", "road-map"): [("2019-03-28", 2, world.rok_road_map.pk)],
    }


def test_it_gives_exactly_the_contract_fields(api_client, world):
    response = api_client.get("/api/v1/timeline/?actor=north-korea&proposal=big-deal")

    assert response.json() == {
        "series": [
            {
                "actor": "north-korea",
                "proposal": "big-deal",
                "points": [
                    {
                        "stated_on": "2019-03-15",
                        "stance": -2,
                        "position": world.dprk_big_deal.pk,
                    }
                ],
            }
        ],
        "next": None,
        "previous": None,
    }


def test_it_filters_by_stated_after_and_before_inclusively(api_client, world):
    response = api_client.get(
        "/api/v1/timeline/?actor=us&stated_after=2019-02-28&stated_before=2019-03-01"
    )

    assert _series(response) == {
        ("us", "big-deal"): [
            ("2019-02-28", -1, world.us_feb.pk),
            ("2019-03-01", 1, world.us_mar_a.pk),
            ("2019-03-01", 0, world.us_mar_b.pk),
        ]
    }


def test_it_refuses_stated_after_later_than_stated_before(api_client, world):
    response = api_client.get(
        "/api/v1/timeline/?stated_after=2019-03-02&stated_before=2019-03-01"
    )

    assert response.status_code == 400
    assert response.json() == {
        "stated_after": ["Choose a date on or before “Stated before” (2019-03-01)."]
    }


def test_it_leaves_out_pairs_without_points_in_the_range(api_client, world):
    response = api_client.get(
        "/api/v1/timeline/?stated_after=2019-03-15&stated_before=2019-03-15"
    )

    assert _series(response) == {
        ("north-korea", "big-deal"): [("2019-03-15", -2, world.dprk_big_deal.pk)]
    }


def test_it_filters_by_actor_proposal_and_negotiation(api_client, world):
    other = ProposalFactory(negotiation=NegotiationFactory(slug="other-talks"))
    PositionFactory(actor=world.dprk, proposal=other, stance=1)

    by_proposal = api_client.get(
        "/api/v1/timeline/?proposal=big-deal&actor=north-korea&actor=south-korea"
    )
    by_negotiation = api_client.get("/api/v1/timeline/?negotiation=other-talks")
    everything = api_client.get("/api/v1/timeline/")

    assert set(_series(by_proposal)) == {("north-korea", "big-deal")}
    assert set(_series(by_negotiation)) == {("north-korea", other.slug)}
    assert len(_series(everything)) == 5


def test_it_gives_an_empty_series_list_when_nothing_matches(api_client, world):
    StateFactory(slug="silent")

    response = api_client.get("/api/v1/timeline/?actor=silent")

    assert response.status_code == 200
    assert response.json() == {"series": [], "next": None, "previous": None}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("actor=nobody", "actor"),
        ("proposal=no-such-plan", "proposal"),
        ("negotiation=no-such-talks", "negotiation"),
        ("stated_after=2019-02-30", "stated_after"),
        ("stated_before=soon", "stated_before"),
        ("stated_afer=2019-01-01", "stated_afer"),
    ],
)
def test_it_rejects_a_bad_parameter_with_400_naming_it(
    api_client, world, query, parameter
):
    response = api_client.get(f"/api/v1/timeline/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_stays_within_its_query_budget(
    api_client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(TIMELINE_QUERY_COUNT):
        response = api_client.get("/api/v1/timeline/?stated_after=2019-01-01")

    assert response.status_code == 200


def test_it_runs_as_many_queries_for_many_series_as_for_few(api_client, world):
    def queries():
        with CaptureQueriesContext(connection) as context:
            response = api_client.get("/api/v1/timeline/")
        assert response.status_code == 200
        return len(context), response

    few, _ = queries()
    article = ArticleFactory(published_on=D("2019-04-30"))
    for _ in range(30):
        actor, proposal = StateFactory(), ProposalFactory()
        for day in (1, 2, 3):
            PositionFactory(
                actor=actor,
                proposal=proposal,
                article=article,
                stated_on=datetime.date(2019, 4, day),
            )
    many, response = queries()

    assert len(response.json()["series"]) == 34
    assert many == few


def test_it_pages_by_series_and_each_page_holds_whole_series(api_client, world):
    pages, url = [], "/api/v1/timeline/?page_size=2"
    while url:
        body = api_client.get(url).json()
        pages.append(
            [(s["actor"], s["proposal"], len(s["points"])) for s in body["series"]]
        )
        url = body["next"]

    assert pages == [
        [("north-korea", "big-deal", 1), ("north-korea", "phased-deal", 1)],
        [("south-korea", "road-map", 1), ("us", "big-deal", 5)],
    ]


def test_it_exports_every_point_of_every_series_as_csv(api_client, world):
    response = api_client.get("/api/v1/timeline/?format=csv&page_size=1")

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "actor,proposal,stated_on,stance,position"
    assert len(lines) == 1 + 8
    assert f"us,big-deal,2019-03-01,0,{world.us_mar_b.pk}" in lines


def test_it_refuses_a_cursor_holding_a_nul(api_client, world):
    key = ["us\x00", "big-deal"]
    cursor = base64.urlsafe_b64encode(
        json.dumps({"direction": "next", "key": key}).encode()
    ).decode()

    response = api_client.get(f"/api/v1/timeline/?cursor={cursor}")

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_it_rejects_a_person_as_the_actor_naming_the_parameter(api_client, world):
    PersonFactory(slug="a-person")

    response = api_client.get("/api/v1/timeline/?actor=a-person")

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]
