"""``known_at``: every read and analysis answers as the database held it at an
instant, from the recorded history. Edits, deletions and back-dated positions
recorded after the instant change nothing in the answer, and the response
says which instant and version it answered as of.

These tests commit (``transactional_db``): each write is a data version.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from positions.models import Position
from positions.services import position_delete, position_update
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)

READS = [
    "/api/v1/positions/",
    "/api/v1/positions/?actor=us&ordering=-stated_on",
    "/api/v1/positions/?search=deal",
    "/api/v1/positions/?format=csv",
    "/api/v1/articles/",
    "/api/v1/articles/?actor=north-korea",
    "/api/v1/stances/?as_of=2019-03-10",
    "/api/v1/stances/?as_of=2019-03-10&attribution=reported",
    "/api/v1/stances/?as_of=2019-03-10&format=csv",
    "/api/v1/changes/?kind=initial&kind=shift&kind=reversal",
    "/api/v1/timeline/",
    "/api/v1/timeline/?format=csv",
    "/api/v1/gap/?a=us&b=north-korea",
    "/api/v1/diff/?negotiation=korea&from_date=2019-02-01&to_date=2019-03-10",
    "/api/v1/actors/us/summary/?since=2019-01-01&until=2019-12-31",
]


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    negotiation = NegotiationFactory(slug="korea")
    negotiation.participants.set([us, dprk])
    big_deal = ProposalFactory(negotiation=negotiation, slug="big-deal")
    phased = ProposalFactory(negotiation=negotiation, slug="phased-deal")
    article = ArticleFactory(published_on=D("2019-03-05"))
    early = ArticleFactory(published_on=D("2019-02-01"))
    positions = {
        "us_big": PositionFactory(
            actor=us, proposal=big_deal, article=article, stance=2, quote="A deal"
        ),
        "us_big_early": PositionFactory(
            actor=us, proposal=big_deal, article=early, stance=1
        ),
        "dprk_big": PositionFactory(
            actor=dprk, proposal=big_deal, article=article, stance=-2
        ),
        "dprk_phased": PositionFactory(
            actor=dprk, proposal=phased, article=article, stance=2
        ),
    }
    return {"us": us, "dprk": dprk, "big_deal": big_deal, **positions}


def _body(response):
    assert response.status_code == 200, response.content
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _rewrite_history_after_t(world):
    """An edit, a deletion and a back-dated position, each its own transaction."""
    with transaction.atomic():
        us_big = Position.objects.get(pk=world["us_big"].pk)
        position_update(
            position_id=us_big.pk,
            expected_version=us_big.version,
            changes={"stance": -1, "quote": "No deal"},
        )
    with transaction.atomic():
        position_delete(position_id=world["dprk_phased"].pk)
    back_dated = ArticleFactory(published_on=D("2019-02-28"))
    PositionFactory(
        actor=world["us"],
        proposal=world["big_deal"],
        article=back_dated,
        stance=-2,
        stated_on=D("2019-02-28"),
    )
    with transaction.atomic():
        early = Position.objects.get(pk=world["us_big_early"].pk)
        position_update(
            position_id=early.pk,
            expected_version=early.version,
            changes={"stated_on": D("2019-01-15")},
        )


def _with_known_at(path: str, instant: datetime.datetime) -> str:
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}known_at={instant.isoformat().replace('+', '%2B')}"


def test_it_answers_every_read_as_at_t_after_edits_deletions_and_back_dating(
    world,
):
    client = APIClient()
    at_t = {path: _body(client.get(path)) for path in READS}
    t = timezone.now()

    _rewrite_history_after_t(world)

    for path in READS:
        now = _body(client.get(path))
        then = client.get(_with_known_at(path, t))
        assert _body(then) == at_t[path], path
        assert now != at_t[path] or "summary" in path, path


def test_it_says_which_instant_and_version_it_answered_as_of(world):
    client = APIClient()
    version_at_t = client.get("/api/v1/positions/")["X-Data-Version"]
    t = timezone.now()
    _rewrite_history_after_t(world)

    response = client.get(_with_known_at("/api/v1/stances/", t))

    assert response["X-Known-At"] == t.isoformat()
    assert response["X-Data-Version"] == version_at_t
    assert int(client.get("/api/v1/stances/")["X-Data-Version"]) > int(version_at_t)


def test_its_next_links_keep_known_at(world):
    client = APIClient()
    t = timezone.now()
    _rewrite_history_after_t(world)

    ids = []
    url = _with_known_at("/api/v1/positions/?page_size=1", t)
    while url:
        page = client.get(url).json()
        ids += [row["id"] for row in page["results"]]
        url = page["next"]

    assert sorted(ids) == sorted(
        world[name].pk for name in ("us_big", "us_big_early", "dprk_big", "dprk_phased")
    )


def test_it_shows_a_position_as_it_stood_and_one_deleted_since(world):
    t = timezone.now()
    _rewrite_history_after_t(world)

    rows = APIClient().get(_with_known_at("/api/v1/positions/", t)).json()["results"]

    by_id = {row["id"]: row for row in rows}
    assert by_id[world["us_big"].pk]["stance"] == 2
    assert by_id[world["us_big"].pk]["quote"] == "A deal"
    assert by_id[world["us_big"].pk]["version"] == 1
    assert world["dprk_phased"].pk in by_id
    assert len(rows) == 4


def test_it_answers_an_instant_before_any_data_with_nothing(world):
    before = timezone.now() - datetime.timedelta(days=365)

    positions = APIClient().get(_with_known_at("/api/v1/positions/", before))
    stances = APIClient().get(_with_known_at("/api/v1/stances/", before))

    assert positions.json()["results"] == []
    assert stances.json()["results"] == []
    assert positions["X-Data-Version"] == "0"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "not an ISO date-time"),
        ("2019-06-01", "not an ISO date-time"),
        ("2999-01-01T00:00:00Z", "in the future"),
    ],
)
def test_it_refuses_a_malformed_or_future_known_at_with_400(world, value, message):
    response = APIClient().get(f"/api/v1/stances/?known_at={value}")

    assert response.status_code == 400
    assert message in response.json()["known_at"][0]


def test_it_still_names_an_unknown_parameter_beside_known_at(world):
    t = timezone.now().isoformat().replace("+", "%2B")

    response = APIClient().get(f"/api/v1/positions/?known_at={t}&actr=us")

    assert response.status_code == 400
    assert "actr" in response.json()


def test_one_position_reads_as_it_stood_at_t_also_when_deleted_since(world):
    client = APIClient()
    edited, deleted = world["us_big"].pk, world["dprk_phased"].pk
    then_edited = client.get(f"/api/v1/positions/{edited}/").json()
    then_deleted = client.get(f"/api/v1/positions/{deleted}/").json()
    t = timezone.now()
    _rewrite_history_after_t(world)

    edited_at_t = client.get(_with_known_at(f"/api/v1/positions/{edited}/", t))
    deleted_at_t = client.get(_with_known_at(f"/api/v1/positions/{deleted}/", t))

    assert edited_at_t.json() == then_edited
    assert edited_at_t["ETag"] == f'"{edited}-v1"'
    assert edited_at_t["X-Known-At"] == t.isoformat()
    assert deleted_at_t.json() == then_deleted
    assert client.get(f"/api/v1/positions/{deleted}/").status_code == 404
    before_it = _with_known_at(
        f"/api/v1/positions/{edited}/", t - datetime.timedelta(days=365)
    )
    assert client.get(before_it).status_code == 404
    assert (
        client.get(_with_known_at(f"/api/v1/positions/{edited}/?x=1", t)).status_code
        == 400
    )


def test_a_known_at_with_an_offset_postgresql_refuses_is_read_in_utc(api_client, db):
    response = api_client.get(
        "/api/v1/positions/", {"known_at": "2019-06-01T00:00:00-17:51"}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("known_at", "0001-01-01T00:00:00+17:53"),  # before year 1 in UTC
        ("updated_since", "0001-01-01T00:00:00+17:53"),
        ("updated_since", "9999-12-31T23:59:59-17:53"),  # after year 9999 in UTC
    ],
)
def test_an_instant_utc_cannot_hold_reads_as_the_first_or_last_there_is(
    api_client, db, parameter, value
):
    response = api_client.get("/api/v1/negotiations/", {parameter: value})

    assert response.status_code == 200
    assert response.json()["results"] == []
