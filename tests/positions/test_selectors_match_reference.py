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
CONTESTED = ("plurality", "tie")
MAX_POSITIONS = 24

position_specs = st.lists(
    st.tuples(
        st.integers(0, 1),  # actor
        st.integers(0, 2),  # proposal
        st.integers(0, 5),  # day: few days, so many positions share one
        st.integers(-2, 2),  # stance
        # Mostly one confidence, so that days often go to a plurality or a tie.
        st.sampled_from([2, 2, 2, 1, 3]),  # confidence
    ),
    max_size=MAX_POSITIONS,
)


# --- the reference: DESIGN.md's rules, row by row in Python ----------------


def ref_resolve_day(group):
    """(stance, position id, resolution, disputed, lowest, highest, count) of
    one pair's positions of one date: plurality among the highest confidence
    present, a tie to the stance of the highest id among the tied."""
    top = max(r["confidence"] for r in group)
    tier = [r for r in group if r["confidence"] == top]
    votes = defaultdict(list)
    for r in tier:
        votes[r["stance"]].append(r["id"])
    most = max(len(ids) for ids in votes.values())
    tied = [stance for stance, ids in votes.items() if len(ids) == most]
    stance = max(tied, key=lambda s: max(votes[s]))
    if len(tier) == 1:
        resolution = "single"
    elif len(votes) == 1:
        resolution = "unanimous"
    elif len(tied) > 1:
        resolution = "tie"
    else:
        resolution = "plurality"
    stances = [r["stance"] for r in group]
    return (
        stance,
        max(votes[stance]),
        resolution,
        len(set(stances)) > 1,
        min(stances),
        max(stances),
        len(group),
    )


def ref_resolved_days(rows):
    """{(actor, proposal): [(day, stance, position_id, disputed), ...] in date
    order}; ``ref_resolved_details`` has the rest of each day."""
    return {
        pair: [(day, *detail[:2], detail[3]) for day, detail in days]
        for pair, days in ref_resolved_details(rows).items()
    }


def ref_resolved_details(rows):
    """{(actor, proposal): [(day, ref_resolve_day(...)), ...] in date order}"""
    by_day = defaultdict(list)
    for row in rows:
        by_day[(row["actor"], row["proposal"], row["day"])].append(row)
    pairs = defaultdict(list)
    for (actor, proposal, day), group in sorted(by_day.items()):
        pairs[(actor, proposal)].append((day, ref_resolve_day(group)))
    return pairs


def ref_as_of(rows, on):
    result = {}
    for pair, days in ref_resolved_days(rows).items():
        standing = [d for d in days if d[0] <= on]
        if standing:
            result[pair] = standing[-1]
    return result


def ref_changes(rows):
    """(day, position, actor, proposal, kind, from, to, from position,
    disputed, contested), newest first: disputed when a position of the
    from-date or the to-date disagrees, contested when either was resolved
    by plurality or tie."""
    changes = []
    for (actor, proposal), days in ref_resolved_details(rows).items():
        previous = None
        for day, (stance, position_id, resolution, disputed, *_) in days:
            if previous is not None and previous["stance"] == stance:
                previous = locals_of(stance, position_id, resolution, disputed)
                continue
            if previous is None:
                kind = "initial"
            elif previous["stance"] * stance < 0:
                kind = "reversal"
            else:
                kind = "shift"
            before = previous or {}
            changes.append(
                (
                    day,
                    position_id,
                    actor,
                    proposal,
                    kind,
                    before.get("stance"),
                    stance,
                    before.get("position_id"),
                    disputed or before.get("disputed", False),
                    resolution in CONTESTED or before.get("resolution") in CONTESTED,
                )
            )
            previous = locals_of(stance, position_id, resolution, disputed)
    return sorted(changes, key=lambda c: (c[0], c[1]), reverse=True)


def locals_of(stance, position_id, resolution, disputed):
    return {
        "stance": stance,
        "position_id": position_id,
        "resolution": resolution,
        "disputed": disputed,
    }


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


def _resolved(r):
    return (
        r.stance,
        r.position_id,
        r.resolution,
        r.disputed,
        r.day_stance_min,
        r.day_stance_max,
        r.day_positions,
    )


def _check_everything(rows, actors, proposals, as_of_offset):
    details = ref_resolved_details(rows)
    assert [
        ((r.actor_id, r.proposal_id), (r.stated_on, _resolved(r)))
        for r in resolved_days(negotiation=proposals[0].negotiation)
    ] == [(pair, day) for pair in sorted(details) for day in details[pair]]

    on = START + datetime.timedelta(days=as_of_offset)
    expected_as_of = {
        pair: [day for day in days if day[0] <= on][-1]
        for pair, days in details.items()
        if days[0][0] <= on
    }
    assert {
        (r.actor_id, r.proposal_id): (r.stated_on, _resolved(r))
        for r in stances_as_of(on=on, actors=actors)
    } == expected_as_of

    def as_tuple(c):
        return (
            c.changed_on,
            c.to_position_id,
            c.actor_id,
            c.proposal_id,
            c.kind,
            c.from_stance,
            c.to_stance,
            c.from_position_id,
            c.disputed,
            c.contested,
        )

    expected_changes = ref_changes(rows)
    every_kind = ["initial", "shift", "reversal"]
    assert [
        as_tuple(c) for c in change_list(proposals=proposals, kinds=every_kind)
    ] == expected_changes
    for contested in (True, False):
        assert [
            as_tuple(c)
            for c in change_list(
                proposals=proposals, kinds=every_kind, contested=contested
            )
        ] == [c for c in expected_changes if c[-1] is contested]

    a, b = actors
    points = gap_series(a=a, b=b)
    expected = ref_gap(rows, a.pk, b.pk)
    assert [(p.date, p.proposals) for p in points] == [(d, n) for d, _, n in expected]
    for point, (_, gap, _) in zip(points, expected, strict=True):
        assert point.gap == pytest.approx(gap)
