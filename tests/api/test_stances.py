import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Confidence
from positions.selectors import stances_as_of
from positions.serializers import StanceSerializer
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

# The as-of SQL is one statement; the parameters need no query of their own.
# The data version the response answers from is one of them.
STANCES_QUERY_COUNT = 2
# Each slug parameter (actor, proposal, negotiation) is looked up once.
STANCES_FILTERED_QUERY_COUNT = STANCES_QUERY_COUNT + 3

FIELDS = ["actor", "proposal", "stance", "stance_label", "stated_on", "position"]
FIELDS += ["disputed", "resolution", "day_stance_min", "day_stance_max"]
FIELDS += ["day_positions"]


@pytest.fixture
def world(korea_case):
    """The seed case plus an earlier US stance and two disputed South Korean days.

    Hand-worked as-of stances on 2019-03-28, in (actor slug, proposal slug) order:

    north-korea/big-deal    -2  03-15
    north-korea/phased-deal +2  03-28
    south-korea/big-deal    +1  03-20  disputed (high confidence beats a later −1)
    south-korea/phased-deal −1  03-20  disputed (equal confidence: highest id)
    south-korea/road-map    +2  03-28
    us/big-deal             +2  03-28  (was +1 from 02-28)
    """
    k = korea_case
    february = ArticleFactory(published_on=D("2019-02-28"))
    march = [ArticleFactory(published_on=D("2019-03-20")) for _ in range(2)]
    k.us_big_deal_before = PositionFactory(
        actor=k.us, proposal=k.big_deal, article=february, stance=1
    )
    k.rok_big_deal_high = PositionFactory(
        actor=k.rok,
        proposal=k.big_deal,
        article=march[0],
        stance=1,
        confidence=Confidence.HIGH,
    )
    k.rok_big_deal_medium = PositionFactory(
        actor=k.rok, proposal=k.big_deal, article=march[1], stance=-1
    )
    k.rok_phased_older = PositionFactory(
        actor=k.rok, proposal=k.phased, article=march[0], stance=0
    )
    k.rok_phased_newer = PositionFactory(
        actor=k.rok, proposal=k.phased, article=march[1], stance=-1
    )
    return k


def _rows(response):
    assert response.status_code == 200, response.content
    assert response.data["previous"] is None
    return [
        (
            row["actor"],
            row["proposal"],
            row["stance"],
            row["stated_on"],
            row["position"],
            row["disputed"],
        )
        for row in response.json()["results"]
    ]


def test_it_gives_the_as_of_stance_of_every_pair_on_a_date(api_client, world):
    response = api_client.get("/api/v1/stances/?as_of=2019-03-28")

    assert _rows(response) == [
        ("north-korea", "big-deal", -2, "2019-03-15", world.dprk_big_deal.pk, False),
        ("north-korea", "phased-deal", 2, "2019-03-28", world.dprk_phased.pk, False),
        ("south-korea", "big-deal", 1, "2019-03-20", world.rok_big_deal_high.pk, True),
        (
            "south-korea",
            "phased-deal",
            -1,
            "2019-03-20",
            world.rok_phased_newer.pk,
            True,
        ),
        ("south-korea", "road-map", 2, "2019-03-28", world.rok_road_map.pk, False),
        ("us", "big-deal", 2, "2019-03-28", world.us_big_deal.pk, False),
    ]
    assert response.json()["next"] is None


def test_it_gives_exactly_the_contract_fields(api_client, world):
    response = api_client.get("/api/v1/stances/?as_of=2019-03-28&actor=us")

    assert response.json()["results"] == [
        {
            "actor": "us",
            "proposal": "big-deal",
            "stance": 2,
            "stance_label": "demands / strongly supports",
            "stated_on": "2019-03-28",
            "position": world.us_big_deal.pk,
            "disputed": False,
            "resolution": "single",
            "day_stance_min": 2,
            "day_stance_max": 2,
            "day_positions": 1,
        }
    ]


def test_it_takes_the_latest_date_on_or_before_as_of_inclusive(api_client, world):
    def us_and_dprk_on_big_deal(day):
        response = api_client.get(
            f"/api/v1/stances/?as_of={day}&proposal=big-deal&actor=us&actor=north-korea"
        )
        return [(r[0], r[2], r[4]) for r in _rows(response)]

    assert us_and_dprk_on_big_deal("2019-02-27") == []
    assert us_and_dprk_on_big_deal("2019-02-28") == [
        ("us", 1, world.us_big_deal_before.pk)
    ]
    assert us_and_dprk_on_big_deal("2019-03-14") == [
        ("us", 1, world.us_big_deal_before.pk)
    ]
    assert us_and_dprk_on_big_deal("2019-03-15") == [
        ("north-korea", -2, world.dprk_big_deal.pk),
        ("us", 1, world.us_big_deal_before.pk),
    ]
    assert us_and_dprk_on_big_deal("2019-03-27") == [
        ("north-korea", -2, world.dprk_big_deal.pk),
        ("us", 1, world.us_big_deal_before.pk),
    ]
    assert us_and_dprk_on_big_deal("2019-03-28") == [
        ("north-korea", -2, world.dprk_big_deal.pk),
        ("us", 2, world.us_big_deal.pk),
    ]


def test_it_resolves_a_same_day_disagreement_by_confidence_then_id(api_client, world):
    response = api_client.get("/api/v1/stances/?as_of=2019-03-20&actor=south-korea")

    assert _rows(response) == [
        ("south-korea", "big-deal", 1, "2019-03-20", world.rok_big_deal_high.pk, True),
        (
            "south-korea",
            "phased-deal",
            -1,
            "2019-03-20",
            world.rok_phased_newer.pk,
            True,
        ),
    ]


def test_it_does_not_flag_a_same_day_agreement_as_disputed(api_client, world):
    PositionFactory(
        actor=world.us,
        proposal=world.big_deal,
        article=ArticleFactory(published_on=D("2019-03-28")),
        stance=2,
    )

    response = api_client.get("/api/v1/stances/?as_of=2019-03-28&actor=us")

    [(_, _, stance, _, _, disputed)] = _rows(response)
    assert (stance, disputed) == (2, False)


def test_it_defaults_as_of_to_today(api_client, world):
    with time_machine.travel(datetime.datetime(2019, 3, 21, 12, 0), tick=False):
        response = api_client.get("/api/v1/stances/?actor=us&actor=south-korea")

    assert [(r[0], r[1], r[2], r[3]) for r in _rows(response)] == [
        ("south-korea", "big-deal", 1, "2019-03-20"),
        ("south-korea", "phased-deal", -1, "2019-03-20"),
        ("us", "big-deal", 1, "2019-02-28"),
    ]


def test_it_filters_by_negotiation_actor_and_proposal(api_client, world):
    other = ProposalFactory(negotiation=NegotiationFactory(slug="other-talks"))
    PositionFactory(actor=world.us, proposal=other, stance=-1)

    everything = api_client.get("/api/v1/stances/?as_of=2019-03-28")
    talks = api_client.get("/api/v1/stances/?as_of=2019-03-28&negotiation=talks")
    combined = api_client.get(
        "/api/v1/stances/?as_of=2019-03-28&negotiation=talks"
        "&actor=south-korea&proposal=road-map&proposal=phased-deal"
    )

    assert len(_rows(everything)) == 7
    assert (other.slug, -1) in {(r[1], r[2]) for r in _rows(everything)}
    assert len(_rows(talks)) == 6
    assert other.slug not in {r[1] for r in _rows(talks)}
    assert [(r[0], r[1]) for r in _rows(combined)] == [
        ("south-korea", "phased-deal"),
        ("south-korea", "road-map"),
    ]


def test_it_pages_through_every_pair_exactly_once(api_client, world):
    seen, pages = [], 0
    url = "/api/v1/stances/?as_of=2019-03-28&page_size=4"
    while url is not None:
        response = api_client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) <= 4
        seen += [(row["actor"], row["proposal"]) for row in body["results"]]
        url = body["next"]
        pages += 1

    assert pages == 2
    assert seen == [
        ("north-korea", "big-deal"),
        ("north-korea", "phased-deal"),
        ("south-korea", "big-deal"),
        ("south-korea", "phased-deal"),
        ("south-korea", "road-map"),
        ("us", "big-deal"),
    ]


def test_it_pages_every_pair_once_while_positions_are_added(api_client, world):
    first = api_client.get("/api/v1/stances/?as_of=2019-03-28&page_size=2").json()
    # A new stance of a pair already sent, and a new pair after the cursor.
    PositionFactory(actor=world.dprk, proposal=world.big_deal, stance=1)
    PositionFactory(actor=world.dprk, proposal=world.road_map, stance=1)
    seen = [(row["actor"], row["proposal"]) for row in first["results"]]
    url = first["next"]
    while url is not None:
        body = api_client.get(url).json()
        seen += [(row["actor"], row["proposal"]) for row in body["results"]]
        url = body["next"]

    assert seen == [
        ("north-korea", "big-deal"),
        ("north-korea", "phased-deal"),
        ("north-korea", "road-map"),
        ("south-korea", "big-deal"),
        ("south-korea", "phased-deal"),
        ("south-korea", "road-map"),
        ("us", "big-deal"),
    ]


def test_it_exports_every_row_as_csv(api_client, world):
    response = api_client.get(
        "/api/v1/stances/?as_of=2019-03-28&format=csv&page_size=1"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FIELDS
    assert [row[:3] + row[4:6] for row in rows[1:]] == [
        ["north-korea", "big-deal", "-2", "2019-03-15", str(world.dprk_big_deal.pk)],
        ["north-korea", "phased-deal", "2", "2019-03-28", str(world.dprk_phased.pk)],
        ["south-korea", "big-deal", "1", "2019-03-20", str(world.rok_big_deal_high.pk)],
        [
            "south-korea",
            "phased-deal",
            "-1",
            "2019-03-20",
            str(world.rok_phased_newer.pk),
        ],
        ["south-korea", "road-map", "2", "2019-03-28", str(world.rok_road_map.pk)],
        ["us", "big-deal", "2", "2019-03-28", str(world.us_big_deal.pk)],
    ]
    assert rows[3][3] == "supports / open to"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("actor=nobody", "actor"),
        ("proposal=no-such-plan", "proposal"),
        ("negotiation=no-such-talks", "negotiation"),
        ("as_of=2019-13-01", "as_of"),
        ("as_of=yesterday", "as_of"),
        ("actr=us", "actr"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_it_rejects_a_bad_parameter_with_400_naming_it(
    api_client, world, query, parameter
):
    response = api_client.get(f"/api/v1/stances/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [parameter]


def test_it_rejects_an_unknown_format_with_400_naming_it(api_client, world):
    response = api_client.get("/api/v1/stances/?format=xml")

    assert response.status_code == 400
    assert list(response.json()) == ["format"]


def test_it_answers_a_bad_csv_request_with_json_400(api_client, world):
    response = api_client.get("/api/v1/stances/?format=csv&actor=nobody")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["actor"]


def _many_pairs(count):
    article = ArticleFactory(published_on=D("2019-03-28"))
    proposal = ProposalFactory()
    for _ in range(count):
        PositionFactory(actor=StateFactory(), proposal=proposal, article=article)


def test_it_stays_within_its_query_budget(
    api_client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(STANCES_QUERY_COUNT):
        response = api_client.get("/api/v1/stances/?as_of=2019-03-28")
    assert response.status_code == 200

    with django_assert_max_num_queries(STANCES_FILTERED_QUERY_COUNT):
        response = api_client.get(
            "/api/v1/stances/?actor=us&proposal=big-deal&negotiation=talks"
        )
    assert response.status_code == 200


def test_it_runs_as_many_queries_for_many_rows_as_for_few(api_client, world):
    def queries(url):
        with CaptureQueriesContext(connection) as context:
            response = api_client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(context), response

    few, _ = queries("/api/v1/stances/?page_size=5")
    _many_pairs(120)
    many, response = queries("/api/v1/stances/?page_size=500")
    csv_queries, _ = queries("/api/v1/stances/?format=csv")

    assert len(response.json()["results"]) == 126
    assert many == few
    assert csv_queries == few


def test_it_says_how_each_day_was_resolved_and_its_range(api_client, world):
    response = api_client.get("/api/v1/stances/?as_of=2019-03-28&actor=south-korea")

    assert [
        (
            row["proposal"],
            row["resolution"],
            row["day_stance_min"],
            row["day_stance_max"],
            row["day_positions"],
        )
        for row in response.json()["results"]
    ] == [
        ("big-deal", "single", -1, 1, 2),  # only the high-confidence source votes
        ("phased-deal", "tie", -1, 0, 2),  # one each: the later recorded wins
        ("road-map", "single", 2, 2, 1),
    ]


def test_it_resolves_a_day_by_plurality_of_equal_confidence(api_client, world):
    # The example: two −2 and a 0 recorded last, all medium.
    for stance in (-2, -2, 0):
        PositionFactory(
            actor=world.us,
            proposal=world.phased,
            stance=stance,
            stated_on=D("2019-03-27"),
        )

    response = api_client.get(
        "/api/v1/stances/?as_of=2019-03-28&actor=us&proposal=phased-deal"
    )

    [row] = response.json()["results"]
    assert (row["stance"], row["resolution"], row["disputed"]) == (
        -2,
        "plurality",
        True,
    )
    assert (row["day_stance_min"], row["day_stance_max"], row["day_positions"]) == (
        -2,
        0,
        3,
    )


def test_it_rejects_a_person_as_the_actor_naming_the_parameter(api_client, world):
    response = api_client.get("/api/v1/stances/?actor=mike-pompeo")

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]
    assert "person" in response.json()["actor"][0]


def test_it_rejects_a_nul_character_in_a_side_naming_the_parameter(api_client, world):
    # The side check looks for a person of that name only once it is a name.
    response = api_client.get("/api/v1/stances/?actor=us%00")

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]


def test_it_says_what_the_serializer_says(api_client, world):
    rows = stances_as_of(on=D("2019-03-28"))
    response = api_client.get("/api/v1/stances/?as_of=2019-03-28&page_size=100")

    assert response.json()["results"] == StanceSerializer(rows, many=True).data
