"""The flip-o-meter: how a side's stance on each proposal moved over a
period, counted from its changes in the database."""

import datetime
from collections.abc import Iterable

from actors.models import Actor
from positions.selectors.changes import classified_cte
from positions.selectors.rows import ProposalSummary
from positions.selectors.sql import (
    SEQUENCED_CTE,
    PairScope,
    date_bounds,
    fetch_rows,
    proposal_table,
    resolution_ctes,
    select_list,
)


def actor_summary(
    *,
    actor: Actor,
    since: datetime.date | None,
    until: datetime.date,
    attributions: Iterable[str] | None = None,
) -> list[ProposalSummary]:
    """Per proposal the side has a stance on by ``until``, by proposal slug:
    its as-of stances on ``since`` (None without one, or without ``since``)
    and on ``until``, and its changes dated from ``since`` to ``until``
    (both inclusive; from the first date without ``since``). Shifts and
    reversals count only uncontested changes; contested ones (a from-date or
    to-date resolved by plurality or tie) are counted apart. A first stance
    is no move. ``attributions`` keeps only positions of those attributions.
    """
    scope = PairScope(attributions=attributions)
    positions = scope.positions
    params: dict = scope.params | {"until": until, "since": since, "actor": actor.pk}
    if since is None:
        source = f"{positions} p WHERE p.actor_id = %(actor)s"
    else:
        # Each proposal's dates from its last one before ``since`` on: one
        # index probe per proposal rather than the side's whole history.
        source = f"""actor_pairs b
            JOIN {positions} p ON p.actor_id = %(actor)s
             AND p.proposal_id = b.proposal_id AND p.stated_on >= b.history_start"""
    pairs = f"""
    actor_pairs AS MATERIALIZED (
        SELECT pr.id AS proposal_id,
               COALESCE((SELECT MAX(q.stated_on) FROM {positions} q
                         WHERE q.actor_id = %(actor)s AND q.proposal_id = pr.id
                           AND q.stated_on < %(since)s), %(since)s) AS history_start
        FROM {proposal_table()} pr
    ),"""  # noqa: S608
    period = " AND ".join(
        date_bounds("stated_on", since=since, until=until, params=params)
    )
    since_day = "NULL" if since is None else "%(since)s"
    # One pass over the side's dates, grouped by proposal: the as-of date of
    # D is the one on or before D whose next date is after D (or none).
    # Joining the dates to themselves made PostgreSQL loop over them.
    sql = f"""
    WITH {"" if since is None else pairs}
    {resolution_ctes(source)},
    {SEQUENCED_CTE},
    {classified_cte(params)},
    summary AS (
        SELECT proposal_id,
               MAX(CASE WHEN stated_on <= {since_day} AND (next_stated_on IS NULL
                        OR next_stated_on > {since_day}) THEN stance END)
                   AS stance_at_since,
               MAX(CASE WHEN stated_on <= %(until)s AND (next_stated_on IS NULL
                        OR next_stated_on > %(until)s) THEN stance END)
                   AS stance_at_until,
               SUM(CASE WHEN {period} AND from_stance <> stance AND contested = 0
                        AND kind = 'shift' THEN 1 ELSE 0 END) AS shifts,
               SUM(CASE WHEN {period} AND from_stance <> stance AND contested = 0
                        AND kind = 'reversal' THEN 1 ELSE 0 END) AS reversals,
               SUM(CASE WHEN {period} AND from_stance <> stance AND contested = 1
                        THEN 1 ELSE 0 END) AS contested_changes
        FROM classified
        GROUP BY proposal_id
    )
    SELECT {select_list(ProposalSummary)}
    FROM summary st
    JOIN {proposal_table()} pr ON pr.id = st.proposal_id
    WHERE st.stance_at_until IS NOT NULL
    ORDER BY pr.slug
    """  # noqa: S608
    return fetch_rows(ProposalSummary, sql, params)
