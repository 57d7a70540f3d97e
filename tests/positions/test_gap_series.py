import datetime

from positions.selectors import gap_series
from tests.factories import (
    ArticleFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat


def test_it_follows_the_gap_between_two_sides_over_time(db):
    a, b = StateFactory(), StateFactory()
    deal = ProposalFactory()
    plan = ProposalFactory(negotiation=deal.negotiation)
    article = ArticleFactory(published_on=D("2020-12-31"))

    def say(actor, proposal, stance, day):
        PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=stance,
            stated_on=D(day),
        )

    say(a, deal, 2, "2020-01-01")  # only a: no shared proposal yet
    say(b, deal, -2, "2020-02-01")  # deal: |2 − −2| = 4
    say(b, plan, 1, "2020-03-01")  # plan is b's alone: still 4 over 1
    say(a, plan, 1, "2020-04-01")  # (4 + 0) / 2 = 2
    say(a, plan, 1, "2020-05-01")  # repeated stance: no point
    say(b, deal, 0, "2020-06-01")  # (2 + 0) / 2 = 1

    points = gap_series(a=a, b=b)

    assert [(p.date, p.gap, p.proposals) for p in points] == [
        (D("2020-01-01"), None, 0),
        (D("2020-02-01"), 4.0, 1),
        (D("2020-03-01"), 4.0, 1),
        (D("2020-04-01"), 2.0, 2),
        (D("2020-06-01"), 1.0, 2),
    ]
    since = gap_series(a=a, b=b, since=D("2020-03-15"), until=D("2020-05-31"))
    # The first point is the level on since, then the dates after it.
    assert [(p.date, p.gap) for p in since] == [
        (D("2020-03-15"), 4.0),
        (D("2020-04-01"), 2.0),
    ]


def test_it_matches_the_seed_case(korea_case):
    points = gap_series(
        a=korea_case.us, b=korea_case.dprk, negotiation=korea_case.talks
    )

    assert [(p.date, p.gap, p.proposals) for p in points] == [
        (D("2019-03-15"), None, 0),
        (D("2019-03-28"), 4.0, 1),
    ]


def test_it_splits_each_change_of_the_gap_into_who_moved_and_what_entered(db):
    a, b = StateFactory(), StateFactory()
    p1 = ProposalFactory(slug="p1")
    p2 = ProposalFactory(slug="p2", negotiation=p1.negotiation)
    article = ArticleFactory(published_on=D("2020-12-31"))

    def say(actor, proposal, stance, day):
        return PositionFactory(
            actor=actor,
            proposal=proposal,
            article=article,
            stance=stance,
            stated_on=D(day),
        )

    say(a, p1, 2, "2020-01-01")
    say(b, p1, -2, "2020-01-02")  # first shared: 4, nothing to split
    a_moves = say(a, p1, 0, "2020-01-03")  # a alone closes 2: moved_a −2
    say(a, p2, 1, "2020-01-04")
    say(b, p2, 1, "2020-01-04")  # p2 enters at 0: (2 + 0) / 2, composition −1
    # Both move on p1 on one date, crossing over: the distance stays 2 and
    # each side's contribution is 0, though both changed.
    say(a, p1, -1, "2020-01-05")
    say(b, p1, 1, "2020-01-05")

    points = gap_series(a=a, b=b)

    assert [
        (p.date.day, p.gap, p.moved_a, p.moved_b, p.composition, p.changed)
        for p in points
    ] == [
        (1, None, None, None, None, ("a",)),
        (2, 4.0, None, None, None, ("b",)),
        (3, 2.0, -2.0, 0.0, 0.0, ("a",)),
        (4, 1.0, 0.0, 0.0, -1.0, ("a", "b")),
        (5, 1.0, 0.0, 0.0, 0.0, ("a", "b")),
    ]
    third = points[2]
    assert [
        (t.proposal, t.a_stance, t.b_stance, t.a_position) for t in third.terms
    ] == [("p1", 0, -2, a_moves.pk)]
    assert [(m.side, m.from_stance, m.to_stance, m.position) for m in third.moves] == [
        ("a", 2, 0, a_moves.pk)
    ]
    assert points[3].entered == 1


def test_it_restricts_the_proposals_considered(db):
    a, b = StateFactory(), StateFactory()
    p1 = ProposalFactory()
    p2 = ProposalFactory(negotiation=p1.negotiation)
    for proposal, x, y in [(p1, 2, -2), (p2, 1, 1)]:
        PositionFactory(actor=a, proposal=proposal, stance=x, stated_on=D("2020-01-01"))
        PositionFactory(actor=b, proposal=proposal, stance=y, stated_on=D("2020-01-01"))

    [both] = gap_series(a=a, b=b)
    [only_p2] = gap_series(a=a, b=b, proposals=[p2])

    assert (both.gap, both.proposals) == (2.0, 2)
    assert (only_p2.gap, only_p2.proposals) == (0.0, 1)


def test_it_gives_the_level_on_since_even_without_a_later_change(db):
    a, b = StateFactory(), StateFactory()
    deal = ProposalFactory()
    PositionFactory(actor=a, proposal=deal, stance=2, stated_on=D("2020-01-01"))
    PositionFactory(actor=b, proposal=deal, stance=0, stated_on=D("2020-01-02"))

    [level] = gap_series(a=a, b=b, since=D("2021-06-01"))
    [nothing_yet] = gap_series(a=a, b=b, since=D("2019-06-01"), until=D("2019-12-31"))

    assert (level.date, level.gap, level.proposals, level.changed) == (
        D("2021-06-01"),
        2.0,
        1,
        (),
    )
    assert level.moved_a is None and len(level.terms) == 1
    assert (nothing_yet.gap, nothing_yet.proposals) == (None, 0)
