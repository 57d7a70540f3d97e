import datetime

from positions.models import Confidence
from positions.selectors import resolved_days
from tests.factories import (
    ArticleFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

DAY = datetime.date(2019, 3, 28)


def _pair():
    return StateFactory(), ProposalFactory()


def test_it_lets_the_most_confident_position_stand_for_a_disputed_day(db):
    actor, proposal = _pair()
    PositionFactory(actor=actor, proposal=proposal, stance=2, stated_on=DAY)
    confident = PositionFactory(
        actor=actor,
        proposal=proposal,
        stance=-1,
        stated_on=DAY,
        confidence=Confidence.HIGH,
    )
    PositionFactory(
        actor=actor,
        proposal=proposal,
        stance=1,
        stated_on=DAY,
        confidence=Confidence.LOW,
    )

    [day] = resolved_days(actors=[actor])

    assert (day.stated_on, day.stance, day.position_id) == (DAY, -1, confident.pk)
    assert day.disputed is True


def test_it_breaks_a_confidence_tie_by_the_most_recently_recorded(db):
    actor, proposal = _pair()
    PositionFactory(actor=actor, proposal=proposal, stance=1, stated_on=DAY)
    latest = PositionFactory(actor=actor, proposal=proposal, stance=2, stated_on=DAY)

    [day] = resolved_days(proposals=[proposal])

    assert (day.stance, day.position_id, day.disputed) == (2, latest.pk, True)


def test_it_does_not_mark_agreeing_sources_as_disputed(db):
    actor, proposal = _pair()
    PositionFactory(actor=actor, proposal=proposal, stance=-2, stated_on=DAY)
    PositionFactory(actor=actor, proposal=proposal, stance=-2, stated_on=DAY)

    [day] = resolved_days(actors=[actor])

    assert day.disputed is False


def test_it_keeps_pairs_and_days_apart(db):
    actor, proposal = _pair()
    other_proposal = ProposalFactory(negotiation=proposal.negotiation)
    article = ArticleFactory()
    earlier = DAY - datetime.timedelta(days=3)
    PositionFactory(
        actor=actor, proposal=proposal, article=article, stance=1, stated_on=earlier
    )
    PositionFactory(actor=actor, proposal=proposal, article=article, stance=-1)
    PositionFactory(actor=actor, proposal=other_proposal, article=article, stance=2)

    days = resolved_days(negotiation=proposal.negotiation)

    assert [(d.proposal_id, d.stated_on, d.stance, d.disputed) for d in days] == [
        (proposal.pk, earlier, 1, False),
        (proposal.pk, DAY, -1, False),
        (other_proposal.pk, DAY, 2, False),
    ]


def _day(actor, proposal, *stances_and_confidences):
    return [
        PositionFactory(
            actor=actor,
            proposal=proposal,
            stance=stance,
            stated_on=DAY,
            confidence=confidence,
        )
        for stance, confidence in stances_and_confidences
    ]


def test_it_lets_the_stance_most_sources_give_stand_for_the_day(db):
    # The example: two −2 and one 0 of equal confidence, 0 recorded last.
    actor, proposal = _pair()
    _, second, _ = _day(
        actor,
        proposal,
        (-2, Confidence.MEDIUM),
        (-2, Confidence.MEDIUM),
        (0, Confidence.MEDIUM),
    )

    [day] = resolved_days(actors=[actor])

    assert (day.stance, day.position_id, day.resolution) == (-2, second.pk, "plurality")
    assert (day.disputed, day.day_stance_min, day.day_stance_max) == (True, -2, 0)
    assert day.day_positions == 3


def test_it_counts_only_the_highest_confidence_present(db):
    actor, proposal = _pair()
    *_, confident = _day(
        actor,
        proposal,
        (-2, Confidence.LOW),
        (-2, Confidence.LOW),
        (1, Confidence.HIGH),
    )

    [day] = resolved_days(actors=[actor])

    assert (day.stance, day.position_id, day.resolution) == (1, confident.pk, "single")
    assert (day.disputed, day.day_stance_min, day.day_stance_max) == (True, -2, 1)


def test_it_gives_a_tie_to_the_stance_of_the_most_recently_recorded(db):
    actor, proposal = _pair()
    *_, second_plus, _ = _day(
        actor,
        proposal,
        (-1, Confidence.HIGH),
        (2, Confidence.HIGH),
        (-1, Confidence.HIGH),
        (2, Confidence.HIGH),
        (0, Confidence.LOW),
    )

    [day] = resolved_days(actors=[actor])

    assert (day.stance, day.position_id, day.resolution) == (2, second_plus.pk, "tie")
    assert (day.day_stance_min, day.day_stance_max, day.day_positions) == (-1, 2, 5)


def test_it_names_a_day_on_which_every_voting_source_agrees_unanimous(db):
    actor, proposal = _pair()
    _, latest, _ = _day(
        actor,
        proposal,
        (1, Confidence.HIGH),
        (1, Confidence.HIGH),
        (-2, Confidence.MEDIUM),
    )

    [day] = resolved_days(actors=[actor])

    assert (day.stance, day.position_id, day.resolution) == (1, latest.pk, "unanimous")
    assert day.disputed is True
