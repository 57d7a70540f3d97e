"""A renamed slug keeps working: the API resolves the old slug (in a path or
a filter) and pages answer 301 to the current address."""

import datetime

import pytest

from tests.factories import (
    ArticleFactory,
    EventFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat


def _rename(row, slug):
    row.slug = slug
    row.save()
    return row


@pytest.fixture
def renamed(db):
    us = StateFactory(name="United States", slug="us")
    negotiation = NegotiationFactory(slug="talks")
    proposal = ProposalFactory(negotiation=negotiation, slug="deal")
    event = EventFactory(negotiation=negotiation, slug="summit")
    PositionFactory(actor=us, proposal=proposal, article=ArticleFactory(), stance=1)
    for row, slug in [
        (us, "united-states"),
        (negotiation, "nuclear-talks"),
        (proposal, "big-deal"),
        (event, "hanoi-summit"),
    ]:
        _rename(row, slug)
    return {"us": us, "negotiation": negotiation, "proposal": proposal}


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("/api/v1/actors/us/", "united-states"),
        ("/api/v1/negotiations/talks/", "nuclear-talks"),
        ("/api/v1/proposals/deal/", "big-deal"),
        ("/api/v1/events/summit/", "hanoi-summit"),
    ],
)
def test_the_api_resolves_an_old_slug_in_a_path(renamed, api_client, old, current):
    response = api_client.get(old)

    assert response.status_code == 200
    assert response.json()["slug"] == current


def test_the_api_resolves_an_old_slug_in_a_filter(renamed, api_client):
    by_old = api_client.get("/api/v1/positions/?actor=us&proposal=deal")
    by_current = api_client.get(
        "/api/v1/positions/?actor=united-states&proposal=big-deal"
    )

    assert by_old.status_code == 200
    assert by_old.json()["results"] == by_current.json()["results"]
    assert len(by_old.json()["results"]) == 1


def test_a_slug_in_use_now_wins_over_an_old_one(renamed, api_client):
    StateFactory(name="Someone else", slug="us")

    response = api_client.get("/api/v1/actors/us/")

    assert response.json()["name"] == "Someone else"


def test_a_slug_never_used_is_still_unknown(renamed, api_client):
    assert api_client.get("/api/v1/actors/nobody/").status_code == 404
    assert api_client.get("/api/v1/positions/?actor=nobody").status_code == 400


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("/actors/us/", "/actors/united-states/"),
        ("/negotiations/talks/", "/negotiations/nuclear-talks/"),
        ("/negotiations/talks/compare/", "/negotiations/nuclear-talks/compare/"),
        ("/proposals/deal/", "/proposals/big-deal/"),
        ("/events/summit/", "/events/hanoi-summit/"),
    ],
)
def test_pages_redirect_an_old_slug_permanently(renamed, client, old, current):
    response = client.get(f"{old}?as_of=2019-03-01")

    assert response.status_code == 301
    assert response["Location"] == f"{current}?as_of=2019-03-01"


def test_a_page_of_a_slug_never_used_is_404(renamed, client):
    assert client.get("/actors/nobody/").status_code == 404


def test_analyses_resolve_an_old_side_slug(renamed, api_client):
    StateFactory(name="North Korea", slug="north-korea")

    gap = api_client.get("/api/v1/gap/?a=us&b=north-korea")
    summary = api_client.get("/api/v1/actors/us/summary/")

    assert gap.status_code == 200
    assert gap.json()["a"] == "united-states"
    assert summary.status_code == 200
    assert summary.json()["actor"] == "united-states"
    assert api_client.get("/api/v1/actors/nobody/summary/").status_code == 404
