import datetime

from positions.models import Confidence
from positions.selectors import stances_as_of
from tests.factories import (
    ArticleFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

D = datetime.date.fromisoformat


def test_it_gives_each_side_its_stance_on_the_seed_day(korea_case):
    matrix = stances_as_of(on=D("2019-03-28"), negotiation=korea_case.talks)

    assert [(s.actor_slug, s.proposal_slug, s.stance) for s in matrix] == [
        ("north-korea", "big-deal", -2),
        ("north-korea", "phased-deal", 2),
        ("south-korea", "road-map", 2),
        ("us", "big-deal", 2),
    ]


def test_it_uses_the_latest_date_on_or_before_the_as_of_date(db):
    actor, proposal = StateFactory(), ProposalFactory()
    article = ArticleFactory(published_on=D("2019-06-30"))
    first = PositionFactory(
        actor=actor,
        proposal=proposal,
        article=article,
        stance=2,
        stated_on=D("2019-01-10"),
    )
    second = PositionFactory(
        actor=actor,
        proposal=proposal,
        article=article,
        stance=-1,
        stated_on=D("2019-02-20"),
    )

    assert stances_as_of(on=D("2019-01-09"), actors=[actor]) == []
    [on_first_day] = stances_as_of(on=D("2019-01-10"), actors=[actor])
    [between] = stances_as_of(on=D("2019-02-19"), actors=[actor])
    [on_second_day] = stances_as_of(on=D("2019-02-20"), actors=[actor])

    assert (on_first_day.position_id, on_first_day.stance) == (first.pk, 2)
    assert (between.position_id, between.stance) == (first.pk, 2)
    assert (on_second_day.position_id, on_second_day.stance) == (second.pk, -1)
    assert on_second_day.stance_label == "opposes / sceptical"


def test_it_resolves_and_flags_a_disputed_latest_day(db):
    actor, proposal = StateFactory(), ProposalFactory()
    PositionFactory(
        actor=actor, proposal=proposal, stance=2, confidence=Confidence.HIGH
    )
    PositionFactory(
        actor=actor, proposal=proposal, stance=-2, confidence=Confidence.LOW
    )

    [stance] = stances_as_of(on=D("2020-01-01"), proposals=[proposal])

    assert (stance.stance, stance.disputed) == (2, True)


def test_it_ignores_a_dispute_on_an_earlier_day(db):
    actor, proposal = StateFactory(), ProposalFactory()
    article = ArticleFactory(published_on=D("2019-06-30"))
    PositionFactory(
        actor=actor,
        proposal=proposal,
        article=article,
        stance=2,
        stated_on=D("2019-01-10"),
    )
    PositionFactory(
        actor=actor,
        proposal=proposal,
        article=ArticleFactory(published_on=D("2019-06-30")),
        stance=-2,
        stated_on=D("2019-01-10"),
    )
    PositionFactory(
        actor=actor,
        proposal=proposal,
        article=article,
        stance=1,
        stated_on=D("2019-03-01"),
    )

    [stance] = stances_as_of(on=D("2019-06-30"), actors=[actor])

    assert (stance.stance, stance.disputed) == (1, False)


def test_it_limits_to_the_negotiation_asked_for(korea_case):
    other_proposal = ProposalFactory()
    PositionFactory(actor=korea_case.us, proposal=other_proposal, stance=1)

    matrix = stances_as_of(on=D("2019-12-31"), negotiation=korea_case.talks)

    assert other_proposal.pk not in {s.proposal_id for s in matrix}
    assert len(matrix) == 4
