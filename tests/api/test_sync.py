"""Sync: ``updated_since`` and ``ordering=updated_at`` on every resource list,
and ``/api/v1/deletions/?since=``, so that a mirror stays exact.

These tests commit (``transactional_db``): each write is a data version.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor
from positions.models import Position
from positions.services import position_delete, position_restore, position_update
from tests.factories import (
    ArticleFactory,
    EventFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
    UserFactory,
)

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = [
    "/api/v1/actors/",
    "/api/v1/negotiations/",
    "/api/v1/proposals/",
    "/api/v1/articles/",
    "/api/v1/events/",
    "/api/v1/positions/",
]


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    negotiation = NegotiationFactory(slug="korea")
    negotiation.participants.set([us, dprk])
    proposal = ProposalFactory(negotiation=negotiation, slug="big-deal")
    article = ArticleFactory(published_on=D("2019-03-05"))
    EventFactory(negotiation=negotiation)
    positions = [
        PositionFactory(actor=actor, proposal=proposal, article=article, stance=s)
        for actor, s in [(us, 2), (dprk, -2)]
    ]
    return {"us": us, "proposal": proposal, "article": article, "positions": positions}


def _all(client, url) -> list[dict]:
    rows = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def _change_things(world):
    first, second = world["positions"]
    with transaction.atomic():
        position = Position.objects.get(pk=first.pk)
        position_update(
            position_id=position.pk,
            expected_version=position.version,
            changes={"stance": 0},
        )
    with transaction.atomic():
        position_delete(position_id=second.pk, by=UserFactory(username="curator1"))
    return PositionFactory(
        actor=world["us"],
        proposal=world["proposal"],
        article=world["article"],
        stance=1,
        stated_on=D("2019-03-01"),
    )


def test_a_mirror_built_from_updates_and_deletions_equals_a_fresh_export(world):
    client = APIClient()
    first = client.get("/api/v1/positions/?page_size=1")
    version = first["X-Data-Version"]
    mirror = {row["id"]: row for row in _all(client, "/api/v1/positions/?page_size=1")}

    _change_things(world)
    updated = _all(client, f"/api/v1/positions/?updated_since={version}&page_size=1")
    deleted = _all(client, f"/api/v1/deletions/?since={version}&model=position")
    for row in updated:
        mirror[row["id"]] = row
    for row in deleted:
        mirror.pop(row["id"])

    assert {row["id"]: row for row in _all(client, "/api/v1/positions/")} == mirror
    assert len(updated) == 2
    assert [row["id"] for row in deleted] == [world["positions"][1].pk]


def test_the_deletions_name_when_by_whom_and_at_which_version(world):
    client = APIClient()
    version = int(client.get("/api/v1/positions/")["X-Data-Version"])

    _change_things(world)
    [deletion] = client.get(f"/api/v1/deletions/?since={version}").json()["results"]

    assert deletion["model"] == "position"
    assert deletion["id"] == world["positions"][1].pk
    assert deletion["slug"] is None
    assert deletion["deleted_by"] == "curator1"
    assert deletion["data_version"] > version
    assert datetime.datetime.fromisoformat(deletion["deleted_at"]) <= timezone.now()


def test_the_deletions_leave_out_what_was_restored_and_take_an_instant(world):
    client = APIClient()
    before = timezone.now()
    actor = StateFactory(slug="short-lived")
    actor_id = actor.pk
    actor.delete()
    with transaction.atomic():
        position_delete(position_id=world["positions"][0].pk)
    with transaction.atomic():
        position_restore(position_id=world["positions"][0].pk)

    since = before.isoformat().replace("+", "%2B")
    rows = client.get(f"/api/v1/deletions/?since={since}").json()["results"]

    assert [(row["model"], row["id"], row["slug"]) for row in rows] == [
        ("actor", actor_id, "short-lived")
    ]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_takes_updated_since_and_ordering_by_updated_at(world, path):
    client = APIClient()
    version = client.get(path)["X-Data-Version"]
    everything = client.get(f"{path}?ordering=updated_at").json()["results"]

    nothing_since = client.get(f"{path}?updated_since={version}")
    backwards = client.get(f"{path}?ordering=-updated_at").json()["results"]

    assert nothing_since.status_code == 200
    assert nothing_since.json()["results"] == []
    assert len(everything) >= 1
    assert [row.get("id") for row in backwards] == [
        row.get("id") for row in reversed(everything)
    ]


def test_updated_since_lists_what_changed_in_order_of_change(world):
    client = APIClient()
    version = client.get("/api/v1/actors/")["X-Data-Version"]

    with transaction.atomic():
        actor = Actor.objects.get(slug="us")
        actor.description = "Changed."
        actor.save()
    StateFactory(name="Newcomer", slug="newcomer")

    rows = client.get(
        f"/api/v1/actors/?updated_since={version}&ordering=updated_at"
    ).json()["results"]

    assert [row["slug"] for row in rows] == ["us", "newcomer"]


@pytest.mark.parametrize("value", ["yesterday", "2019-06-01", "-3"])
def test_it_refuses_a_malformed_updated_since_or_since_with_400(world, value):
    listed = APIClient().get(f"/api/v1/positions/?updated_since={value}")
    deletions = APIClient().get(f"/api/v1/deletions/?since={value}")

    assert listed.status_code == 400
    assert "updated_since" in listed.json()
    assert deletions.status_code == 400
    assert "since" in deletions.json()


def test_the_deletions_refuse_an_unknown_model_or_parameter(world):
    model = APIClient().get("/api/v1/deletions/?model=planet")
    typo = APIClient().get("/api/v1/deletions/?snce=1")

    assert model.status_code == 400
    assert "model" in model.json()
    assert typo.status_code == 400
    assert "snce" in typo.json()


def test_updated_since_reads_an_offset_postgresql_refuses_in_utc(world):
    # -16:31 is a valid ISO offset that PostgreSQL would refuse as given.
    since = "2019-06-01T00:00:00-16:31"

    listed = APIClient().get("/api/v1/positions/", {"updated_since": since})

    assert listed.status_code == 200
    assert listed.json()["results"]
