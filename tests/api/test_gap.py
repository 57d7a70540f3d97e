import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from positions.api.analysis import gap_data
from positions.models import Position
from positions.selectors import gap_series
from positions.serializers import GapSerializer
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PersonFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

# Two slug look-ups (a, b), then the gap SQL.
# The data version the response answers from is one of them.
GAP_QUERY_COUNT = 4


@pytest.fixture
def sides(db):
    """Sides a and b on three proposals of one negotiation, with hand-worked gaps.

    a: p1 +2 (01-01), p2 −1 (01-03), p1 +1 (01-05), p2 −1 again (01-06: no change)
    b: p1 −2 (01-02), p2 −1 and p3 +2 (01-04)
    c: p1 +2 (01-07): not one of the two sides

    date   shared    gap
    01-01  none      null, 0 proposals (b has no stance yet)
    01-02  p1        |2 − −2| = 4
    01-03  p1        4 (b has no stance on p2 yet)
    01-04  p1, p2    (4 + 0) / 2 = 2
    01-05  p1, p2    (|1 − −2| + 0) / 2 = 1.5
    """
    talks = NegotiationFactory(slug="talks")
    p1, p2, p3 = (ProposalFactory(negotiation=talks) for _ in range(3))
    a, b, c = (StateFactory(slug=slug) for slug in ("side-a", "side-b", "side-c"))
    article = ArticleFactory(published_on=D("2020-01-31"))
    for actor, proposal, stance, day in [
        (a, p1, 2, 1),
        (b, p1, -2, 2),
        (a, p2, -1, 3),
        (b, p2, -1, 4),
        (b, p3, 2, 4),
        (a, p1, 1, 5),
        (a, p2, -1, 6),
        (c, p1, 2, 7),
    ]:
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=stance,
            stated_on=datetime.date(2020, 1, day),
        )
    return talks


def _points(response):
    assert response.status_code == 200, response.content
    return [
        (point["date"], point["gap"], point["proposals"])
        for point in response.json()["points"]
    ]


def test_it_gives_the_gap_on_every_date_either_side_changes(api_client, sides):
    response = api_client.get("/api/v1/gap/?a=side-a&b=side-b")

    assert response.json()["a"] == "side-a"
    assert response.json()["b"] == "side-b"
    assert _points(response) == [
        ("2020-01-01", None, 0),
        ("2020-01-02", 4.0, 1),
        ("2020-01-03", 4.0, 1),
        ("2020-01-04", 2.0, 2),
        ("2020-01-05", 1.5, 2),
    ]


def test_it_gives_exactly_the_contract_fields(api_client, sides):
    a_p1, b_p1 = Position.objects.filter(stated_on__lte=D("2020-01-02")).order_by(
        "stated_on"
    )
    p1 = a_p1.proposal
    response = api_client.get("/api/v1/gap/?a=side-a&b=side-b&until=2020-01-02")

    assert response.json() == {
        "a": "side-a",
        "b": "side-b",
        "points": [
            {
                "date": "2020-01-01",
                "gap": None,
                "proposals": 0,
                "terms": [],
                "moved_a": None,
                "moved_b": None,
                "composition": None,
                "changed": ["a"],
            },
            {
                "date": "2020-01-02",
                "gap": 4.0,
                "proposals": 1,
                "terms": [
                    {
                        "proposal": p1.slug,
                        "a_stance": 2,
                        "b_stance": -2,
                        "a_stated_on": "2020-01-01",
                        "b_stated_on": "2020-01-02",
                        "a_position": a_p1.pk,
                        "b_position": b_p1.pk,
                    }
                ],
                "moved_a": None,
                "moved_b": None,
                "composition": None,
                "changed": ["b"],
            },
        ],
    }


def test_it_is_symmetric_in_a_and_b(api_client, sides):
    forward = api_client.get("/api/v1/gap/?a=side-a&b=side-b")
    backward = api_client.get("/api/v1/gap/?a=side-b&b=side-a")

    assert _points(backward) == _points(forward)
    assert backward.json()["a"] == "side-b"


def test_it_gives_a_null_gap_when_the_sides_share_no_proposal(api_client, sides):
    StateFactory(slug="silent")

    with_silent = api_client.get("/api/v1/gap/?a=side-a&b=silent")

    assert _points(with_silent) == [
        ("2020-01-01", None, 0),
        ("2020-01-03", None, 0),
        ("2020-01-05", None, 0),
    ]


def test_it_lists_dates_from_since_to_until_inclusively_with_earlier_history(
    api_client, sides
):
    response = api_client.get(
        "/api/v1/gap/?a=side-a&b=side-b&since=2020-01-03&until=2020-01-04"
    )

    assert _points(response) == [("2020-01-03", 4.0, 1), ("2020-01-04", 2.0, 2)]


def test_it_limits_the_proposals_to_the_negotiation(api_client, sides):
    elsewhere = ProposalFactory(negotiation=NegotiationFactory(slug="elsewhere"))
    article = ArticleFactory(published_on=D("2020-01-31"))
    for slug, stance in [("side-a", 2), ("side-b", -2)]:
        PositionFactory(
            actor=Actor.objects.get(slug=slug),
            proposal=elsewhere,
            article=article,
            stance=stance,
            stated_on=D("2020-01-08"),
        )

    everywhere = api_client.get("/api/v1/gap/?a=side-a&b=side-b&since=2020-01-05")
    talks = api_client.get(
        "/api/v1/gap/?a=side-a&b=side-b&since=2020-01-05&negotiation=talks"
    )

    # On 01-08: p1 3, p2 0 and the new proposal 4 → 7 / 3.
    assert _points(everywhere) == [("2020-01-05", 1.5, 2), ("2020-01-08", 7 / 3, 3)]
    assert _points(talks) == [("2020-01-05", 1.5, 2)]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("b=side-b", "a"),
        ("a=side-a", "b"),
        ("a=nobody&b=side-b", "a"),
        ("a=side-a&b=nobody", "b"),
        ("a=side-a&b=side-b&negotiation=no-such-talks", "negotiation"),
        ("a=side-a&b=side-b&since=2020-01-32", "since"),
        ("a=side-a&b=side-b&until=later", "until"),
        ("a=side-a&b=side-b&c=side-c", "c"),
    ],
)
def test_it_rejects_a_missing_or_bad_parameter_with_400_naming_it(
    api_client, sides, query, parameter
):
    response = api_client.get(f"/api/v1/gap/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_it_names_both_sides_when_both_are_missing(api_client, sides):
    response = api_client.get("/api/v1/gap/")

    assert response.status_code == 400
    assert set(response.json()) == {"a", "b"}


def test_it_stays_within_its_query_budget(
    api_client, sides, django_assert_max_num_queries
):
    with django_assert_max_num_queries(GAP_QUERY_COUNT):
        response = api_client.get("/api/v1/gap/?a=side-a&b=side-b")

    assert response.status_code == 200


def test_it_runs_as_many_queries_for_many_dates_as_for_few(api_client, sides):
    def queries():
        with CaptureQueriesContext(connection) as context:
            response = api_client.get("/api/v1/gap/?a=side-a&b=side-b")
        assert response.status_code == 200
        return len(context), response

    few, _ = queries()
    article = ArticleFactory(published_on=D("2020-12-31"))
    proposal = ProposalFactory(negotiation=sides)
    for offset in range(40):
        PositionFactory(
            actor=Actor.objects.get(slug="side-a"),
            proposal=proposal,
            article=article,
            stance=2 if offset % 2 else -2,
            stated_on=D("2020-02-01") + datetime.timedelta(days=offset),
        )
    many, response = queries()

    assert len(response.json()["points"]) == 5 + 40
    assert many == few


@pytest.mark.parametrize("side", ["a", "b"])
def test_it_rejects_a_person_as_a_side_naming_the_parameter(api_client, sides, side):
    PersonFactory(slug="a-person")
    other = "b" if side == "a" else "a"

    response = api_client.get(f"/api/v1/gap/?{side}=a-person&{other}=side-a")

    assert response.status_code == 400
    assert list(response.json()) == [side]
    assert "person" in response.json()[side][0]


def test_it_starts_at_the_level_on_since(api_client, sides):
    response = api_client.get("/api/v1/gap/?a=side-a&b=side-b&since=2020-01-02T")
    assert response.status_code == 400

    response = api_client.get("/api/v1/gap/?a=side-a&b=side-b&since=2020-01-03")
    later = api_client.get("/api/v1/gap/?a=side-a&b=side-b&since=2020-01-10")

    assert _points(response)[0] == ("2020-01-03", 4.0, 1)
    assert _points(later) == [("2020-01-10", 1.5, 2)]
    [point] = later.json()["points"]
    assert (point["moved_a"], point["changed"]) == (None, [])
    assert [term["proposal"] for term in point["terms"]] == sorted(
        term["proposal"] for term in point["terms"]
    )


def test_it_restricts_the_gap_to_the_proposals_asked_for(api_client, sides):
    p1, p2 = (p.slug for p in sides.proposals.order_by("id")[:2])

    response = api_client.get(f"/api/v1/gap/?a=side-a&b=side-b&proposal={p2}")
    both = api_client.get(f"/api/v1/gap/?a=side-a&b=side-b&proposal={p1}&proposal={p2}")
    unknown = api_client.get("/api/v1/gap/?a=side-a&b=side-b&proposal=nothing")

    assert _points(response) == [("2020-01-03", None, 0), ("2020-01-04", 0.0, 1)]
    assert _points(both) == _points(api_client.get("/api/v1/gap/?a=side-a&b=side-b"))
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["proposal"]


def test_it_explains_each_change_by_who_moved_and_what_entered(api_client, sides):
    points = api_client.get("/api/v1/gap/?a=side-a&b=side-b").json()["points"]

    # 01-04: p2 enters the shared set at 0 (gap 4 → 2); 01-05: a moves on p1
    # from +2 to +1 (2 → 1.5, over the two proposals shared before).
    assert [
        (p["date"], p["moved_a"], p["moved_b"], p["composition"], p["changed"])
        for p in points[2:]
    ] == [
        ("2020-01-03", 0.0, 0.0, 0.0, ["a"]),
        ("2020-01-04", 0.0, 0.0, -2.0, ["b"]),
        ("2020-01-05", -0.5, 0.0, 0.0, ["a"]),
    ]
    for before, point in zip(points[1:], points[2:], strict=False):
        parts = point["moved_a"] + point["moved_b"] + point["composition"]
        assert parts == pytest.approx(point["gap"] - before["gap"])


def test_it_says_what_the_serializer_says(sides):
    a, b = Actor.objects.get(slug="side-a"), Actor.objects.get(slug="side-b")
    for since in (None, D("2020-01-03"), D("2021-01-01")):
        points = gap_series(a=a, b=b, since=since)

        fast = gap_data(a="side-a", b="side-b", points=points)

        assert (
            fast == GapSerializer({"a": "side-a", "b": "side-b", "points": points}).data
        )


def test_it_leaves_the_terms_out_when_asked(api_client, sides):
    full = api_client.get("/api/v1/gap/?a=side-a&b=side-b").json()["points"]
    lean = api_client.get("/api/v1/gap/?a=side-a&b=side-b&terms=false").json()["points"]
    bad = api_client.get("/api/v1/gap/?a=side-a&b=side-b&terms=no")

    assert [point | {"terms": []} for point in full] == lean
    assert any(point["terms"] for point in full)
    assert bad.status_code == 400
    assert list(bad.json()) == ["terms"]
