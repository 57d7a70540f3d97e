"""The SQL selectors against a plain-Python reading of DESIGN.md's rules.

Hypothesis draws small worlds with many same-day positions, so ties,
disputes, repeats, shifts and reversals all come up; the selectors must
agree with the reference below on every one, on SQLite and PostgreSQL.
"""

import datetime
from collections import defaultdict
from statistics import mean

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from positions.models import Position
from positions.selectors import change_list, gap_series, resolved_days, stances_as_of
from tests.factories import ArticleFactory, ProposalFactory, StateFactory

START = datetime.date(2020, 1, 1)
MAX_POSITIONS = 24

position_specs = st.lists(
    st.tuples(
        st.integers(0, 1),  # actor
        st.integers(0, 2),  # proposal
        st.integers(0, 5),  # day: few days, so many positions share one
        st.integers(-2, 2),  # stance
        st.integers(1, 3),  # confidence
    ),
    max_size=MAX_POSITIONS,
)


# --- the reference: DESIGN.md's rules, row by row in Python ----------------


def ref_resolved_days(rows):
    """{(actor, proposal): [(day, stance, position_id, disputed), ...] in date order}"""
    by_day = defaultdict(list)
    for row in rows:
        by_day[(row["actor"], row["proposal"], row["day"])].append(row)
    pairs = defaultdict(list)
    for (actor, proposal, day), group in sorted(by_day.items()):
        winner = max(group, key=lambda r: (r["confidence"], r["id"]))
        disputed = len({r["stance"] for r in group}) > 1
        pairs[(actor, proposal)].append((day, winner["stance"], winner["id"], disputed))
    return pairs


def ref_as_of(rows, on):
    result = {}
    for pair, days in ref_resolved_days(rows).items():
        standing = [d for d in days if d[0] <= on]
        if standing:
            result[pair] = standing[-1]
    return result


def ref_changes(rows):
    changes = []
    for (actor, proposal), days in ref_resolved_days(rows).items():
        previous = None
        for day, stance, position_id, _ in days:
            if previous is None:
                kind = "initial"
            elif previous[1] == stance:
                previous = (day, stance, position_id)
                continue
            elif previous[1] * stance < 0:
                kind = "reversal"
            else:
                kind = "shift"
            from_stance = None if previous is None else previous[1]
            from_id = None if previous is None else previous[2]
            changes.append(
                (day, position_id, actor, proposal, kind, from_stance, stance, from_id)
            )
            previous = (day, stance, position_id)
    return sorted(changes, key=lambda c: (c[0], c[1]), reverse=True)


def ref_gap(rows, a, b):
    change_days = sorted(
        {c[0] for c in ref_changes(rows) if c[2] in (a, b)},
    )
    points = []
    for day in change_days:
        stances = ref_as_of(rows, day)
        diffs = [
            abs(stances[(a, p)][1] - stances[(b, p)][1])
            for (actor, p) in stances
            if actor == a and (b, p) in stances
        ]
        points.append((day, mean(diffs) if diffs else None, len(diffs)))
    return points


# --- the property ----------------------------------------------------------


@pytest.fixture
def world(db):
    actors = [StateFactory(), StateFactory()]
    first = ProposalFactory()
    proposals = [first] + [
        ProposalFactory(negotiation=first.negotiation) for _ in range(2)
    ]
    # One article per position, so no two positions are exact duplicates.
    articles = [
        ArticleFactory(published_on=START + datetime.timedelta(days=30))
        for _ in range(MAX_POSITIONS)
    ]
    return actors, proposals, articles


@pytest.mark.fuzz
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(specs=position_specs, as_of_offset=st.integers(-1, 6))
def test_it_agrees_with_the_reference_on_random_positions(world, specs, as_of_offset):
    actors, proposals, articles = world
    with transaction.atomic():
        created = Position.objects.bulk_create(
            Position(
                actor=actors[a],
                proposal=proposals[p],
                article=articles[index],
                stated_on=START + datetime.timedelta(days=day),
                stance=stance,
                confidence=confidence,
            )
            for index, (a, p, day, stance, confidence) in enumerate(specs)
        )
        rows = [
            {
                "id": position.pk,
                "actor": position.actor_id,
                "proposal": position.proposal_id,
                "day": position.stated_on,
                "stance": position.stance,
                "confidence": position.confidence,
            }
            for position in created
        ]
        _check_everything(rows, actors, proposals, as_of_offset)
        transaction.set_rollback(True)


def _check_everything(rows, actors, proposals, as_of_offset):
    expected_days = ref_resolved_days(rows)
    assert [
        (
            (r.actor_id, r.proposal_id),
            (r.stated_on, r.stance, r.position_id, r.disputed),
        )
        for r in resolved_days(negotiation=proposals[0].negotiation)
    ] == [(pair, day) for pair in sorted(expected_days) for day in expected_days[pair]]

    on = START + datetime.timedelta(days=as_of_offset)
    assert {
        (r.actor_id, r.proposal_id): (r.stated_on, r.stance, r.position_id, r.disputed)
        for r in stances_as_of(on=on, actors=actors)
    } == ref_as_of(rows, on)

    assert [
        (
            c.changed_on,
            c.to_position_id,
            c.actor_id,
            c.proposal_id,
            c.kind,
            c.from_stance,
            c.to_stance,
            c.from_position_id,
        )
        for c in change_list(
            proposals=proposals, kinds=["initial", "shift", "reversal"]
        )
    ] == ref_changes(rows)

    a, b = actors
    points = gap_series(a=a, b=b)
    expected = ref_gap(rows, a.pk, b.pk)
    assert [(p.date, p.proposals) for p in points] == [(d, n) for d, _, n in expected]
    for point, (_, gap, _) in zip(points, expected, strict=True):
        assert point.gap == pytest.approx(gap)
