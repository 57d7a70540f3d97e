import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

# The negotiation's slug, then the diff SQL.
# The data version the response answers from is one of them.
DIFF_QUERY_COUNT = 3

FIELDS = ["actor", "proposal", "kind", "from_stance", "from_stance_label"]
FIELDS += ["from_stated_on", "from_position", "from_disputed", "to_stance"]
FIELDS += ["to_stance_label", "to_stated_on", "to_position", "to_disputed"]
FIELDS += ["positions_between"]


@pytest.fixture
def hanoi(db):
    """Around a summit, in negotiation "talks" (participants us, dprk):

    us/deal:   02-20 +2 · 02-28 +1 · 03-01 +2        (back where it was: no diff)
    us/plan:   02-20 −1 · 02-28 +1                   (reversal)
    dprk/deal: 02-20 −2 · 02-28 −1, −1 and a −2 recorded last (plurality −1)
    dprk/plan: 03-01 +2                              (new)
    rok/plan:  02-28 0   (not a participant: not in the negotiation's diff)
    """
    talks = NegotiationFactory(slug="talks")
    us, dprk = StateFactory(slug="us"), StateFactory(slug="dprk")
    rok = StateFactory(slug="rok")
    talks.participants.set([us, dprk])
    deal = ProposalFactory(negotiation=talks, slug="deal")
    plan = ProposalFactory(negotiation=talks, slug="plan")
    created = {}
    for actor, proposal, day, stance in [
        (us, deal, "02-20", 2),
        (us, deal, "02-28", 1),
        (us, deal, "03-01", 2),
        (us, plan, "02-20", -1),
        (us, plan, "02-28", 1),
        (dprk, deal, "02-20", -2),
        (dprk, deal, "02-28", -1),
        (dprk, deal, "02-28", -1),
        (dprk, deal, "02-28", -2),
        (dprk, plan, "03-01", 2),
        (rok, plan, "02-28", 0),
    ]:
        created.setdefault((actor.slug, proposal.slug), []).append(
            PositionFactory(
                actor=actor,
                proposal=proposal,
                stance=stance,
                stated_on=D(f"2019-{day}"),
            )
        )
    return created


URL = "/api/v1/diff/?negotiation=talks&from_date=2019-02-27&to_date=2019-03-02"


def _rows(response):
    assert response.status_code == 200, response.content
    return [
        (
            row["actor"],
            row["proposal"],
            row["kind"],
            row["from_stance"],
            row["to_stance"],
        )
        for row in response.json()["results"]
    ]


def test_it_lists_every_participant_and_proposal_whose_stance_differs(
    api_client, hanoi
):
    response = api_client.get(URL)

    assert _rows(response) == [
        ("dprk", "deal", "shift", -2, -1),
        ("dprk", "plan", "new", None, 2),
        ("us", "plan", "reversal", -1, 1),
    ]


def test_it_gives_exactly_the_contract_fields(api_client, hanoi):
    response = api_client.get(URL + "&actor=dprk&proposal=deal")

    before, *same_day = hanoi["dprk", "deal"]
    assert response.json()["results"] == [
        {
            "actor": "dprk",
            "proposal": "deal",
            "kind": "shift",
            "from_stance": -2,
            "from_stance_label": "rejects outright",
            "from_stated_on": "2019-02-20",
            "from_position": before.pk,
            "from_disputed": False,
            "to_stance": -1,
            "to_stance_label": "opposes / sceptical",
            "to_stated_on": "2019-02-28",
            "to_position": same_day[1].pk,
            "to_disputed": True,
            "positions_between": [same_day[1].pk],
        }
    ]


def test_it_lists_the_positions_of_every_change_in_between(api_client, hanoi):
    response = api_client.get(
        "/api/v1/diff/?from_date=2019-02-21&to_date=2019-03-01&actor=us"
    )

    deal = hanoi["us", "deal"]
    assert _rows(response) == [("us", "plan", "reversal", -1, 1)]
    # Back to +2 on the deal by 03-01: no net change, so not listed.
    wider = api_client.get("/api/v1/diff/?from_date=2019-02-21&to_date=2019-02-28")
    [us_deal] = [
        row
        for row in wider.json()["results"]
        if (row["actor"], row["proposal"]) == ("us", "deal")
    ]
    assert (us_deal["from_stance"], us_deal["to_stance"]) == (2, 1)
    assert us_deal["positions_between"] == [deal[1].pk]


def test_it_takes_any_side_asked_for_even_outside_the_participants(api_client, hanoi):
    participants = api_client.get(URL)
    asked = api_client.get(URL + "&actor=rok")
    everyone = api_client.get("/api/v1/diff/?from_date=2019-02-27&to_date=2019-03-02")

    assert "rok" not in {row["actor"] for row in participants.json()["results"]}
    assert _rows(asked) == [("rok", "plan", "new", None, 0)]
    assert len(everyone.json()["results"]) == 4


def test_it_exports_every_row_as_csv(api_client, hanoi):
    response = api_client.get(URL + "&format=csv&page_size=1")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Disposition"] == 'attachment; filename="diff.csv"'
    assert lines[0].split(",") == FIELDS
    assert len(lines) == 4
    assert lines[1].endswith(str(hanoi["dprk", "deal"][2].pk))


def test_it_pages_through_every_row_exactly_once(api_client, hanoi):
    seen, url = [], URL + "&page_size=1"
    while url:
        body = api_client.get(url).json()
        seen += [(row["actor"], row["proposal"]) for row in body["results"]]
        url = body["next"]

    assert seen == [("dprk", "deal"), ("dprk", "plan"), ("us", "plan")]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from_date=2019-03-02&to_date=2019-03-02", "from_date"),
        ("from_date=2019-03-03&to_date=2019-03-02", "from_date"),
        ("to_date=2019-03-02", "from_date"),
        ("from_date=2019-03-01", "to_date"),
        ("from_date=2019-02-30&to_date=2019-03-02", "from_date"),
        ("from_date=2019-03-01&to_date=2019-03-02&negotiation=nope", "negotiation"),
        ("from_date=2019-03-01&to_date=2019-03-02&proposal=nope", "proposal"),
        ("from_date=2019-03-01&to_date=2019-03-02&attribution=rumour", "attribution"),
    ],
)
def test_it_rejects_a_bad_parameter_with_400_naming_it(
    api_client, hanoi, query, parameter
):
    response = api_client.get(f"/api/v1/diff/?{query}")

    assert response.status_code == 400
    assert parameter in response.json()


def test_it_rejects_a_person_as_the_actor_naming_the_parameter(api_client, hanoi):
    PersonFactory(slug="a-person")

    response = api_client.get(URL + "&actor=a-person")

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]


def test_it_stays_within_its_query_budget(api_client, hanoi):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(URL)

    assert response.status_code == 200
    assert len(queries) == DIFF_QUERY_COUNT
