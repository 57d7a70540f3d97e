"""The SQL selectors against a plain-Python reading of DESIGN.md's rules.

Hypothesis draws small worlds with many same-day positions, so ties,
disputes, repeats, shifts and reversals all come up; the selectors must
agree with the reference below on every one, on SQLite and PostgreSQL.
"""

import datetime
from collections import defaultdict
from dataclasses import replace
from statistics import mean

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from positions.models import Attribution, Position, Proposal
from positions.selectors import (
    actor_summary,
    change_list,
    diff_rows,
    gap_series,
    latest_gap_points,
    resolved_days,
    stances_as_of,
)
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


def ref_gap(rows, a, b, *, proposals=None, since=None):
    """[(day, gap, shared count, terms, moved_a, moved_b, composition,
    changed)], terms as {proposal: (a stance, b stance, a date, b date, a
    position, b position)}: DESIGN.md's gap and its Shapley split, straight
    from the definitions."""
    rows = [r for r in rows if proposals is None or r["proposal"] in proposals]
    details = ref_resolved_details(rows)
    change_days = defaultdict(set)
    for change in ref_changes(rows):
        if change[2] in (a, b):
            change_days[change[0]].add("a" if change[2] == a else "b")
    days = sorted(change_days)
    if since is not None:
        days = [since] + [day for day in days if day > since]

    def stance_of(actor, proposal, on):
        standing = [d for d in details.get((actor, proposal), []) if d[0] <= on]
        return standing[-1] if standing else None

    def terms_on(on):
        terms = {}
        for proposal in {pair[1] for pair in details}:
            x, y = stance_of(a, proposal, on), stance_of(b, proposal, on)
            if x and y:
                terms[proposal] = (x[1][0], y[1][0], x[0], y[0], x[1][1], y[1][1])
        return terms

    points, previous = [], None
    for day in days:
        terms = terms_on(day)
        gap = mean(abs(t[0] - t[1]) for t in terms.values()) if terms else None
        moved_a = moved_b = composition = None
        if previous is not None and previous[1] is not None:
            shared = previous[3]
            old_a = {p: t[0] for p, t in shared.items()}
            old_b = {p: t[1] for p, t in shared.items()}
            new_a = {p: terms[p][0] for p in shared}
            new_b = {p: terms[p][1] for p in shared}

            def g(x, y, shared=shared):
                return mean(abs(x[p] - y[p]) for p in shared)

            moved_a = (
                (g(new_a, old_b) - g(old_a, old_b))
                + (g(new_a, new_b) - g(old_a, new_b))
            ) / 2
            moved_b = (
                (g(old_a, new_b) - g(old_a, old_b))
                + (g(new_a, new_b) - g(new_a, old_b))
            ) / 2
            composition = gap - g(new_a, new_b)
        changed = tuple(sorted(change_days.get(day, ())))
        point = (day, gap, len(terms), terms, moved_a, moved_b, composition, changed)
        points.append(point)
        previous = point
    return points


def ref_diff(rows, from_date, to_date):
    """{(actor, proposal): (kind, from (day, stance, position, disputed) or
    None, to (…), positions between)} of the pairs whose as-of stance
    differs between the two dates."""
    resolved = ref_resolved_days(rows)
    changes = ref_changes(rows)
    diff = {}
    for pair, days in resolved.items():
        before = [d for d in days if d[0] <= from_date]
        after = [d for d in days if d[0] <= to_date]
        if not after or (before and before[-1][1] == after[-1][1]):
            continue
        start = before[-1] if before else None
        end = after[-1]
        if start is None:
            kind = "new"
        elif start[1] * end[1] < 0:
            kind = "reversal"
        else:
            kind = "shift"
        between = sorted(
            c[1]
            for c in changes
            if (c[2], c[3]) == pair and from_date < c[0] <= to_date
        )
        diff[pair] = (kind, start, end, between)
    return diff


def ref_summary(rows, actor, since, until):
    """{proposal: (stance at since, stance at until, shifts, reversals,
    contested changes, verdict)} of the proposals ``actor`` has a stance on
    by ``until``."""
    summary = {}
    for (side, proposal), days in ref_resolved_days(rows).items():
        at_until = [d for d in days if d[0] <= until]
        if side != actor or not at_until:
            continue
        at_since = [d for d in days if d[0] <= since]
        moves = [
            c
            for c in ref_changes(rows)
            if (c[2], c[3]) == (side, proposal)
            and c[4] != "initial"
            and since <= c[0] <= until
        ]
        shifts = sum(1 for c in moves if c[4] == "shift" and not c[9])
        reversals = sum(1 for c in moves if c[4] == "reversal" and not c[9])
        verdict = "reversal" if reversals else "shift" if shifts else "no_change"
        summary[proposal] = (
            at_since[-1][1] if at_since else None,
            at_until[-1][1],
            shifts,
            reversals,
            sum(1 for c in moves if c[9]),
            verdict,
        )
    return summary


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
                # No speaker: what save() would derive.
                attribution=Attribution.REPORTED,
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
    # From a date on, only the history that date needs is read.
    assert [
        as_tuple(c)
        for c in change_list(proposals=proposals, kinds=every_kind, since=on)
    ] == [c for c in expected_changes if c[0] >= on]
    for contested in (True, False):
        assert [
            as_tuple(c)
            for c in change_list(
                proposals=proposals, kinds=every_kind, contested=contested
            )
        ] == [c for c in expected_changes if c[-1] is contested]

    later = on + datetime.timedelta(days=2)
    assert {
        (d.actor_id, d.proposal_id): (
            d.kind,
            None
            if d.from_stance is None
            else (d.from_stated_on, d.from_stance, d.from_position_id, d.from_disputed),
            (d.to_stated_on, d.to_stance, d.to_position_id, d.to_disputed),
            d.positions_between,
        )
        for d in diff_rows(from_date=on, to_date=later, proposals=proposals)
    } == ref_diff(rows, on, later)

    for actor in actors:
        assert {
            s.proposal_id: (
                s.stance_at_since,
                s.stance_at_until,
                s.shifts,
                s.reversals,
                s.contested_changes,
                s.verdict,
            )
            for s in actor_summary(actor=actor, since=on, until=later)
        } == ref_summary(rows, actor.pk, on, later)

    a, b = actors
    _check_gap(rows, a, b, proposals=None, since=None)
    _check_gap(rows, b, a, proposals=proposals[1:], since=on)


def _check_gap(rows, a, b, *, proposals, since):
    points = gap_series(a=a, b=b, proposals=proposals, since=since)
    expected = ref_gap(
        rows,
        a.pk,
        b.pk,
        proposals=None if proposals is None else {p.pk for p in proposals},
        since=since,
    )
    slugs = dict(Proposal.objects.values_list("slug", "pk"))
    assert [(p.date, p.proposals, p.changed) for p in points] == [
        (day, count, changed) for day, _, count, *_, changed in expected
    ]
    for point, (_, gap, _, terms, moved_a, moved_b, composition, _) in zip(
        points, expected, strict=True
    ):
        assert point.gap == pytest.approx(gap)
        assert {
            slugs[t.proposal]: (
                t.a_stance,
                t.b_stance,
                t.a_stated_on,
                t.b_stated_on,
                t.a_position,
                t.b_position,
            )
            for t in point.terms
        } == terms
        assert point.moved_a == pytest.approx(moved_a)
        assert point.moved_b == pytest.approx(moved_b)
        assert point.composition == pytest.approx(composition)
    lean = gap_series(a=a, b=b, proposals=proposals, since=since, with_terms=False)
    assert lean == [replace(point, terms=(), moves=()) for point in points]
    if proposals is None and since is None:
        # The page's latest points, read from a recent date on, are the
        # series' last ones.
        for count in (1, 2, 4):
            latest, earlier = latest_gap_points(a=a, b=b, count=count)
            assert latest == lean[-count:]
            assert earlier == (len(lean) > count)
    for before, point in zip(points, points[1:], strict=False):
        if before.gap is not None:
            change = point.gap - before.gap
            parts = point.moved_a + point.moved_b + point.composition
            assert parts == pytest.approx(change, abs=1e-12)
