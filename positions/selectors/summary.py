"""The flip-o-meter: how a side's stance on each proposal moved over a
period, counted from its changes in the database."""

import datetime

from actors.models import Actor
from positions.selectors.changes import classified_changes_ctes
from positions.selectors.rows import ProposalSummary
from positions.selectors.sql import (
    PROPOSAL,
    PairScope,
    date_bounds,
    fetch_rows,
    select_list,
)


def actor_summary(
    *, actor: Actor, since: datetime.date | None, until: datetime.date
) -> list[ProposalSummary]:
    """Per proposal the side has a stance on by ``until``, by proposal slug:
    its as-of stances on ``since`` (None without one, or without ``since``)
    and on ``until``, and its changes dated from ``since`` to ``until``
    (both inclusive; from the first date without ``since``). Shifts and
    reversals count only uncontested changes; contested ones (a from-date or
    to-date resolved by plurality or tie) are counted apart. A first stance
    is no move.
    """
    params: dict = {"until": until, "since": since}
    ctes = classified_changes_ctes(
        PairScope(actors=[actor.pk]), window_start=None, params=params
    )
    period = " AND ".join(
        date_bounds("stated_on", since=since, until=until, params=params)
    )
    since_day = "NULL" if since is None else "%(since)s"
    sql = f"""
    {ctes},
    counted AS (
        SELECT proposal_id,
               SUM(CASE WHEN kind = 'shift' AND contested = 0 THEN 1 ELSE 0 END)
                   AS shifts,
               SUM(CASE WHEN kind = 'reversal' AND contested = 0 THEN 1 ELSE 0 END)
                   AS reversals,
               SUM(CASE WHEN contested = 1 THEN 1 ELSE 0 END) AS contested_changes
        FROM classified
        WHERE kind <> 'initial' AND from_stance <> stance AND {period}
        GROUP BY proposal_id
    ),
    standing AS (
        SELECT proposal_id,
               MAX(CASE WHEN stated_on <= {since_day} THEN stated_on END) AS since_day,
               MAX(CASE WHEN stated_on <= %(until)s THEN stated_on END) AS until_day
        FROM classified
        GROUP BY proposal_id
    )
    SELECT {select_list(ProposalSummary)}
    FROM standing st
    JOIN {PROPOSAL} pr ON pr.id = st.proposal_id
    JOIN classified u ON u.proposal_id = st.proposal_id AND u.stated_on = st.until_day
    LEFT JOIN classified s
      ON s.proposal_id = st.proposal_id AND s.stated_on = st.since_day
    LEFT JOIN counted ct ON ct.proposal_id = st.proposal_id
    ORDER BY pr.slug
    """  # noqa: S608
    return fetch_rows(ProposalSummary, sql, params)
