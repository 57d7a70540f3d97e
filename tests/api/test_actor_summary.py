import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

# The actor, then the summary SQL.
# The data version the response answers from is one of them.
SUMMARY_QUERY_COUNT = 3


@pytest.fixture
def side(db):
    """side on four proposals:

    deal:  2018-06 +1 · 2019-02 −1 (reversal) · 2019-05 −2 (shift)
    plan:  2018-06 0  · 2019-03 two +1 and a −1 (plurality +1: a contested shift)
    map:   2018-06 +2 (no change since)
    later: 2019-04 +1 (a first stance: no move)
    """
    side = StateFactory(slug="side")
    deal = ProposalFactory(slug="deal")
    plan, road_map, later = (
        ProposalFactory(slug=slug, negotiation=deal.negotiation)
        for slug in ("plan", "map", "later")
    )
    for proposal, day, stance in [
        (deal, "2018-06-01", 1),
        (deal, "2019-02-01", -1),
        (deal, "2019-05-01", -2),
        (plan, "2018-06-01", 0),
        (plan, "2019-03-01", 1),
        (plan, "2019-03-01", 1),
        (plan, "2019-03-01", -1),
        (road_map, "2018-06-01", 2),
        (later, "2019-04-01", 1),
    ]:
        PositionFactory(actor=side, proposal=proposal, stance=stance, stated_on=D(day))
    return side


def _summary(response):
    assert response.status_code == 200, response.content
    return {
        row["proposal"]: (
            row["stance_at_since"],
            row["stance_at_until"],
            row["shifts"],
            row["reversals"],
            row["contested_changes"],
            row["verdict"],
        )
        for row in response.json()["proposals"]
    }


def test_it_counts_each_proposals_moves_over_the_period(api_client, side):
    response = api_client.get(
        "/api/v1/actors/side/summary/?since=2019-01-01&until=2019-12-31"
    )

    assert response.json()["actor"] == "side"
    assert (response.json()["since"], response.json()["until"]) == (
        "2019-01-01",
        "2019-12-31",
    )
    assert _summary(response) == {
        "deal": (1, -2, 1, 1, 0, "reversal"),
        "later": (None, 1, 0, 0, 0, "no_change"),
        "map": (2, 2, 0, 0, 0, "no_change"),
        "plan": (0, 1, 0, 0, 1, "no_change"),
    }
    assert list(response.json()["proposals"][0]) == [
        "proposal",
        "stance_at_since",
        "stance_at_until",
        "shifts",
        "reversals",
        "contested_changes",
        "verdict",
    ]


def test_it_counts_both_bounds_inclusively(api_client, side):
    response = api_client.get(
        "/api/v1/actors/side/summary/?since=2019-05-01&until=2019-05-01"
    )

    assert _summary(response)["deal"] == (-2, -2, 1, 0, 0, "shift")


def test_it_lists_only_proposals_with_a_stance_by_until(api_client, side):
    response = api_client.get("/api/v1/actors/side/summary/?until=2019-01-01")

    assert response.json()["since"] is None
    assert set(_summary(response)) == {"deal", "plan", "map"}


def test_it_rejects_a_person_naming_the_actor(api_client, side):
    PersonFactory(slug="a-person")

    response = api_client.get("/api/v1/actors/a-person/summary/")

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("since=2019-13-01", "since"),
        ("until=yesterday", "until"),
        ("since=2019-02-01&until=2019-01-01", "since"),
        ("verdict=shift", "verdict"),
    ],
)
def test_it_rejects_a_bad_parameter_with_400_naming_it(
    api_client, side, query, parameter
):
    response = api_client.get(f"/api/v1/actors/side/summary/?{query}")

    assert response.status_code == 400
    assert parameter in response.json()


def test_it_answers_404_for_an_unknown_actor(api_client, side):
    assert api_client.get("/api/v1/actors/nobody/summary/").status_code == 404


def test_it_stays_within_its_query_budget(api_client, side):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/actors/side/summary/?since=2019-01-01")

    assert response.status_code == 200
    assert len(queries) == SUMMARY_QUERY_COUNT
