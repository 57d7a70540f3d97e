import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
URL = reverse("positions:change-feed")
# The negotiation named by the filter, the start of the latest positions'
# period, the change SQL over it, then the positions standing for the changes.
FEED_QUERY_COUNT = 4


def _entries(response) -> list[dict]:
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    return [
        {
            "title": entry.findtext("atom:title", namespaces=ATOM),
            "link": entry.find("atom:link", ATOM).get("href"),
            "updated": entry.findtext("atom:updated", namespaces=ATOM),
        }
        for entry in feed.findall("atom:entry", ATOM)
    ]


def _position_link(position):
    return "http://testserver" + reverse(
        "positions:position-detail", args=[position.pk]
    )


@pytest.fixture
def moves(korea_case):
    """North Korea turns to +1 on the big deal on 04-10; in another
    negotiation, a third state shifts on a climate proposal on 04-12."""
    reversal = PositionFactory(
        actor=korea_case.dprk,
        proposal=korea_case.big_deal,
        article=ArticleFactory(published_on=D("2019-04-10")),
        stance=1,
        stated_on=D("2019-04-10"),
    )
    climate = ProposalFactory(
        title="Carbon tax",
        negotiation=NegotiationFactory(title="Climate", slug="climate"),
    )
    france = StateFactory(name="France", slug="france")
    for stance, day in ((1, "2019-04-01"), (0, "2019-04-12")):
        shift = PositionFactory(
            actor=france,
            proposal=climate,
            article=ArticleFactory(published_on=D(day)),
            stance=stance,
            stated_on=D(day),
        )
    return {"reversal": reversal, "shift": shift}


def test_it_is_an_atom_feed_of_changes_newest_first(moves, client):
    response = client.get(URL)

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext("atom:title", namespaces=ATOM) == "Stance changes"
    assert _entries(response) == [
        {
            "title": "France: shift on Carbon tax, from supports / open to to "
            "neutral / ambiguous",
            "link": _position_link(moves["shift"]),
            "updated": "2019-04-12T00:00:00+00:00",
        },
        {
            "title": "North Korea: reversal on Big deal, from rejects outright to "
            "supports / open to",
            "link": _position_link(moves["reversal"]),
            "updated": "2019-04-10T00:00:00+00:00",
        },
    ]


def test_it_gives_each_entry_its_own_id(moves, client):
    feed = ET.fromstring(client.get(URL, {"kind": ["initial", "shift"]}).content)

    ids = [
        entry.findtext("atom:id", namespaces=ATOM)
        for entry in feed.findall("atom:entry", ATOM)
    ]
    assert len(ids) == 6
    assert len(set(ids)) == 6


def test_it_names_first_stances_when_asked_for(moves, client):
    titles = [e["title"] for e in _entries(client.get(URL, {"kind": "initial"}))]

    assert "North Korea: first stance on Big deal, rejects outright" in titles
    assert len(titles) == 5


def test_it_narrows_to_an_actor(moves, client):
    entries = _entries(client.get(URL, {"actor": "north-korea"}))

    assert [e["link"] for e in entries] == [_position_link(moves["reversal"])]


def test_it_narrows_to_negotiations(moves, client):
    talks = _entries(client.get(URL, {"negotiation": "talks"}))
    climate = _entries(client.get(URL, {"negotiation": "climate"}))
    both = _entries(client.get(URL, {"negotiation": ["talks", "climate"]}))

    assert [e["link"] for e in talks] == [_position_link(moves["reversal"])]
    assert [e["link"] for e in climate] == [_position_link(moves["shift"])]
    assert len(both) == 2


def test_it_answers_404_for_an_unknown_slug_or_parameter(moves, client):
    assert client.get(URL, {"actor": "atlantis"}).status_code == 404
    assert client.get(URL, {"actors": "us"}).status_code == 404


def test_it_escapes_markup_in_names(korea_case, client):
    actor = StateFactory(name="<script>alert('x')</script> Land", slug="land")
    proposal = ProposalFactory(title="Deal <script>evil()</script>", slug="evil")
    PositionFactory(
        actor=actor,
        proposal=proposal,
        stance=1,
        quote="<script>alert(1)</script>",
        stated_on=D("2019-03-01"),
    )
    PositionFactory(
        actor=actor,
        proposal=proposal,
        stance=-1,
        quote="<script>alert(2)</script>",
        stated_on=D("2019-03-28"),
    )

    response = client.get(URL, {"actor": "land"})

    assert b"<script" not in response.content
    [entry] = _entries(response)
    assert entry["title"] == (
        "<script>alert('x')</script> Land: reversal on Deal <script>evil()</script>, "
        "from supports / open to to opposes / sceptical"
    )


def test_it_runs_a_fixed_number_of_queries(
    moves, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(FEED_QUERY_COUNT):
        client.get(URL, {"negotiation": "talks"})


def test_it_marks_contested_changes_and_leaves_them_out_when_asked(db, client):
    actor, proposal = StateFactory(name="Side"), ProposalFactory(title="Plan")
    for day, stances in [(1, [1]), (2, [-1, -1, 2]), (3, [2])]:
        for stance in stances:
            PositionFactory(
                actor=actor,
                proposal=proposal,
                stance=stance,
                stated_on=datetime.date(2020, 1, day),
            )

    every = _entries(client.get(URL))
    uncontested = _entries(client.get(URL + "?contested=false"))

    assert [entry["title"].endswith("(contested)") for entry in every] == [True, True]
    assert uncontested == []


def _descriptions(response) -> list[str]:
    feed = ET.fromstring(response.content)
    return [
        entry.findtext("atom:summary", namespaces=ATOM)
        for entry in feed.findall("atom:entry", ATOM)
    ]


def test_each_entry_carries_the_quote_and_the_source(korea_case, client):
    said = PositionFactory(
        actor=korea_case.dprk,
        proposal=korea_case.big_deal,
        article=ArticleFactory(
            published_on=D("2019-04-10"), outlet="Yonhap", title="A softer tone"
        ),
        stance=1,
        stated_on=D("2019-04-10"),
        quote="we are open to talks",
    )

    [latest, *_] = _descriptions(client.get(URL))

    assert "“we are open to talks”" in latest
    assert f"Source: Yonhap, 2019-04-10: A softer tone <{said.article.url}>" in latest


def test_a_side_and_a_proposal_each_have_a_feed_of_their_changes(moves, client):
    actor = _entries(client.get(reverse("positions:actor-feed", args=["france"])))
    proposal = _entries(
        client.get(reverse("positions:proposal-feed", args=["big-deal"]))
    )

    assert [entry["link"] for entry in actor] == [_position_link(moves["shift"])]
    assert [entry["link"] for entry in proposal] == [_position_link(moves["reversal"])]
    page = client.get(reverse("positions:actor-detail", args=["france"])).text
    assert reverse("positions:actor-feed", args=["france"]) in page


def test_a_person_has_no_changes_feed(korea_case, client):
    response = client.get(reverse("positions:actor-feed", args=["mike-pompeo"]))

    assert response.status_code == 404


def test_the_recorded_feed_lists_positions_as_recorded_newest_first(moves, client):
    # Recorded last, stated long before: first in this feed, not in changes.
    late = PositionFactory(
        actor=StateFactory(name="Chile", slug="chile"),
        proposal=moves["shift"].proposal,
        article=ArticleFactory(published_on=D("2001-01-01")),
        stance=-1,
        stated_on=D("2001-01-01"),
    )

    entries = _entries(client.get(reverse("positions:recorded-feed")))

    assert entries[0]["link"] == _position_link(late)
    assert "Chile" in entries[0]["title"] and "2001-01-01" in entries[0]["title"]
    # The seed case's four, the moves' three and this one.
    assert len(entries) == 8
