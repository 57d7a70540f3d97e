"""A9 (huge bodies): every free-text field has a length limit, chosen in
config/lib/limits.py and enforced by model validation, so the API answers
400 naming the field, web forms and the admin show a form error, and nothing
is stored. A 9 MB note was saved before."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from config.lib import limits
from positions.models import Article, Event, Negotiation, Position, Proposal
from tests.factories import ArticleFactory, NegotiationFactory, StateFactory


def too_long(limit: int) -> str:
    return "x" * (limit + 1)


@pytest.fixture
def analyst_api(analyst):
    client = APIClient()
    client.force_authenticate(analyst)
    return client


@pytest.fixture
def curator_api(curator):
    client = APIClient()
    client.force_authenticate(curator)
    return client


def position_body(case, **changes):
    return {
        "actor": "south-korea",
        "proposal": "big-deal",
        "stance": -1,
        "stated_on": "2019-03-28",
        "article": case.herald.pk,
        "confidence": "high",
    } | changes


def assert_refused(response, field):
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert "at most" in " ".join(response.json()[field])


# --- the API --------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, limit", [("quote", limits.QUOTE), ("note", limits.NOTE)]
)
def test_it_refuses_a_position_text_over_its_limit(
    analyst_api, korea_case, field, limit
):
    before = Position.objects.count()

    response = analyst_api.post(
        "/api/v1/positions/", position_body(korea_case, **{field: too_long(limit)})
    )

    assert_refused(response, field)
    assert Position.objects.count() == before


@pytest.mark.parametrize(
    "field, limit", [("quote", limits.QUOTE), ("note", limits.NOTE)]
)
def test_it_accepts_a_position_text_at_its_limit(analyst_api, korea_case, field, limit):
    response = analyst_api.post(
        "/api/v1/positions/", position_body(korea_case, **{field: "é" * limit})
    )

    assert response.status_code == 201, response.content
    assert getattr(Position.objects.get(pk=response.json()["id"]), field) == "é" * limit


def test_it_refuses_the_nine_megabyte_note_of_the_report(analyst_api, korea_case):
    position = korea_case.dprk_big_deal

    response = analyst_api.patch(
        f"/api/v1/positions/{position.pk}/", {"note": "n" * 9_000_000}
    )

    assert_refused(response, "note")
    stored = Position.objects.get(pk=position.pk)
    assert (stored.note, stored.version) == (position.note, position.version)


def test_it_refuses_an_overlong_row_in_a_bulk_create_and_keeps_nothing(
    analyst_api, korea_case
):
    before = Position.objects.count()
    rows = [
        position_body(korea_case, quote="fine"),
        position_body(korea_case, proposal="road-map", quote=too_long(limits.QUOTE)),
    ]

    response = analyst_api.post("/api/v1/positions/bulk/", rows, format="json")

    assert response.status_code == 400
    assert "quote" in str(response.json())
    assert Position.objects.count() == before


@pytest.mark.parametrize(
    "field, limit", [("summary", limits.SUMMARY), ("body", limits.ARTICLE_BODY)]
)
def test_it_refuses_an_article_text_over_its_limit(analyst_api, db, field, limit):
    response = analyst_api.post(
        "/api/v1/articles/",
        {
            "url": "https://news.example.org/long",
            "title": "Long",
            "outlet": "The Example Times",
            "published_on": "2019-03-28",
            field: too_long(limit),
        },
    )

    assert_refused(response, field)
    assert not Article.objects.exists()


def test_it_refuses_an_overlong_negotiation_description(curator_api, db):
    response = curator_api.post(
        "/api/v1/negotiations/",
        {"title": "Talks", "description": too_long(limits.DESCRIPTION)},
    )

    assert_refused(response, "description")
    assert not Negotiation.objects.exists()


def test_it_refuses_an_overlong_proposal_summary(curator_api, db):
    NegotiationFactory(title="Talks", slug="talks")

    response = curator_api.post(
        "/api/v1/proposals/",
        {"negotiation": "talks", "title": "Plan", "summary": too_long(limits.SUMMARY)},
    )

    assert_refused(response, "summary")
    assert not Proposal.objects.exists()


def test_it_refuses_an_overlong_event_description(analyst_api, db):
    NegotiationFactory(title="Talks", slug="talks")

    response = analyst_api.post(
        "/api/v1/events/",
        {
            "negotiation": "talks",
            "title": "Summit",
            "starts_on": "2019-02-27",
            "description": too_long(limits.DESCRIPTION),
        },
    )

    assert_refused(response, "description")
    assert not Event.objects.exists()


def test_it_refuses_an_overlong_actor_description(curator_api, db):
    response = curator_api.post(
        "/api/v1/actors/",
        {
            "name": "Freedonia",
            "kind": "state",
            "description": too_long(limits.DESCRIPTION),
        },
    )

    assert_refused(response, "description")
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    "aliases",
    [
        [f"Name {n}" for n in range(limits.ALIASES + 1)],
        ["y" * (limits.ALIAS + 1)],
    ],
    ids=["too-many", "too-long"],
)
def test_it_refuses_too_many_or_too_long_aliases(curator_api, db, aliases):
    response = curator_api.post(
        "/api/v1/actors/",
        {"name": "Freedonia", "kind": "state", "aliases": aliases},
        format="json",
    )

    assert response.status_code == 400
    assert "aliases" in response.json()
    assert not Actor.objects.exists()


# --- web form and admin -----------------------------------------------------------


def test_it_shows_a_form_error_for_an_overlong_quote_on_the_edit_page(
    client, analyst, korea_case
):
    position = korea_case.dprk_big_deal
    client.force_login(analyst)

    response = client.post(
        reverse("positions:position-edit", args=[position.pk]),
        {
            "version": str(position.version),
            "speaker": "",
            "actor": position.actor.slug,
            "proposal": position.proposal.slug,
            "stance": str(position.stance),
            "stated_on": position.stated_on.isoformat(),
            "confidence": str(position.confidence),
            "quote": too_long(limits.QUOTE),
            "note": "",
        },
    )

    assert response.status_code == 200
    assert "quote" in response.context["form"].errors
    assert "at most 5000 characters" in response.text
    stored = Position.objects.get(pk=position.pk)
    assert (stored.quote, stored.version) == (position.quote, position.version)


def test_it_shows_a_form_error_for_an_overlong_article_body_in_the_admin(
    client, curator
):
    article = ArticleFactory(title="Short", published_on=datetime.date(2019, 3, 28))
    client.force_login(curator)

    response = client.post(
        f"/admin/positions/article/{article.pk}/change/",
        {
            "url": article.url,
            "title": article.title,
            "outlet": article.outlet,
            "authors": "",
            "published_on": "2019-03-28",
            "language": "en",
            "summary": "",
            "body": too_long(limits.ARTICLE_BODY),
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.body == ""


def test_it_shows_a_form_error_for_an_overlong_actor_description_in_the_admin(
    client, curator
):
    actor = StateFactory(name="Freedonia", slug="freedonia")
    client.force_login(curator)

    response = client.post(
        f"/admin/actors/actor/{actor.pk}/change/",
        {
            "name": "Freedonia",
            "slug": "freedonia",
            "short_name": "",
            "kind": "state",
            "description": too_long(limits.DESCRIPTION),
            "aliases": "[]",
        },
    )

    assert response.status_code == 200
    assert "description" in response.context["adminform"].form.errors
    actor.refresh_from_db()
    assert actor.description == ""
