import datetime

import pytest
from django.test.html import parse_html
from django.urls import reverse

from config.lib.limits import PAGE_SIZE
from positions.selectors import RESOLUTION_RULE
from tests.factories import (
    ArticleFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)
from tests.html import elements, link, text

D = datetime.date.fromisoformat

# The start of the latest positions' period, then the change SQL over it;
# no COUNT(*) for the pages.
CHANGE_LIST_QUERY_COUNT = 2

URL = reverse("positions:change-list")


def _rows(response) -> list[tuple[str, ...]]:
    """(date, actor, proposal, kind) of each change listed."""
    assert response.status_code == 200
    rows = [
        tuple(text(td) for td in elements(tr, "td"))[:4]
        for tr in elements(parse_html(response.text), "tr")
    ]
    return [row for row in rows if row]


def _errors(response) -> list[str]:
    return [text(p) for p in elements(parse_html(response.text), "p", "error")]


@pytest.fixture
def moves(korea_case):
    """After the seed: North Korea turns to +1 on the big deal on 04-10 and
    to +2 on 04-20; the United States shifts to +1 on 04-15."""
    article = ArticleFactory(published_on=D("2019-04-30"))
    for actor, stance, day in (
        (korea_case.dprk, 1, "2019-04-10"),
        (korea_case.us, 1, "2019-04-15"),
        (korea_case.dprk, 2, "2019-04-20"),
    ):
        PositionFactory(
            actor=actor,
            proposal=korea_case.big_deal,
            article=article,
            stance=stance,
            stated_on=D(day),
        )
    return korea_case


def test_it_lists_shifts_and_reversals_newest_first(moves, client):
    response = client.get(URL)

    assert _rows(response) == [
        ("April 20, 2019", "North Korea", "Big deal", "shift"),
        ("April 15, 2019", "United States", "Big deal", "shift"),
        ("April 10, 2019", "North Korea", "Big deal", "reversal"),
    ]
    stances = [
        text(tr.children[-1]) for tr in elements(parse_html(response.text), "tr")
    ][1:]
    assert stances == [
        "supports / open to → demands / strongly supports",
        "demands / strongly supports → supports / open to",
        "rejects outright → supports / open to",
    ]
    assert RESOLUTION_RULE in response.text


def test_it_filters_by_actor(moves, client):
    assert _rows(client.get(URL, {"actor": "us"})) == [
        ("April 15, 2019", "United States", "Big deal", "shift"),
    ]


def test_it_filters_by_several_actors(moves, client):
    assert len(_rows(client.get(URL, {"actor": ["us", "north-korea"]}))) == 3


def test_it_filters_by_proposal(moves, client):
    response = client.get(URL, {"proposal": "phased-deal"})

    assert _rows(response) == []
    assert "No stance changes match these filters." in response.text


def test_it_filters_by_date_both_ends_included(moves, client):
    since = client.get(URL, {"since": "2019-04-15"})
    until = client.get(URL, {"until": "2019-04-15"})
    between = client.get(URL, {"since": "2019-04-11", "until": "2019-04-19"})

    assert [row[0] for row in _rows(since)] == ["April 20, 2019", "April 15, 2019"]
    assert [row[0] for row in _rows(until)] == ["April 15, 2019", "April 10, 2019"]
    assert [row[0] for row in _rows(between)] == ["April 15, 2019"]


def test_it_filters_by_kind(moves, client):
    response = client.get(URL, {"kind": "reversal"})

    assert _rows(response) == [
        ("April 10, 2019", "North Korea", "Big deal", "reversal"),
    ]


def test_it_lists_initial_stances_when_ticked(moves, client):
    response = client.get(URL, {"kind": ["initial", "reversal"]})

    assert _rows(response) == [
        ("April 10, 2019", "North Korea", "Big deal", "reversal"),
        ("March 28, 2019", "South Korea", "Road map", "initial"),
        ("March 28, 2019", "North Korea", "Phased deal", "initial"),
        ("March 28, 2019", "United States", "Big deal", "initial"),
        ("March 15, 2019", "North Korea", "Big deal", "initial"),
    ]


def test_it_shows_the_chosen_kinds_ticked(moves, client):
    response = client.get(URL, {"kind": ["initial", "reversal"]})

    ticked = [
        dict(box.attributes)["value"]
        for box in elements(parse_html(response.text), "input")
        if dict(box.attributes).get("name") == "kind"
        and "checked" in dict(box.attributes)
    ]
    assert ticked == ["initial", "reversal"]


def test_it_keeps_the_typed_filters_in_the_form(moves, client):
    response = client.get(URL, {"actor": "us", "since": "2019-04-01"})

    assert 'name="actor" value="us"' in response.text
    assert 'name="since" value="2019-04-01"' in response.text


@pytest.mark.parametrize("name", ["actor", "proposal", "negotiation"])
def test_it_shows_an_error_for_an_unknown_slug(moves, client, name):
    response = client.get(URL, {name: "atlantis"})

    assert _rows(response) == []
    [error] = _errors(response)
    assert error.startswith(f"{name.capitalize()}: No {name} is called “atlantis”")


def test_it_shows_an_error_for_a_bad_date_or_kind(moves, client):
    date = client.get(URL, {"since": "2019-04-31"})
    kind = client.get(URL, {"kind": "u-turn"})

    assert _rows(date) == []
    assert _errors(date) == ["Since: Enter a valid date."]
    assert _rows(kind) == []
    assert _errors(kind)[0].startswith("Kind: Select a valid choice.")


def test_it_shows_an_error_instead_of_every_change_for_an_unknown_parameter(
    moves, client
):
    response = client.get(URL, {"actors": "us"})

    assert _rows(response) == []
    assert any("Unknown parameter “actors”" in e for e in _errors(response))


def test_it_links_to_the_feed_with_the_same_filters(moves, client):
    response = client.get(URL, {"actor": "us"})

    assert f'href="{reverse("positions:change-feed")}?actor=us"' in response.text


def _many_changes(count):
    """One pair that flips every day: ``count`` reversals after its initial."""
    actor, proposal = StateFactory(), ProposalFactory()
    article = ArticleFactory(published_on=D("2020-12-31"))
    for day in range(count + 1):
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=1 if day % 2 else -1,
            stated_on=D("2020-01-01") + datetime.timedelta(days=day),
        )


def test_it_pages_through_every_change_exactly_once(moves, client):
    _many_changes(PAGE_SIZE + 20)

    seen, pages, url = [], 0, URL
    while url:
        response = client.get(url)
        seen.extend(_rows(response))
        pages += 1
        url = link(response, "next")

    assert pages == 2
    assert len(seen) == PAGE_SIZE + 20 + 3
    assert len(set(seen)) == len(seen)
    assert seen[-3:] == _rows(client.get(URL, {"until": "2019-12-31"}))


def test_it_keeps_the_filters_on_the_next_page(moves, client):
    _many_changes(PAGE_SIZE + 20)

    first = client.get(URL, {"kind": "reversal"})
    second = client.get(link(first, "next"))

    assert "kind=reversal" in link(first, "next")
    assert len(_rows(first)) + len(_rows(second)) == PAGE_SIZE + 21
    assert {row[3] for row in _rows(second)} == {"reversal"}


def test_it_shows_an_error_for_a_broken_page_link(moves, client):
    response = client.get(URL, {"cursor": "bm90LWpzb24="})

    assert _rows(response) == []
    assert "That page link is broken." in _errors(response)


def test_it_runs_a_fixed_number_of_queries(
    moves, client, django_assert_max_num_queries
):
    _many_changes(PAGE_SIZE + 20)

    with django_assert_max_num_queries(CHANGE_LIST_QUERY_COUNT):
        first = client.get(URL)
    with django_assert_max_num_queries(CHANGE_LIST_QUERY_COUNT):
        client.get(link(first, "next"))


@pytest.fixture
def contested_story(db):
    """side/plan: 01-01 +1; 01-02 two −1 and a +2 (plurality −1: a contested
    reversal); 01-03 −2 from that plurality (contested); 01-04 +1 alone."""
    actor, proposal = StateFactory(slug="side"), ProposalFactory(slug="plan")
    for day, stances in [(1, [1]), (2, [-1, -1, 2]), (3, [-2]), (4, [1])]:
        for stance in stances:
            PositionFactory(
                actor=actor,
                proposal=proposal,
                stance=stance,
                stated_on=datetime.date(2020, 1, day),
            )


def test_it_marks_contested_changes(contested_story, client):
    response = client.get(URL)

    rows = [
        tr
        for tr in elements(parse_html(response.text), "tr")
        if list(elements(tr, "td"))
    ]
    marked = ["contested" in text(tr) for tr in rows]
    assert [text(next(elements(tr, "td"))) for tr in rows] == [
        "Jan. 4, 2020",
        "Jan. 3, 2020",
        "Jan. 2, 2020",
    ]
    assert marked == [False, True, True]


def test_it_leaves_contested_changes_out_when_asked(contested_story, client):
    left_out = client.get(URL + "?contested=false")
    only = client.get(URL + "?contested=true")

    assert [row[0] for row in _rows(left_out)] == ["Jan. 4, 2020"]
    assert [row[0] for row in _rows(only)] == ["Jan. 3, 2020", "Jan. 2, 2020"]


def test_it_names_a_bad_contested_value(contested_story, client):
    response = client.get(URL + "?contested=maybe")

    assert any(error.startswith("Contested:") for error in _errors(response))


@pytest.mark.parametrize("typed", ["North Korea", "DPRK", "north-korea"])
def test_it_takes_an_actor_by_name_short_name_or_slug(moves, client, typed):
    by_slug = client.get(URL, {"actor": "north-korea"})

    typed_in = client.get(URL, {"actor": typed})

    assert _errors(typed_in) == []
    assert _rows(typed_in) == _rows(by_slug) != []
    assert all(row[1] == "North Korea" for row in _rows(typed_in))
    assert f'value="{typed}"' in typed_in.text


def test_it_names_a_name_that_matches_no_actor(moves, client):
    response = client.get(URL, {"actor": "Atlantis"})

    assert _errors(response) == [
        "Actor: No actor is called “Atlantis” (by name, short name or alias)."
    ]
