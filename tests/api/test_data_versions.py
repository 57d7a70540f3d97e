"""Versioned responses: every list and analysis names the data version it
answered from (ETag, Last-Modified, X-Data-Version, X-Rules-Version), a
conditional GET answers 304 while nothing was written, and every writing
transaction advances the version once, inside it, stamping its history rows.

These tests commit (``transactional_db``): a version is taken per transaction.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.test import APIClient

from actors.models import Actor
from config.lib import versions
from positions import selectors
from positions.models import DataVersion, Position
from positions.services import position_update, positions_bulk_create
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)

LISTS_AND_ANALYSES = [
    "/api/v1/positions/",
    "/api/v1/articles/",
    "/api/v1/actors/",
    "/api/v1/negotiations/",
    "/api/v1/proposals/",
    "/api/v1/events/",
    "/api/v1/stances/",
    "/api/v1/changes/",
    "/api/v1/timeline/",
    "/api/v1/gap/?a=us&b=north-korea",
    "/api/v1/diff/?from_date=2019-01-01&to_date=2019-12-31",
    "/api/v1/actors/us/summary/",
    "/api/v1/positions/?format=csv",
]


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    negotiation = NegotiationFactory(slug="korea")
    negotiation.participants.set([us, dprk])
    proposal = ProposalFactory(negotiation=negotiation, slug="big-deal")
    article = ArticleFactory(published_on=D("2019-03-05"))
    PositionFactory(actor=us, proposal=proposal, article=article, stance=2)
    PositionFactory(actor=dprk, proposal=proposal, article=article, stance=-2)
    return {"us": us, "proposal": proposal, "article": article}


def _version() -> int:
    return DataVersion.objects.order_by("-version").values_list("version", flat=True)[0]


@pytest.mark.parametrize("path", LISTS_AND_ANALYSES)
def test_it_names_the_data_and_rules_versions_of_every_list_and_analysis(world, path):
    response = APIClient().get(path)

    assert response.status_code == 200, response.content
    assert response["X-Data-Version"] == str(_version())
    assert response["X-Rules-Version"] == settings.RULES_VERSION
    assert response["ETag"].startswith(f'"v{_version()}-r{settings.RULES_VERSION}-')
    taken_at = DataVersion.objects.get(version=_version()).taken_at
    assert response["Last-Modified"] == http_date(taken_at.timestamp())
    assert "X-Known-At" not in response


@pytest.mark.parametrize("path", LISTS_AND_ANALYSES)
def test_it_answers_304_to_the_etag_it_gave_until_something_is_written(world, path):
    client = APIClient()
    etag = client.get(path)["ETag"]

    unchanged = client.get(path, HTTP_IF_NONE_MATCH=etag)
    StateFactory()  # any write: a new version
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_an_etag_holds_for_its_day_only_as_analyses_default_to_today(world):
    client = APIClient()
    path = "/api/v1/stances/"  # as of today unless as_of says otherwise
    with time_machine.travel(
        datetime.datetime(2026, 12, 4, 23, 59, tzinfo=datetime.UTC)
    ):
        etag = client.get(path)["ETag"]
    with time_machine.travel(datetime.datetime(2026, 12, 5, 0, 1, tzinfo=datetime.UTC)):
        tomorrow = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert tomorrow.status_code == 200
    assert tomorrow["ETag"] != etag


def test_it_answers_304_to_if_modified_since_not_before_the_version(world):
    client = APIClient()
    last_modified = client.get("/api/v1/positions/")["Last-Modified"]

    same = client.get("/api/v1/positions/", HTTP_IF_MODIFIED_SINCE=last_modified)
    earlier = client.get(
        "/api/v1/positions/",
        HTTP_IF_MODIFIED_SINCE=http_date(
            DataVersion.objects.get(version=_version()).taken_at.timestamp() - 60
        ),
    )

    assert same.status_code == 304
    assert earlier.status_code == 200


def test_its_etag_differs_by_representation(world):
    client = APIClient()

    tags = {
        client.get("/api/v1/positions/")["ETag"],
        client.get("/api/v1/positions/?format=csv")["ETag"],
        client.get("/api/v1/positions/?actor=us")["ETag"],
        client.get("/api/v1/stances/")["ETag"],
    }

    assert len(tags) == 4


def test_it_gives_no_version_headers_to_an_error(world):
    response = APIClient().get("/api/v1/positions/?actr=us")

    assert response.status_code == 400
    assert "ETag" not in response
    assert "X-Data-Version" not in response


def test_a_writing_transaction_takes_one_version_and_stamps_its_history(world):
    before = _version()
    rows = [
        {
            "actor": world["us"],
            "proposal": world["proposal"],
            "article": world["article"],
            "stance": stance,
            "stated_on": D(f"2019-03-0{day}"),
        }
        for day, stance in [(1, 1), (2, 0), (3, -1)]
    ]

    created = positions_bulk_create(rows=rows)
    with transaction.atomic():
        first = Position.objects.get(pk=created[0].pk)
        position_update(
            position_id=first.pk, expected_version=first.version, changes={"stance": 2}
        )
        position_update(
            position_id=first.pk,
            expected_version=first.version + 1,
            changes={"stance": -2},
        )

    stamps = Position.history.filter(id__in=[p.pk for p in created])
    assert (
        sorted(stamps.values_list("data_version", flat=True))
        == [before + 1] * 3 + [before + 2] * 2
    )
    assert _version() == before + 2


def test_a_transaction_rolled_back_takes_no_version(world):
    before = _version()

    with pytest.raises(RuntimeError), transaction.atomic():
        StateFactory()
        raise RuntimeError("abandoned")
    StateFactory()

    assert _version() == before + 1
    assert list(
        Actor.history.filter(data_version__gt=before).values_list(
            "data_version", flat=True
        )
    ) == [before + 1]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's transaction is one snapshot"
)
def test_it_reads_one_repeatable_read_snapshot_on_postgresql(world, monkeypatch):
    seen = []
    stances_as_of = selectors.stances_as_of

    def spying(**arguments):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append(cursor.fetchone()[0])
        return stances_as_of(**arguments)

    monkeypatch.setattr(selectors, "stances_as_of", spying)

    response = APIClient().get("/api/v1/stances/")

    assert response.status_code == 200
    assert seen == ["repeatable read"]


def test_an_unexpected_error_leaves_no_transaction_or_version_behind(
    world, monkeypatch
):
    def failing(**arguments):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(selectors, "stances_as_of", failing)
    client = APIClient(raise_request_exception=False)
    t = timezone.now().isoformat().replace("+", "%2B")

    failed = client.get(f"/api/v1/stances/?known_at={t}")

    assert failed.status_code == 500
    assert not connection.in_atomic_block
    assert versions.reading_snapshot() is None
    StateFactory(slug="written-after")
    assert Actor.objects.filter(slug="written-after").exists()
    assert APIClient().get("/api/v1/positions/").status_code == 200
