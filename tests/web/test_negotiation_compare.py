import datetime

import pytest
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.selectors import RESOLUTION_RULE
from tests.factories import ArticleFactory, PositionFactory
from tests.html import elements, text

D = datetime.date.fromisoformat

# The negotiation, the matrix's participants and proposals, its as-of SQL,
# the conditions of its cells' positions, the diff SQL, the positions behind
# what moved and the negotiation's events (the date picker's).
COMPARE_PAGE_QUERY_COUNT = 8


def _url(**query):
    url = reverse("positions:negotiation-compare", args=["talks"])
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return url


def _links(node) -> list[str]:
    return [dict(a.attributes)["href"] for a in elements(node, "a")]


def _position_link(position) -> str:
    return reverse("positions:position-detail", args=[position.pk])


@pytest.fixture
def summit(korea_case):
    """After Hanoi: the US takes a stance on the phased deal (new, 04-01) and North
    Korea moves on the big deal from −2 to 0 (04-01, quoted)."""
    k = korea_case
    k.us_phased = PositionFactory(
        actor=k.us,
        proposal=k.phased,
        article=ArticleFactory(published_on=D("2019-04-01")),
        stance=-1,
        stated_on=D("2019-04-01"),
    )
    k.dprk_softens = PositionFactory(
        actor=k.dprk,
        proposal=k.big_deal,
        article=ArticleFactory(published_on=D("2019-04-01"), outlet="Yonhap"),
        stance=0,
        stated_on=D("2019-04-01"),
        quote="we could consider it",
    )
    return k


def test_it_marks_the_cells_that_changed_from_to(summit, client):
    response = client.get(_url(from_date="2019-03-29", to_date="2019-04-02"))

    assert response.status_code == 200
    page = parse_html(response.text)
    [matrix] = elements(page, "table", "matrix")
    changed = [text(td) for td in elements(matrix, "td", "changed")]
    assert changed == [
        "rejects outright → neutral / ambiguous shift",
        "none → opposes / sceptical new",
    ]
    [dprk_cell, us_cell] = elements(matrix, "td", "changed")
    assert _links(dprk_cell) == [
        _position_link(summit.dprk_big_deal),
        _position_link(summit.dprk_softens),
    ]
    assert _links(us_cell) == [_position_link(summit.us_phased)]


def test_it_lists_what_moved_with_quote_and_source(summit, client):
    response = client.get(_url(from_date="2019-03-29", to_date="2019-04-02"))

    page = parse_html(response.text)
    items = list(elements(page, "li", "moved-item"))
    assert len(items) == 2
    first = text(items[0])
    assert first.startswith("North Korea on Big deal")
    assert "“we could consider it”" in first
    assert "Yonhap" in first
    assert "“threatened to pull out of nuclear negotiations”" in first
    assert RESOLUTION_RULE in response.text


def test_it_says_when_nothing_moved(summit, client):
    response = client.get(_url(from_date="2019-04-02", to_date="2019-04-20"))

    assert response.status_code == 200
    assert list(elements(parse_html(response.text), "td", "changed")) == []
    assert "No participant's stance on any proposal differs" in response.text


def test_it_shows_the_form_alone_without_dates(summit, client):
    response = client.get(_url())

    assert response.status_code == 200
    assert list(elements(parse_html(response.text), "table", "matrix")) == []
    assert "Choose two dates" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"from_date": "2019-03-02", "to_date": "2019-03-02"},
        {"from_date": "2019-03-05", "to_date": "2019-03-02"},
        {"from_date": "2019-02-30", "to_date": "2019-03-02"},
        {"to_date": "2019-03-02"},
    ],
)
def test_it_answers_400_with_the_error_for_bad_dates(summit, client, query):
    response = client.get(_url(**query))

    assert response.status_code == 400
    errors = [text(p) for p in elements(parse_html(response.text), "p", "error")]
    assert errors and errors[0].startswith("From:")


def test_it_answers_404_for_an_unknown_negotiation(db, client):
    url = reverse("positions:negotiation-compare", args=["nope"])

    assert client.get(url).status_code == 404


def test_it_stays_within_its_query_budget(summit, client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(from_date="2019-03-29", to_date="2019-04-02"))

    assert response.status_code == 200
    assert len(queries) == COMPARE_PAGE_QUERY_COUNT
