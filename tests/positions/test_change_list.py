import datetime

import pytest

from positions.models import Confidence
from positions.selectors import change_list
from tests.factories import (
    ArticleFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat


@pytest.fixture
def story(db):
    """One pair's stances over seven dates, with a hand-worked list of changes:

    01-01 +1 initial · 01-02 +2 shift · 01-03 +2 no change · 01-04 −1 reversal
    · 01-05 0 shift · 01-06 −2 shift (0 has no sign) · 01-07 +1 reversal.
    """
    actor, proposal = StateFactory(slug="side"), ProposalFactory(slug="plan")
    article = ArticleFactory(published_on=D("2020-01-31"))
    stances = [1, 2, 2, -1, 0, -2, 1]
    positions = [
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=stance,
            stated_on=datetime.date(2020, 1, day),
        )
        for day, stance in enumerate(stances, start=1)
    ]
    return actor, proposal, positions


def test_it_lists_shifts_and_reversals_newest_first(story):
    actor, _, p = story

    changes = change_list(actors=[actor])

    assert [
        (c.changed_on.day, c.kind, c.from_stance, c.to_stance) for c in changes
    ] == [
        (7, "reversal", -2, 1),
        (6, "shift", 0, -2),
        (5, "shift", -1, 0),
        (4, "reversal", 2, -1),
        (2, "shift", 1, 2),
    ]
    assert (changes[-1].from_position_id, changes[-1].to_position_id) == (
        p[0].pk,
        p[1].pk,
    )
    # The change on the 4th compares with the 3rd, the last day standing at +2.
    assert changes[3].from_position_id == p[2].pk


def test_it_lists_initial_rows_only_when_asked_for(story):
    actor, proposal, p = story

    initial = change_list(proposals=[proposal], kinds=["initial"])

    assert [
        (c.kind, c.from_stance, c.to_stance, c.to_position_id) for c in initial
    ] == [("initial", None, 1, p[0].pk)]


def test_it_compares_with_history_before_the_since_date(story):
    actor, _, _ = story

    changes = change_list(actors=[actor], since=D("2020-01-03"), until=D("2020-01-05"))

    assert [(c.changed_on.day, c.kind, c.from_stance) for c in changes] == [
        (5, "shift", -1),
        (4, "reversal", 2),
    ]


def test_it_compares_resolved_stances_of_disputed_days(db):
    actor, proposal = StateFactory(), ProposalFactory()
    article = ArticleFactory(published_on=D("2020-01-31"))
    PositionFactory(
        actor=actor,
        proposal=proposal,
        article=article,
        stance=1,
        stated_on=D("2020-01-01"),
    )
    PositionFactory(
        actor=actor,
        proposal=proposal,
        article=article,
        stance=1,
        stated_on=D("2020-01-02"),
        confidence=Confidence.HIGH,
    )
    PositionFactory(
        actor=actor,
        proposal=proposal,
        article=ArticleFactory(published_on=D("2020-01-31")),
        stance=-2,
        stated_on=D("2020-01-02"),
    )

    # The confident +1 stands for the 2nd: no change, though a source said −2.
    assert change_list(actors=[actor]) == []


def test_it_refuses_an_unknown_kind(db):
    with pytest.raises(ValueError, match="Unknown change kinds"):
        change_list(kinds=["u-turn"])


def _positions(actor, proposal, day, *stances):
    return [
        PositionFactory(actor=actor, proposal=proposal, stance=stance, stated_on=day)
        for stance in stances
    ]


def test_it_finds_no_change_where_one_dissenting_source_is_outvoted(db):
    # The example: the day before −2; then two −2 and a 0 recorded last.
    actor, proposal = StateFactory(), ProposalFactory()
    _positions(actor, proposal, D("2019-02-27"), -2)
    _positions(actor, proposal, D("2019-02-28"), -2, -2, 0)

    changes = change_list(actors=[actor], kinds=["initial", "shift", "reversal"])

    assert [(c.changed_on, c.kind, c.to_stance) for c in changes] == [
        (D("2019-02-27"), "initial", -2)
    ]


def test_it_marks_a_change_from_or_to_a_plurality_or_tie_contested(db):
    actor, proposal = StateFactory(), ProposalFactory()
    _positions(actor, proposal, D("2020-01-01"), 1)
    _positions(actor, proposal, D("2020-01-02"), -1, -1, 2)  # plurality: −1
    _positions(actor, proposal, D("2020-01-03"), -2)  # from a plurality
    _positions(actor, proposal, D("2020-01-04"), 1, 1)  # unanimous
    _positions(actor, proposal, D("2020-01-05"), -1, 2)  # tie: 2, recorded last
    _positions(actor, proposal, D("2020-01-06"), 0)  # from a tie

    changes = change_list(actors=[actor])

    assert [(c.changed_on, c.kind, c.contested, c.disputed) for c in changes] == [
        (D("2020-01-06"), "shift", True, True),
        (D("2020-01-05"), "shift", True, True),
        (D("2020-01-04"), "reversal", False, False),
        (D("2020-01-03"), "shift", True, True),
        (D("2020-01-02"), "reversal", True, True),
    ]
    uncontested = change_list(actors=[actor], contested=False)
    assert [c.changed_on for c in uncontested] == [D("2020-01-04")]
    assert len(change_list(actors=[actor], contested=True)) == 4
