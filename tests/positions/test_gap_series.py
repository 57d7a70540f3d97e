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
    assert [(p.date, p.gap) for p in since] == [(D("2020-04-01"), 2.0)]


def test_it_matches_the_seed_case(korea_case):
    points = gap_series(
        a=korea_case.us, b=korea_case.dprk, negotiation=korea_case.talks
    )

    assert [(p.date, p.gap, p.proposals) for p in points] == [
        (D("2019-03-15"), None, 0),
        (D("2019-03-28"), 4.0, 1),
    ]
