"""The gap between two sides over time, computed in the database.

The gap on D is the mean absolute difference of the two actors' as-of
stances over the proposals both have one on (DESIGN.md, "Derived views").
"""

import datetime
from collections.abc import Iterable

from actors.models import Actor
from positions.models import Negotiation
from positions.position_fields import as_date
from positions.selectors.rows import GapPoint
from positions.selectors.sql import (
    SEQUENCED_CTE,
    PairScope,
    date_bounds,
    fetch,
    negotiation_ids,
    resolution_ctes,
    scoped_positions,
)


def gap_series(
    *,
    a: Actor,
    b: Actor,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[GapPoint]:
    """The gap between ``a`` and ``b`` on every date either one's as-of stance changes.

    The gap is the mean of |stance of a − stance of b| over the proposals both
    have an as-of stance on that date (0 = agree everywhere, 4 = opposite
    extremes); ``proposals`` counts them, and ``gap`` is None when it is 0.
    As-of stances use the whole history; ``since`` and ``until`` (inclusive)
    only choose which dates are listed. Oldest first.
    """
    scope = PairScope(
        actors=[a.pk, b.pk], negotiations=negotiation_ids(negotiation, negotiations)
    )
    params = scope.params | {"a": a.pk, "b": b.pk}
    day_conditions = date_bounds("day", since=since, until=until, params=params)
    where = " AND ".join(day_conditions) if day_conditions else "1 = 1"
    # Linear in the two actors' changes: per proposal, each side's as-of
    # stance is carried forward to every change of either side (a running
    # count numbers the stretches a value holds), each change adds its
    # difference minus the one it replaces, and running sums over the dates
    # give the total and the number of shared proposals. Joining every date
    # to every stance that holds on it was quadratic: minutes on PostgreSQL
    # at a few thousand positions.
    sql = f"""
    WITH {resolution_ctes(scoped_positions(scope))}, {SEQUENCED_CTE},
    events AS (
        SELECT proposal_id, stated_on AS day,
               MAX(CASE WHEN actor_id = %(a)s THEN stance END) AS a_new,
               MAX(CASE WHEN actor_id = %(b)s THEN stance END) AS b_new
        FROM sequenced
        WHERE from_stance IS NULL OR from_stance <> stance
        GROUP BY proposal_id, stated_on
    ),
    stretches AS (
        SELECT events.*,
               COUNT(a_new) OVER (PARTITION BY proposal_id ORDER BY day) AS a_stretch,
               COUNT(b_new) OVER (PARTITION BY proposal_id ORDER BY day) AS b_stretch
        FROM events
    ),
    held AS (
        SELECT proposal_id, day,
               MAX(a_new) OVER (PARTITION BY proposal_id, a_stretch) AS a_stance,
               MAX(b_new) OVER (PARTITION BY proposal_id, b_stretch) AS b_stance
        FROM stretches
    ),
    differences AS (
        SELECT proposal_id, day, ABS(a_stance - b_stance) AS difference
        FROM held
    ),
    steps AS (
        SELECT day,
               COALESCE(difference, 0)
                 - COALESCE(LAG(difference) OVER by_proposal, 0) AS total_step,
               CASE WHEN difference IS NULL THEN 0 ELSE 1 END
                 - CASE WHEN LAG(difference) OVER by_proposal IS NULL THEN 0 ELSE 1 END
                 AS shared_step
        FROM differences
        WINDOW by_proposal AS (PARTITION BY proposal_id ORDER BY day)
    ),
    dated AS (
        SELECT day, SUM(total_step) AS total_step, SUM(shared_step) AS shared_step
        FROM steps
        GROUP BY day
    ),
    running AS (
        SELECT day,
               SUM(total_step) OVER (ORDER BY day) AS total,
               SUM(shared_step) OVER (ORDER BY day) AS shared
        FROM dated
    )
    SELECT day, total, shared
    FROM running
    WHERE {where}
    ORDER BY day
    """  # noqa: S608
    return [
        GapPoint(
            date=as_date(day),
            gap=None if not shared else float(total) / int(shared),
            proposals=int(shared),
        )
        for day, total, shared in fetch(sql, params)
    ]
