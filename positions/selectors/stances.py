"""Stances in time: every position of a pair, the resolved stance of each
day, and the as-of stance on a date. Computed in the database.

The rules are those of DESIGN.md ("Derived views"): a pair is an (actor,
proposal); its timeline is its positions by (``stated_on``, ``id``); the
resolved stance of a day is written once, in ``sql.resolution_ctes``; the
as-of stance on D is the resolved stance of the pair's latest date on or
before D.
"""

import datetime
from collections.abc import Iterable

from actors.models import Actor
from positions.models import Negotiation, Proposal
from positions.selectors.rows import ResolvedStance
from positions.selectors.sql import (
    PAIR_COLUMNS,
    SIDES_ONLY,
    PairScope,
    actor_table,
    fetch_rows,
    ids,
    limit_clause,
    negotiation_ids,
    proposal_table,
    resolution_ctes,
    scoped_positions,
    select_list,
    slug_joins,
)

RESOLUTION_RULE = (
    "When an actor has several positions on one proposal on the same date, only those "
    "of the highest confidence present count, and the stance most of them give stands "
    "for the day (plurality); a tie between stances goes to the stance of the most "
    "recently recorded of the tied positions. If any two positions of that date "
    "disagree, at any confidence, the day is marked disputed and shown with its lowest "
    "and highest stance. The stance as of a date is the one standing for the latest "
    "date on or before it."
)


def resolved_days(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    stated_from: datetime.date | None = None,
    attributions: Iterable[str] | None = None,
) -> list[ResolvedStance]:
    """The resolved stance of every date of every pair in scope, in time order.

    Plurality within the highest confidence present, a tie going to the
    stance of the highest id (``sql.resolution_ctes``); ``resolution`` says
    which. ``disputed`` is true when the positions of that date do not all
    share one stance. ``stated_from`` (inclusive) leaves out earlier dates.
    """
    scope = PairScope(
        actors=ids(actors),
        proposals=ids(proposals),
        negotiations=negotiation_ids(negotiation, negotiations),
        stated_from=stated_from,
        attributions=attributions,
    )
    sql = f"""
    WITH {resolution_ctes(scoped_positions(scope))}
    SELECT {select_list(ResolvedStance)}
    FROM resolved_days r {slug_joins()}
    ORDER BY r.actor_id, r.proposal_id, r.stated_on
    """  # noqa: S608
    return fetch_rows(ResolvedStance, sql, scope.params)


def stances_as_of(
    *,
    on: datetime.date,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    attributions: Iterable[str] | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[ResolvedStance]:
    """The as-of stance on ``on`` (inclusive) of every pair in scope that has one.

    It is the resolved stance of the pair's latest date on or before ``on``;
    see ``resolved_days`` for the tie-break and the disputed flag. Ordered by
    actor slug, then proposal slug. This is the negotiation's matrix.
    ``after`` (an actor and proposal slug) and ``limit`` fetch one page.
    """
    # One index probe per candidate pair for its latest date (a scan of every
    # position up to ``on`` grows with the whole history: 30 ms and more for
    # one proposal at a million positions), then the few positions of that
    # date are resolved as everywhere else.
    scope = PairScope(
        actors=ids(actors),
        proposals=ids(proposals),
        negotiations=negotiation_ids(negotiation, negotiations),
        attributions=attributions,
        columns=PAIR_COLUMNS,
    )
    conditions = [scope.where, SIDES_ONLY]
    params = scope.params | {"on": on}
    if after is not None:
        conditions.append(
            "(a.slug > %(after_actor)s"
            " OR (a.slug = %(after_actor)s AND pr.slug > %(after_proposal)s))"
        )
        params |= {"after_actor": after[0], "after_proposal": after[1]}
    latest_positions = f"""pairs
        JOIN {scope.positions} p
          ON p.actor_id = pairs.actor_id AND p.proposal_id = pairs.proposal_id
         AND p.stated_on = pairs.latest"""
    sql = f"""
    WITH pairs AS (
        SELECT a.id AS actor_id, pr.id AS proposal_id,
               (SELECT MAX(p.stated_on) FROM {scope.positions} p
                WHERE p.actor_id = a.id AND p.proposal_id = pr.id
                  AND p.stated_on <= %(on)s) AS latest
        FROM {actor_table()} a CROSS JOIN {proposal_table()} pr
        WHERE {" AND ".join(conditions)}
    ),
    {resolution_ctes(latest_positions)}
    SELECT {select_list(ResolvedStance)}
    FROM resolved_days r {slug_joins()}
    ORDER BY a.slug, pr.slug
    {limit_clause(limit)}
    """  # noqa: S608
    return fetch_rows(ResolvedStance, sql, params)
