"""Stance changes: dates whose resolved stance differs from the pair's
previous date's, newest first. Computed in the database."""

import datetime
from collections.abc import Iterable

from actors.models import Actor
from positions.models import Negotiation, Proposal
from positions.selectors.as_of import positions_read
from positions.selectors.rows import Change
from positions.selectors.sql import (
    CONTESTED_RESOLUTIONS,
    SEQUENCED_CTE,
    PairScope,
    date_bounds,
    fetch_rows,
    ids,
    in_list,
    limit_clause,
    negotiation_ids,
    resolution_ctes,
    scoped_positions,
    select_list,
    slug_joins,
    windowed_positions,
    windowed_positions_ctes,
)

CHANGE_KINDS = ("initial", "shift", "reversal")
DEFAULT_CHANGE_KINDS = ("shift", "reversal")

# The latest positions a page of changes is first looked for in.
CHANGE_PAGE_POSITIONS = 200
CHANGE_PAGE_POSITIONS_PER_ROW = 4


def change_list(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    kinds: Iterable[str] = DEFAULT_CHANGE_KINDS,
    contested: bool | None = None,
    attributions: Iterable[str] | None = None,
    after: tuple[datetime.date, int] | None = None,
    limit: int | None = None,
) -> list[Change]:
    """Stance changes, newest first (``changed_on`` desc, then position id desc).

    A change compares the resolved stances of a pair's consecutive dates, over
    the pair's whole history: ``since`` and ``until`` (both inclusive) only
    choose which changes are listed, not which earlier date one is compared
    with. Kind ``reversal`` when from × to < 0, ``shift`` otherwise, and
    ``initial`` for a pair's first date, which is listed only when asked for.
    A change is ``contested`` when its from-date or to-date was resolved by
    plurality or tie, and ``disputed`` when a position of either date
    disagrees; ``contested`` True or False keeps only those, None all.
    ``attributions`` keeps only positions of those attributions (all when
    None). ``after`` (a change date and its position id) and ``limit`` fetch
    one page.
    """
    kinds = list(kinds)
    unknown = set(kinds) - set(CHANGE_KINDS)
    if unknown:
        raise ValueError(f"Unknown change kinds: {sorted(unknown)}")
    if not kinds:
        return []
    arguments = {
        "actors": actors,
        "proposals": proposals,
        "negotiations": negotiation_ids(negotiation, negotiations),
        "since": since,
        "until": until,
        "kinds": kinds,
        "contested": contested,
        "attributions": attributions,
        "after": after,
        "limit": limit,
    }
    if limit is None:
        # Every change from ``since`` on: the history before it is read only
        # for each pair's last date before ``since``.
        return _changes(**arguments, window_start=since)
    # A page, newest first: first try the period of the latest positions in
    # scope (its changes are exact, each compared with its pair's last date
    # before the period), and only if it holds too few, the whole history.
    ends = [day for day in (until, after[0] if after else None) if day is not None]
    recent = recent_period_start(
        actors=actors,
        proposals=proposals,
        negotiations=arguments["negotiations"],
        until=min(ends, default=None),
        positions=CHANGE_PAGE_POSITIONS_PER_ROW * limit + CHANGE_PAGE_POSITIONS,
        attributions=attributions,
    )
    if recent is None or (since is not None and since >= recent):
        return _changes(**arguments, window_start=since)
    found = _changes(**arguments, window_start=recent)
    if len(found) == limit:
        return found
    return _changes(**arguments, window_start=since)


def recent_period_start(
    *,
    positions: int,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiations: Iterable[int] | None = None,
    until: datetime.date | None = None,
    attributions: Iterable[str] | None = None,
) -> datetime.date | None:
    """The date of the ``positions``-th latest position in scope (on or before
    ``until``), or None when there are no more: pages show the period from
    then on instead of decades of history."""
    recent = positions_read()
    if actors is not None:
        recent = recent.filter(actor__in=ids(actors))
    if proposals is not None:
        recent = recent.filter(proposal__in=ids(proposals))
    if negotiations is not None:
        recent = recent.filter(proposal__negotiation__in=negotiations)
    if until is not None:
        recent = recent.filter(stated_on__lte=until)
    if attributions:
        recent = recent.filter(attribution__in=list(attributions))
    return (
        recent.order_by("-stated_on", "-id")
        .values_list("stated_on", flat=True)[positions : positions + 1]
        .first()
    )


def classified_changes_ctes(scope: PairScope, *, window_start, params: dict) -> str:
    """``WITH …, classified AS (…)``: every resolved date of the pairs in
    ``scope`` with its previous date's stance, its ``kind`` and its flags.

    With ``window_start``, only dates from then on are read (each compared
    with its pair's last date before it) and kept, the rest of the history
    is not read. ``disputed_change``: a position of the from-date or the
    to-date disagrees; ``contested``: the from-date or the to-date was
    resolved by plurality or tie.
    """
    params.update(scope.params)
    if window_start is None:
        source = f"WITH {resolution_ctes(scoped_positions(scope))}"
        kept = "1 = 1"
    else:
        source = (
            f"WITH {windowed_positions_ctes(scope)},"
            f" {resolution_ctes(windowed_positions(scope))}"
        )
        params["window_start"] = window_start
        # Earlier dates only gave the first dates of the period their "from".
        kept = "stated_on >= %(window_start)s"
    return f"""
    {source},
    {SEQUENCED_CTE},
    {classified_cte(params, kept=kept)}"""


def classified_cte(params: dict, *, kept: str = "1 = 1") -> str:
    """``classified``: the rows of ``sequenced`` (``kept`` ones) with their
    ``kind``, ``disputed_change`` and ``contested`` (see
    ``classified_changes_ctes``)."""
    contested = in_list("resolution", "contested", CONTESTED_RESOLUTIONS, params)
    from_contested = in_list(
        "from_resolution", "from_contested", CONTESTED_RESOLUTIONS, params
    )
    return f"""
    classified AS (
        SELECT sequenced.*,
               CASE
                   WHEN from_stance IS NULL THEN 'initial'
                   WHEN from_stance * stance < 0 THEN 'reversal'
                   ELSE 'shift'
               END AS kind,
               CASE WHEN disputed = 1 OR from_disputed = 1 THEN 1 ELSE 0 END
                   AS disputed_change,
               CASE WHEN {contested} OR {from_contested} THEN 1 ELSE 0 END
                   AS contested
        FROM sequenced
        WHERE {kept}
    )"""  # noqa: S608


def _changes(
    *,
    actors,
    proposals,
    negotiations,
    since,
    until,
    kinds,
    contested,
    attributions,
    after,
    limit,
    window_start=None,
) -> list[Change]:
    scope = PairScope(
        actors=ids(actors),
        proposals=ids(proposals),
        negotiations=negotiations,
        attributions=attributions,
    )
    params: dict = {}
    ctes = classified_changes_ctes(scope, window_start=window_start, params=params)
    conditions = ["(r.from_stance IS NULL OR r.from_stance <> r.stance)"]
    conditions += date_bounds("r.stated_on", since=since, until=until, params=params)
    conditions.append(in_list("r.kind", "kind", kinds, params))
    if contested is not None:
        conditions.append("r.contested = %(contested_flag)s")
        params["contested_flag"] = 1 if contested else 0
    if after is not None:
        conditions.append(
            "(r.stated_on < %(after_day)s"
            " OR (r.stated_on = %(after_day)s AND r.position_id < %(after_id)s))"
        )
        params |= {"after_day": after[0], "after_id": after[1]}
    sql = f"""
    {ctes}
    SELECT {select_list(Change)}
    FROM classified r {slug_joins()}
    WHERE {" AND ".join(conditions)}
    ORDER BY r.stated_on DESC, r.position_id DESC
    {limit_clause(limit)}
    """  # noqa: S608
    return fetch_rows(Change, sql, params)
