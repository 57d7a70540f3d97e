"""What moved between two dates: the pairs whose as-of stance differs,
computed in the database."""

import datetime
from collections.abc import Iterable

from actors.models import Actor
from positions.selectors.rows import DiffRow
from positions.selectors.sql import (
    PAIR_COLUMNS,
    PARTICIPANTS,
    SEQUENCED_CTE,
    SIDES_ONLY,
    PairScope,
    actor_table,
    fetch_rows,
    id_list,
    ids,
    limit_clause,
    proposal_table,
    resolution_ctes,
    select_list,
)


def diff_rows(
    *,
    from_date: datetime.date,
    to_date: datetime.date,
    negotiations: Iterable[int] | None = None,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[int] | None = None,
    attributions: Iterable[str] | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[DiffRow]:
    """Every pair whose as-of stance on ``to_date`` differs from its as-of
    stance on ``from_date`` (``from_date`` < ``to_date``), by actor slug then
    proposal slug.

    The pairs are the ``actors`` asked for, or else each negotiation's
    participants, or else every side, on the ``proposals`` asked for, or
    else those of the ``negotiations``, or every proposal. Kind ``new`` (no
    stance on ``from_date``), ``reversal`` (the sign flips between the two
    dates), else ``shift``; both sides resolved as everywhere
    (``sql.resolution_ctes``). ``positions_between`` are the positions
    standing for the pair's changes dated after ``from_date`` up to
    ``to_date`` inclusive. ``attributions`` keeps only positions of those
    attributions. ``after`` (actor and proposal slug) and ``limit`` fetch one
    page.
    """
    if from_date >= to_date:
        raise ValueError("from_date must be before to_date")
    scope = PairScope(
        actors=ids(actors),
        proposals=ids(proposals),
        negotiations=ids(negotiations),
        attributions=attributions,
        columns=PAIR_COLUMNS,
    )
    conditions = [scope.where, SIDES_ONLY]
    params = scope.params | {
        "from_date": from_date,
        "to_date": to_date,
    }
    if actors is None and negotiations is not None:
        participant = f"""EXISTS (SELECT 1 FROM {PARTICIPANTS} np
            WHERE np.negotiation_id = pr.negotiation_id AND np.actor_id = a.id)"""  # noqa: S608
        conditions.append(participant)
    if after is not None:
        conditions.append(
            "(a.slug > %(after_actor)s"
            " OR (a.slug = %(after_actor)s AND pr.slug > %(after_proposal)s))"
        )
        params |= {"after_actor": after[0], "after_proposal": after[1]}
    # Two index probes per candidate pair; only pairs with a position in
    # (from_date, to_date] can differ, and only their dates from the last
    # one on or before from_date (if any) to the last one on or before
    # to_date are resolved: the first of them stands on from_date, the last
    # on to_date. Picked by conditional aggregates, as joining the resolved
    # dates to themselves made PostgreSQL loop over them. The moved pairs are
    # materialized: inlined, PostgreSQL probed every position of the table.
    at_from = "stated_on <= %(from_date)s"
    at_to = "next_stated_on IS NULL"
    changed_between = (
        "stated_on > %(from_date)s AND (from_stance IS NULL OR from_stance <> stance)"
    )
    history = f"""moved_pairs m
        JOIN {scope.positions} p ON p.actor_id = m.actor_id AND p.proposal_id = m.proposal_id
         AND p.stated_on >= COALESCE(m.from_latest, %(from_date)s)
         AND p.stated_on <= m.to_latest"""
    sql = f"""
    WITH pairs AS (
        SELECT a.id AS actor_id, pr.id AS proposal_id,
               (SELECT MAX(p.stated_on) FROM {scope.positions} p
                WHERE p.actor_id = a.id AND p.proposal_id = pr.id
                  AND p.stated_on <= %(from_date)s) AS from_latest,
               (SELECT MAX(p.stated_on) FROM {scope.positions} p
                WHERE p.actor_id = a.id AND p.proposal_id = pr.id
                  AND p.stated_on > %(from_date)s
                  AND p.stated_on <= %(to_date)s) AS to_latest
        FROM {actor_table()} a CROSS JOIN {proposal_table()} pr
        WHERE {" AND ".join(conditions)}
    ),
    moved_pairs AS MATERIALIZED (SELECT * FROM pairs WHERE to_latest IS NOT NULL),
    {resolution_ctes(history)},
    {SEQUENCED_CTE},
    compared AS (
        SELECT actor_id, proposal_id,
               MAX(CASE WHEN {at_from} THEN stance END) AS from_stance,
               MAX(CASE WHEN {at_from} THEN stated_on END) AS from_stated_on,
               MAX(CASE WHEN {at_from} THEN position_id END) AS from_position_id,
               MAX(CASE WHEN {at_from} THEN disputed END) AS from_disputed,
               MAX(CASE WHEN {at_from} THEN resolution END) AS from_resolution,
               MAX(CASE WHEN {at_to} THEN stance END) AS to_stance,
               MAX(CASE WHEN {at_to} THEN stated_on END) AS to_stated_on,
               MAX(CASE WHEN {at_to} THEN position_id END) AS to_position_id,
               MAX(CASE WHEN {at_to} THEN disputed END) AS to_disputed,
               MAX(CASE WHEN {at_to} THEN resolution END) AS to_resolution,
               {id_list(f"CASE WHEN {changed_between} THEN position_id END")}
                   AS between_ids
        FROM sequenced
        GROUP BY actor_id, proposal_id
    )
    SELECT {select_list(DiffRow)}
    FROM compared r
    JOIN {actor_table()} a ON a.id = r.actor_id
    JOIN {proposal_table()} pr ON pr.id = r.proposal_id
    WHERE r.from_stance IS NULL OR r.from_stance <> r.to_stance
    ORDER BY a.slug, pr.slug
    {limit_clause(limit)}
    """  # noqa: S608
    return fetch_rows(DiffRow, sql, params)
