"""The gap between two sides over time, and who moved, computed in the database.

The gap on D is the mean absolute difference of the two actors' as-of
stances over the proposals both have one on (DESIGN.md, "Derived views");
its change from one point to the next splits exactly into what each side's
moves contributed (the Shapley split over the proposals shared before) and
what proposals entering the shared set added.
"""

import bisect
import datetime
from collections.abc import Iterable, Sequence

from actors.models import Actor
from positions.models import Negotiation, Proposal
from positions.position_fields import as_date
from positions.selectors.rows import GapDay, GapMove, GapPoint, GapRow, GapTerm
from positions.selectors.sql import (
    PAIR_COLUMNS,
    SEQUENCED_CTE,
    PairScope,
    fetch,
    fetch_rows,
    history_pairs_cte,
    ids,
    negotiation_ids,
    proposal_table,
    resolution_ctes,
    scoped_positions,
    select_list,
    windowed_positions,
)

CHANGED = "(from_stance IS NULL OR from_stance <> stance)"

# Per proposal and date (of a change, or of any statement when the terms
# carry restatements forward), each side's resolved stance of that date (if any),
# then the stance it holds (carried forward: a running count numbers the
# stretches a value holds), then what it held before. Each row's step of the
# running total and of the shared count, and twice each side's contribution
# over the proposals shared before (integers, halved in Python), make the
# series linear in the two sides' dates. Joining every date to every stance
# that holds on it was quadratic: minutes on PostgreSQL at a few thousand
# positions.
GAP_CTES = """
    said AS (
        SELECT proposal_id, stated_on AS day,
               MAX(CASE WHEN actor_id = %(a)s THEN stance END) AS a_said,
               MAX(CASE WHEN actor_id = %(a)s THEN position_id END) AS a_said_by,
               MAX(CASE WHEN actor_id = %(a)s AND (from_stance IS NULL
                        OR from_stance <> stance) THEN 1 ELSE 0 END) AS a_changed,
               MAX(CASE WHEN actor_id = %(b)s THEN stance END) AS b_said,
               MAX(CASE WHEN actor_id = %(b)s THEN position_id END) AS b_said_by,
               MAX(CASE WHEN actor_id = %(b)s AND (from_stance IS NULL
                        OR from_stance <> stance) THEN 1 ELSE 0 END) AS b_changed
        FROM sequenced
        WHERE {said}
        GROUP BY proposal_id, stated_on
    ),
    stretches AS (
        SELECT said.*,
               COUNT(a_said) OVER (PARTITION BY proposal_id ORDER BY day) AS a_stretch,
               COUNT(b_said) OVER (PARTITION BY proposal_id ORDER BY day) AS b_stretch
        FROM said
    ),
    held AS (
        SELECT proposal_id, day, a_changed, b_changed,
               MAX(a_said) OVER a_held AS a_stance,
               MAX(a_said_by) OVER a_held AS a_position,
               MAX(CASE WHEN a_said IS NOT NULL THEN day END) OVER a_held
                   AS a_stated_on,
               MAX(b_said) OVER b_held AS b_stance,
               MAX(b_said_by) OVER b_held AS b_position,
               MAX(CASE WHEN b_said IS NOT NULL THEN day END) OVER b_held
                   AS b_stated_on
        FROM stretches
        WINDOW a_held AS (PARTITION BY proposal_id, a_stretch),
               b_held AS (PARTITION BY proposal_id, b_stretch)
    ),
    held_before AS (
        SELECT held.*,
               LAG(a_stance) OVER by_proposal AS a_before,
               LAG(b_stance) OVER by_proposal AS b_before
        FROM held
        WINDOW by_proposal AS (PARTITION BY proposal_id ORDER BY day)
    ),
    steps AS (
        SELECT held_before.*,
               COALESCE(ABS(a_stance - b_stance), 0)
                 - COALESCE(ABS(a_before - b_before), 0) AS total_step,
               CASE WHEN a_stance IS NULL OR b_stance IS NULL THEN 0 ELSE 1 END
                 - CASE WHEN a_before IS NULL OR b_before IS NULL THEN 0 ELSE 1 END
                 AS shared_step,
               CASE WHEN a_before IS NULL OR b_before IS NULL THEN 0
                    ELSE ABS(a_stance - b_before) - ABS(a_before - b_before)
                         + ABS(a_stance - b_stance) - ABS(a_before - b_stance)
               END AS a_move2,
               CASE WHEN a_before IS NULL OR b_before IS NULL THEN 0
                    ELSE ABS(a_before - b_stance) - ABS(a_before - b_before)
                         + ABS(a_stance - b_stance) - ABS(a_stance - b_before)
               END AS b_move2
        FROM held_before
    )"""

# Every row, with its date's running values: the terms need each proposal.
GAP_ROWS_CTE = """
    gap_rows AS (
        SELECT steps.*,
               SUM(total_step) OVER (ORDER BY day) AS total,
               SUM(shared_step) OVER (ORDER BY day) AS shared,
               SUM(a_move2) OVER (PARTITION BY day) AS day_a_move2,
               SUM(b_move2) OVER (PARTITION BY day) AS day_b_move2,
               MAX(a_changed + b_changed) OVER (PARTITION BY day) AS day_changed
        FROM steps
    )"""

# One row per date: the series alone.
GAP_DAYS_CTE = """
    dated AS (
        SELECT day, SUM(total_step) AS total_step, SUM(shared_step) AS shared_step,
               SUM(a_move2) AS day_a_move2, SUM(b_move2) AS day_b_move2,
               MAX(a_changed) AS a_changed, MAX(b_changed) AS b_changed
        FROM steps
        GROUP BY day
    ),
    gap_days AS (
        SELECT dated.*,
               SUM(total_step) OVER (ORDER BY day) AS total,
               SUM(shared_step) OVER (ORDER BY day) AS shared,
               1 AS day_changed
        FROM dated
    )"""


def gap_series(
    *,
    a: Actor,
    b: Actor,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    proposals: Iterable[Proposal] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    with_terms: bool = True,
    attributions: Iterable[str] | None = None,
) -> list[GapPoint]:
    """The gap between ``a`` and ``b`` on every date either one's as-of stance
    changes, oldest first; with ``since``, the first point is the level on
    ``since``; ``until`` is inclusive.

    The gap is the mean of |stance of a − stance of b| over the proposals both
    have an as-of stance on that date (0 = agree everywhere, 4 = opposite
    extremes); ``proposals`` counts them, ``gap`` is None when it is 0, and
    ``terms`` lists them. ``proposals`` (the argument) restricts the
    proposals considered. Against the previous point, ``moved_a + moved_b +
    composition`` is the change of the gap: the Shapley split of the movement
    over the previous point's shared proposals, and what proposals entering
    the shared set add; all three are None on the first point and after a
    null gap. ``changed`` names the sides that changed a stance that date,
    ``moves`` their changes. As-of stances use the whole history.
    ``with_terms=False`` leaves ``terms`` and ``moves`` empty and reads one
    row per date of a change: a long series over many shared proposals has
    millions of terms. ``attributions`` keeps only positions of those
    attributions.
    """
    scope = _scope(a, b, negotiation, negotiations, proposals, attributions)
    rows = _gap_rows(
        scope,
        a=a,
        b=b,
        source=scoped_positions(scope),
        until=until,
        with_terms=with_terms,
    )
    return _points(rows, since=since, with_terms=with_terms)


def latest_gap_points(
    *,
    a: Actor,
    b: Actor,
    count: int,
    negotiation: Negotiation | None = None,
    attributions: Iterable[str] | None = None,
) -> tuple[list[GapPoint], bool]:
    """The latest ``count`` points of ``gap_series`` (without terms), equal
    to the last ``count`` of the whole series, and whether earlier ones exist.

    Reads only the history from a recent date on, each pair from its last
    date before it (which sets the level there): the whole series of two
    busy sides is thousands of dates, read in full for a page that shows a
    hundred. The date is first put ``count`` × 3 dates of either side back,
    and moved further back until ``count`` points follow it.
    """
    scope = _scope(a, b, negotiation, None, None, attributions)
    pairs = PairScope(
        actors=[a.pk, b.pk],
        negotiations=negotiation_ids(negotiation, None),
        attributions=attributions,
        columns=PAIR_COLUMNS,
    )
    dates_back = count * 3
    while True:
        window_start = _nth_latest_date(scope, dates_back)
        if window_start is None:
            points = gap_series(
                a=a,
                b=b,
                negotiation=negotiation,
                with_terms=False,
                attributions=attributions,
            )
            return points[-count:], len(points) > count
        rows = _gap_rows(
            pairs,
            a=a,
            b=b,
            source=windowed_positions(pairs),
            ctes=history_pairs_cte(pairs) + ",",
            window_start=window_start,
            with_terms=False,
        )
        points = _points(rows, since=None, with_terms=False)
        # The first point's own step was measured from the pairs' last dates
        # before the window, not from the previous point: it is not shown.
        if len(points) > count:
            # Every side's first position is a point: earlier positions, so
            # earlier points, exist before the window.
            return points[-count:], True
        dates_back *= 4


def _scope(a, b, negotiation, negotiations, proposals, attributions) -> PairScope:
    return PairScope(
        actors=[a.pk, b.pk],
        proposals=ids(proposals),
        negotiations=negotiation_ids(negotiation, negotiations),
        attributions=attributions,
    )


def _nth_latest_date(scope: PairScope, n: int) -> datetime.date | None:
    """The ``n``-th latest date of a position in ``scope``, or None when it
    has fewer dates."""
    sql = f"""
        SELECT DISTINCT p.stated_on FROM {scoped_positions(scope)}
        ORDER BY p.stated_on DESC LIMIT 1 OFFSET %(offset)s
    """  # noqa: S608
    found = fetch(sql, scope.params | {"offset": n - 1})
    return as_date(found[0][0]) if found else None


def _gap_rows(
    scope: PairScope,
    *,
    a: Actor,
    b: Actor,
    source: str,
    with_terms: bool,
    ctes: str = "",
    until: datetime.date | None = None,
    window_start: datetime.date | None = None,
) -> list[GapRow] | list[GapDay]:
    """The rows of ``GAP_CTES`` over the positions of ``source``, by date."""
    params = scope.params | {"a": a.pk, "b": b.pk}
    bounds = []
    if until is not None:
        bounds.append("r.day <= %(until)s")
        params["until"] = until
    if window_start is not None:
        bounds.append("r.day >= %(window_start)s")
        params["window_start"] = window_start
    bound = " AND ".join(bounds) or "1 = 1"
    ctes = f"""WITH {ctes} {resolution_ctes(source)}, {SEQUENCED_CTE},
    {GAP_CTES.format(said="1 = 1" if with_terms else CHANGED)},"""
    if with_terms:
        sql = f"""
        {ctes} {GAP_ROWS_CTE}
        SELECT {select_list(GapRow)}
        FROM gap_rows r JOIN {proposal_table()} pr ON pr.id = r.proposal_id
        WHERE {bound}
        ORDER BY r.day, pr.slug
        """  # noqa: S608
        return fetch_rows(GapRow, sql, params)
    sql = f"""
        {ctes} {GAP_DAYS_CTE}
        SELECT {select_list(GapDay)}
        FROM gap_days r
        WHERE {bound}
        ORDER BY r.day
        """  # noqa: S608
    return fetch_rows(GapDay, sql, params)


class _Terms:
    """The shared proposals' terms as dates go by, in proposal slug order."""

    def __init__(self, *, keep: bool):
        self.keep = keep
        self.by_slug: dict[str, GapTerm] = {}
        self.slugs: list[str] = []

    def update(self, row: GapRow) -> None:
        if not self.keep or row.a_stance is None or row.b_stance is None:
            return
        if row.proposal_slug not in self.by_slug:
            bisect.insort(self.slugs, row.proposal_slug)
        self.by_slug[row.proposal_slug] = GapTerm(
            proposal=row.proposal_slug,
            proposal_title=row.proposal_title,
            a_stance=row.a_stance,
            b_stance=row.b_stance,
            a_stated_on=row.a_stated_on,
            b_stated_on=row.b_stated_on,
            a_position=row.a_position,
            b_position=row.b_position,
        )

    def snapshot(self) -> tuple[GapTerm, ...]:
        if not self.keep:
            return ()
        return tuple(self.by_slug[slug] for slug in self.slugs)


def _moves(rows: Sequence[GapRow]) -> tuple[GapMove, ...]:
    moves = []
    for row in rows:
        for side in ("a", "b"):
            if getattr(row, f"{side}_changed"):
                moves.append(
                    GapMove(
                        side=side,
                        proposal=row.proposal_slug,
                        proposal_title=row.proposal_title,
                        from_stance=getattr(row, f"{side}_before"),
                        to_stance=getattr(row, f"{side}_stance"),
                        position=getattr(row, f"{side}_position"),
                    )
                )
    return tuple(moves)


def _point(day, rows: Sequence, terms: _Terms, previous) -> GapPoint:
    last = rows[-1]
    shared = int(last.shared)
    gap = None if not shared else float(last.total) / shared
    moved_a = moved_b = composition = None
    if previous is not None and previous.gap is not None:
        # The proposals shared before never stop being shared.
        moved_a = last.day_a_move2 / 2 / previous.proposals
        moved_b = last.day_b_move2 / 2 / previous.proposals
        composition = gap - previous.gap - moved_a - moved_b
    return GapPoint(
        date=day,
        gap=gap,
        proposals=shared,
        terms=terms.snapshot(),
        moved_a=moved_a,
        moved_b=moved_b,
        composition=composition,
        changed=tuple(
            side
            for side in ("a", "b")
            if any(getattr(row, f"{side}_changed") for row in rows)
        ),
        moves=_moves(rows) if terms.keep else (),
        entered=shared - (previous.proposals if previous is not None else 0),
    )


def _level_on(day, last_row, terms: _Terms) -> GapPoint:
    """The first point of a series asked for ``since`` ``day``: the level then."""
    shared = 0 if last_row is None else int(last_row.shared)
    return GapPoint(
        date=day,
        gap=None if not shared else float(last_row.total) / shared,
        proposals=shared,
        terms=terms.snapshot(),
    )


def _points(
    rows: list[GapRow] | list[GapDay],
    *,
    since: datetime.date | None,
    with_terms: bool,
) -> list[GapPoint]:
    """Points from the rows of ``GAP_CTES`` (by date): a point per date on
    which a side changed; the terms carried forward over every date."""
    terms = _Terms(keep=with_terms)
    points: list[GapPoint] = []
    previous = None
    last_row = None
    index = 0
    while index < len(rows):
        day = rows[index].day
        end = index
        while end < len(rows) and rows[end].day == day:
            end += 1
        day_rows = rows[index:end]
        index = end
        if since is not None and day >= since and not points:
            if day > since:
                previous = _level_on(since, last_row, terms)
                points.append(previous)
            else:
                previous = None  # the point on ``since`` is the first
        for row in day_rows:
            terms.update(row)
        last_row = day_rows[-1]
        if not last_row.day_changed:
            continue
        point = _point(day, day_rows, terms, previous)
        previous = point
        if since is None or day >= since:
            points.append(point)
    if since is not None and not points:
        points.append(_level_on(since, last_row, terms))
    return points
