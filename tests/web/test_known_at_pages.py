"""Pages with ``?known_at=`` or ``?release=`` show the data as the database
held it then, say so at the top with a link to the current data, and keep the
parameter in their links; a bad value is a 400 with the error on the page.

These tests commit (``transactional_db``): each write is a data version.
"""

import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from positions.models import Position
from positions.services import position_delete, position_update
from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)
from tests.html import elements, text

D = datetime.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    us = StateFactory(name="United States", slug="us")
    dprk = StateFactory(name="North Korea", slug="north-korea")
    talks = NegotiationFactory(title="Talks", slug="talks")
    talks.participants.set([us, dprk])
    big = ProposalFactory(negotiation=talks, title="Big deal", slug="big-deal")
    phased = ProposalFactory(negotiation=talks, title="Phased deal", slug="phased")
    article = ArticleFactory(published_on=D("2019-03-05"))
    return {
        "us": us,
        "big": big,
        "us_big": PositionFactory(
            actor=us, proposal=big, article=article, stance=2, quote="A deal"
        ),
        "dprk_big": PositionFactory(
            actor=dprk, proposal=big, article=article, stance=-2, quote="Never"
        ),
        "dprk_phased": PositionFactory(
            actor=dprk, proposal=phased, article=article, stance=2, quote="Steps"
        ),
    }


def _rewrite_after_t(world):
    """An edit, a deletion and a back-dated position, each its own version."""
    with transaction.atomic():
        position = Position.objects.get(pk=world["us_big"].pk)
        position_update(
            position_id=position.pk,
            expected_version=position.version,
            changes={"stance": -1, "quote": "No deal"},
        )
    with transaction.atomic():
        position_delete(position_id=world["dprk_phased"].pk)
    PositionFactory(
        actor=world["us"],
        proposal=world["big"],
        article=ArticleFactory(published_on=D("2019-03-04")),
        stance=-2,
        quote="Back-dated",
    )


def _matrix(response) -> dict:
    [table] = elements(parse_html(response.text), "table", "matrix")
    [head] = elements(table, "thead")
    proposals = [text(th) for th in elements(head, "th")][1:]
    [body] = elements(table, "tbody")
    cells = {}
    for row in elements(body, "tr"):
        [actor] = elements(row, "th")
        for proposal, cell in zip(proposals, elements(row, "td"), strict=True):
            cells[text(actor), proposal] = text(cell)
    return cells


def _at(url: str, t: datetime.datetime) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}known_at={quote(t.isoformat())}"


def _banner(response) -> str:
    [banner] = elements(parse_html(response.text), "div", "past")
    return text(banner)


def test_the_negotiation_matrix_shows_the_stances_recorded_at_t(world, client):
    page = reverse("positions:negotiation-detail", args=["talks"]) + "?as_of=2019-03-28"
    matrix_at_t = _matrix(client.get(page))
    t = timezone.now()
    _rewrite_after_t(world)

    then = client.get(_at(page, t))

    assert then.status_code == 200
    assert _matrix(then) == matrix_at_t
    assert _matrix(client.get(page)) != matrix_at_t
    assert f"As recorded at {t.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC" in (
        _banner(then)
    )
    assert "As recorded" not in client.get(page).text


def test_its_links_keep_known_at_and_it_links_back_to_the_current_data(world, client):
    page = reverse("positions:negotiation-detail", args=["talks"])
    t = timezone.now()
    _rewrite_after_t(world)

    response = client.get(_at(page + "?as_of=2019-03-28", t))

    proposal = reverse("positions:proposal-detail", args=["big-deal"])
    hrefs = re.findall(r'href="([^"]*)"', response.text)
    assert f"{proposal}?known_at={quote(t.isoformat(), safe='')}" in [
        href.replace("&amp;", "&") for href in hrefs
    ]
    [back] = [
        dict(a.attributes)["href"]
        for a in elements(parse_html(response.text), "a")
        if text(a) == "See the current data"
    ]
    assert back == f"{page}?as_of=2019-03-28"


def test_the_proposal_and_actor_pages_show_the_positions_recorded_at_t(world, client):
    pages = [
        reverse("positions:proposal-detail", args=["big-deal"]),
        reverse("positions:actor-detail", args=["us"]),
    ]
    t = timezone.now()
    _rewrite_after_t(world)

    for page in pages:
        then = client.get(_at(page, t))
        now = client.get(page)
        assert then.status_code == 200, page
        assert "A deal" in then.text and "No deal" not in then.text, page
        assert "Back-dated" not in then.text, page
        assert "No deal" in now.text and "Back-dated" in now.text, page


def test_the_compare_page_compares_the_stances_recorded_at_t(world, client):
    page = (
        reverse("positions:negotiation-compare", args=["talks"])
        + "?from_date=2019-01-01&to_date=2019-03-28"
    )
    at_t = _matrix(client.get(page))
    t = timezone.now()
    _rewrite_after_t(world)

    then = client.get(_at(page, t))

    assert _matrix(then) == at_t
    assert _matrix(client.get(page)) != at_t


def test_a_release_shows_its_data_and_names_itself(world, client):
    page = reverse("positions:negotiation-detail", args=["talks"]) + "?as_of=2019-03-28"
    at_release = _matrix(client.get(page))
    call_command("make_release", "2026-12", "--notes", "First.", stdout=io.StringIO())
    _rewrite_after_t(world)

    response = client.get(page + "&release=2026-12")

    assert _matrix(response) == at_release
    assert "Release 2026-12" in _banner(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("known_at=yesterday", "not an ISO date-time"),
        ("known_at=2999-01-01T00:00:00Z", "in the future"),
        ("release=nope", "No release “nope”"),
    ],
)
def test_a_bad_value_is_a_400_saying_what_is_wrong(world, client, query, message):
    page = reverse("positions:negotiation-detail", args=["talks"])

    response = client.get(f"{page}?{query}")

    assert response.status_code == 400
    assert message in _banner(response)
