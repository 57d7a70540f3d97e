import base64
import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Confidence
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

ENGINE = settings.DATABASES["default"]["ENGINE"]

# A page: the start of the period of the latest positions, then the change
# SQL over that period (again over all history only if the period holds
# fewer changes than the page). The CSV is the change SQL alone.
# The data version the response answers from is one of them.
CHANGES_QUERY_COUNT = 3

FIELDS = ["actor", "proposal", "kind", "from_stance", "to_stance"]
FIELDS += ["from_position", "to_position", "changed_on", "disputed", "contested"]


@pytest.fixture
def story(db):
    """One pair (side, plan) over five dates, with hand-worked changes:

    01-01 +1 initial · 01-02 +1 no change (repeated) · 01-03 −1 reversal
    · 01-04 −2 shift · 01-05 0 shift (−2 → 0).
    """
    actor = StateFactory(slug="side")
    proposal = ProposalFactory(
        slug="plan", negotiation=NegotiationFactory(slug="talks")
    )
    article = ArticleFactory(published_on=D("2020-01-31"))
    positions = [
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=stance,
            stated_on=datetime.date(2020, 1, day),
        )
        for day, stance in enumerate([1, 1, -1, -2, 0], start=1)
    ]
    return positions


def _changes(response):
    assert response.status_code == 200, response.content
    return [
        (
            row["changed_on"],
            row["kind"],
            row["from_stance"],
            row["to_stance"],
            row["from_position"],
            row["to_position"],
        )
        for row in response.json()["results"]
    ]


def test_it_lists_shifts_and_reversals_newest_first(api_client, story):
    p = story

    response = api_client.get("/api/v1/changes/")

    assert _changes(response) == [
        ("2020-01-05", "shift", -2, 0, p[3].pk, p[4].pk),
        ("2020-01-04", "shift", -1, -2, p[2].pk, p[3].pk),
        # Compared with 01-02, the last day standing at +1; 01-02 itself is no change.
        ("2020-01-03", "reversal", 1, -1, p[1].pk, p[2].pk),
    ]
    assert response.json()["next"] is None


def test_it_gives_exactly_the_contract_fields(api_client, story):
    p = story

    response = api_client.get("/api/v1/changes/?until=2020-01-03")

    assert response.json()["results"] == [
        {
            "actor": "side",
            "proposal": "plan",
            "kind": "reversal",
            "from_stance": 1,
            "to_stance": -1,
            "from_position": p[1].pk,
            "to_position": p[2].pk,
            "changed_on": "2020-01-03",
            "disputed": False,
            "contested": False,
        }
    ]


def test_it_lists_initial_rows_only_when_asked_for(api_client, story):
    p = story

    initial = api_client.get("/api/v1/changes/?kind=initial")
    initial_and_reversal = api_client.get("/api/v1/changes/?kind=initial&kind=reversal")
    reversal = api_client.get("/api/v1/changes/?kind=reversal")

    assert _changes(initial) == [("2020-01-01", "initial", None, 1, None, p[0].pk)]
    assert [(row[0], row[1]) for row in _changes(initial_and_reversal)] == [
        ("2020-01-03", "reversal"),
        ("2020-01-01", "initial"),
    ]
    assert [(row[0], row[1]) for row in _changes(reversal)] == [
        ("2020-01-03", "reversal")
    ]


def test_it_compares_with_history_before_since(api_client, story):
    p = story

    response = api_client.get("/api/v1/changes/?since=2020-01-03&until=2020-01-04")
    last_day = api_client.get("/api/v1/changes/?since=2020-01-05")

    assert _changes(response) == [
        ("2020-01-04", "shift", -1, -2, p[2].pk, p[3].pk),
        ("2020-01-03", "reversal", 1, -1, p[1].pk, p[2].pk),
    ]
    assert _changes(last_day) == [("2020-01-05", "shift", -2, 0, p[3].pk, p[4].pk)]


def test_it_does_not_list_the_initial_date_inside_the_window_as_a_change(
    api_client, story
):
    response = api_client.get("/api/v1/changes/?since=2020-01-01&until=2020-01-02")

    assert _changes(response) == []


def test_it_resolves_a_disputed_day_before_comparing(api_client, story):
    p = story
    # On 01-04 a high-confidence +1 outweighs the recorded −2: a reversal to +1.
    disputing = PositionFactory(
        actor=p[0].actor,
        proposal=p[0].proposal,
        article=ArticleFactory(published_on=D("2020-01-31")),
        stance=1,
        stated_on=D("2020-01-04"),
        confidence=Confidence.HIGH,
    )

    response = api_client.get("/api/v1/changes/?since=2020-01-04")

    assert _changes(response) == [
        ("2020-01-05", "shift", 1, 0, disputing.pk, p[4].pk),
        ("2020-01-04", "reversal", -1, 1, p[2].pk, disputing.pk),
    ]
    # Disputed when a position of the from-date or the to-date disagrees
    # (DESIGN.md): the 01-05 shift starts from the disputed 01-04.
    assert [row["disputed"] for row in response.json()["results"]] == [True, True]
    # A single high-confidence source resolved 01-04: nothing is contested.
    assert [row["contested"] for row in response.json()["results"]] == [False, False]


def test_it_filters_by_actor_proposal_and_negotiation(api_client, story):
    other_side = StateFactory(slug="other-side")
    other_plan = ProposalFactory(
        slug="other-plan", negotiation=NegotiationFactory(slug="other-talks")
    )
    article = ArticleFactory(published_on=D("2020-01-31"))
    for actor, proposal in [
        (other_side, story[0].proposal),
        (story[0].actor, other_plan),
    ]:
        for day, stance in [(10, 2), (11, -2)]:
            PositionFactory(
                actor=actor,
                proposal=proposal,
                article=article,
                stance=stance,
                stated_on=datetime.date(2020, 1, day),
            )

    def pairs(query):
        return [
            (row["actor"], row["proposal"], row["changed_on"])
            for row in api_client.get(f"/api/v1/changes/?{query}").json()["results"]
        ]

    assert pairs("actor=other-side") == [("other-side", "plan", "2020-01-11")]
    assert pairs("negotiation=other-talks") == [("side", "other-plan", "2020-01-11")]
    assert pairs("actor=side&proposal=other-plan&proposal=plan&since=2020-01-05") == [
        ("side", "other-plan", "2020-01-11"),
        ("side", "plan", "2020-01-05"),
    ]
    assert len(pairs("")) == 5


@pytest.fixture
def many_changes(db):
    """Eight pairs, each reversing from +1 to −1 on one of two dates (4 each)."""
    article = ArticleFactory(published_on=D("2020-03-31"))
    proposal = ProposalFactory()
    expected = []
    for index in range(8):
        actor = StateFactory()
        day = 10 if index % 2 else 20
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=1,
            stated_on=datetime.date(2020, 3, 1),
        )
        reversal = PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=-1,
            stated_on=datetime.date(2020, 3, day),
        )
        expected.append((reversal.stated_on.isoformat(), reversal.pk))
    # Newest first, then highest position id first.
    return sorted(expected, reverse=True)


def test_it_pages_through_every_change_exactly_once(api_client, many_changes):
    seen, pages = [], 0
    url = "/api/v1/changes/?page_size=3"
    while url is not None:
        body = api_client.get(url).json()
        assert len(body["results"]) <= 3
        seen += [(row["changed_on"], row["to_position"]) for row in body["results"]]
        url = body["next"]
        pages += 1

    assert pages == 3
    assert seen == many_changes


def test_it_exports_every_change_as_csv(api_client, many_changes):
    response = api_client.get("/api/v1/changes/?format=csv&page_size=1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FIELDS
    assert [(row[7], int(row[6])) for row in rows[1:]] == many_changes
    assert {(row[2], row[3], row[4]) for row in rows[1:]} == {("reversal", "1", "-1")}


def test_it_exports_initial_rows_with_an_empty_from_stance(api_client, story):
    response = api_client.get("/api/v1/changes/?format=csv&kind=initial")

    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8")))
    )
    assert rows[1][:6] == ["side", "plan", "initial", "", "1", ""]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("actor=nobody", "actor"),
        ("proposal=no-such-plan", "proposal"),
        ("negotiation=no-such-talks", "negotiation"),
        ("since=2020-02-30", "since"),
        ("until=tomorrow", "until"),
        ("kind=u-turn", "kind"),
        ("knid=initial", "knid"),
        ("page_size=-1", "page_size"),
        ("cursor=abc", "cursor"),
    ],
)
def test_it_rejects_a_bad_parameter_with_400_naming_it(
    api_client, story, query, parameter
):
    response = api_client.get(f"/api/v1/changes/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_stays_within_its_query_budget(
    api_client, many_changes, django_assert_max_num_queries
):
    with django_assert_max_num_queries(CHANGES_QUERY_COUNT):
        response = api_client.get("/api/v1/changes/?kind=shift&kind=reversal")

    assert response.status_code == 200


def test_it_runs_as_many_queries_for_many_rows_as_for_few(api_client, story):
    def queries(url):
        with CaptureQueriesContext(connection) as context:
            response = api_client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(context), response

    few, _ = queries("/api/v1/changes/?page_size=2")
    article = ArticleFactory(published_on=D("2020-01-31"))
    for _ in range(40):
        actor = StateFactory()
        for day, stance in [(1, 2), (2, -2), (3, 0)]:
            PositionFactory(
                actor=actor,
                proposal=story[0].proposal,
                article=article,
                stance=stance,
                stated_on=datetime.date(2020, 1, day),
            )
    many, response = queries("/api/v1/changes/?page_size=500")
    csv_queries, _ = queries("/api/v1/changes/?format=csv")

    assert len(response.json()["results"]) == 3 + 80
    assert many == few == CHANGES_QUERY_COUNT
    assert csv_queries == CHANGES_QUERY_COUNT - 1  # no page after the rows


def _cursor(key):
    return base64.urlsafe_b64encode(
        json.dumps({"direction": "next", "key": key}).encode()
    ).decode()


@pytest.mark.parametrize(
    "key",
    [
        ["2020-01-03", 10**30],
        ["2020-01-03", True],
        ["2020-01-03"],
        ["2020-01-03", "7"],
        ["someday", 7],
        [None, 7],
    ],
)
def test_it_answers_a_tampered_cursor_without_a_server_error(api_client, story, key):
    api_client.raise_request_exception = False

    response = api_client.get(f"/api/v1/changes/?cursor={_cursor(key)}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.fixture
def outvoted(story):
    """On 01-06 two sources say 0 and one says −1, recorded last: a plurality
    for 0, so no change; on 01-07 one source says +1: a shift from a day
    resolved by plurality, contested."""
    p = story
    for stance in (0, 0, -1):
        PositionFactory(
            actor=p[0].actor,
            proposal=p[0].proposal,
            stance=stance,
            stated_on=D("2020-01-06"),
        )
    PositionFactory(
        actor=p[0].actor, proposal=p[0].proposal, stance=1, stated_on=D("2020-01-07")
    )
    return p


def test_it_marks_contested_changes_and_filters_by_contested(api_client, outvoted):
    every = api_client.get("/api/v1/changes/").json()["results"]
    uncontested = api_client.get("/api/v1/changes/?contested=false").json()["results"]
    contested = api_client.get("/api/v1/changes/?contested=true").json()["results"]

    assert [(r["changed_on"], r["contested"]) for r in every] == [
        ("2020-01-07", True),
        ("2020-01-05", False),
        ("2020-01-04", False),
        ("2020-01-03", False),
    ]
    assert [r["changed_on"] for r in uncontested] == [
        r["changed_on"] for r in every[1:]
    ]
    assert [r["changed_on"] for r in contested] == ["2020-01-07"]


def test_it_gives_contested_in_the_csv(api_client, outvoted):
    response = api_client.get("/api/v1/changes/?format=csv&contested=true")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].split(",") == FIELDS
    assert lines[1].endswith(",True,True")
    assert len(lines) == 2


@pytest.mark.parametrize("value", ["yes", "1", "TRUE", ""])
def test_it_rejects_a_contested_value_other_than_true_or_false(
    api_client, story, value
):
    response = api_client.get(f"/api/v1/changes/?contested={value}")

    # Empty too: an empty value is a 400 naming it, never "not given".
    assert response.status_code == 400
    assert list(response.json()) == ["contested"]


def test_it_rejects_a_person_as_the_actor_naming_the_parameter(api_client, story):
    PersonFactory(slug="a-person")

    response = api_client.get("/api/v1/changes/?actor=side&actor=a-person")

    assert response.status_code == 400
    assert list(response.json()) == ["actor"]
    assert "a-person" in response.json()["actor"][0]
    assert "person" in response.json()["actor"][0]
