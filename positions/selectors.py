"""Reads across models, and the analysis of stances, computed in the database.

The rules are those of DESIGN.md:

- A pair is an (actor, proposal). Its *timeline* is its positions ordered by
  (``stated_on``, ``id``).
- The *resolved stance of a day*: of a pair's positions on one date, the one
  with the highest confidence stands for the day, then the highest id (the
  most recently recorded). The day is *disputed* when those positions do not
  all have the same stance.
- The *as-of stance* on D is the resolved stance of the pair's latest date
  on or before D (inclusive).
- A *change* is a date whose resolved stance differs from the pair's previous
  date's: ``reversal`` when the sign flips (from × to < 0), ``shift``
  otherwise; a pair's first date is ``initial``.
- The *gap* between actors a and b on D is the mean absolute difference of
  their as-of stances over the proposals both have one on; null when none.

Everything here is one SQL statement of window functions (ROW_NUMBER, MIN,
MAX, LAG, LEAD) that runs unchanged on SQLite ≥ 3.25 and PostgreSQL. The
statements are assembled from table and column names of the models and %s
placeholders only; every value travels as a parameter (hence the nosec).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from django.db import connection
from django.db.models import Count, Q

from actors.models import Actor
from positions.models import (
    Article,
    Negotiation,
    Position,
    PositionQuerySet,
    Proposal,
    Stance,
)

CHANGE_KINDS = ("initial", "shift", "reversal")
DEFAULT_CHANGE_KINDS = ("shift", "reversal")

RESOLUTION_RULE = (
    "When an actor has several positions on one proposal on the same date, the one "
    "with the highest confidence stands for the day, then the most recently recorded. "
    "If they disagree, the day is marked disputed. The stance as of a date is the one "
    "standing for the latest date on or before it."
)


@dataclass(frozen=True)
class ResolvedStance:
    actor_id: int
    actor_slug: str
    proposal_id: int
    proposal_slug: str
    stated_on: datetime.date
    stance: int
    position_id: int
    disputed: bool
    actor_name: str = ""
    actor_short_name: str = ""
    proposal_title: str = ""

    @property
    def stance_label(self) -> str:
        return Stance(self.stance).label

    @property
    def actor_label(self) -> str:
        return self.actor_short_name or self.actor_name


@dataclass(frozen=True)
class Change:
    actor_id: int
    actor_slug: str
    proposal_id: int
    proposal_slug: str
    kind: str
    changed_on: datetime.date
    from_stance: int | None
    to_stance: int
    from_position_id: int | None
    to_position_id: int
    disputed: bool
    actor_name: str = ""
    actor_short_name: str = ""
    proposal_title: str = ""

    @property
    def actor_label(self) -> str:
        return self.actor_short_name or self.actor_name

    @property
    def from_label(self) -> str:
        return "" if self.from_stance is None else Stance(self.from_stance).label

    @property
    def to_label(self) -> str:
        return Stance(self.to_stance).label


@dataclass(frozen=True)
class GapPoint:
    date: datetime.date
    gap: float | None
    proposals: int


def _ids(objects: Iterable | None) -> list[int] | None:
    if objects is None:
        return None
    return [getattr(obj, "pk", obj) for obj in objects]


def _as_date(value) -> datetime.date:
    # SQLite hands computed date columns back as ISO text.
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


# The columns a scope names actors, proposals and negotiations by: those of
# positions (p, joined to their proposal pr), or of candidate pairs (actor a
# × proposal pr).
POSITION_COLUMNS = ("p.actor_id", "p.proposal_id", "pr.negotiation_id")
PAIR_COLUMNS = ("a.id", "pr.id", "pr.negotiation_id")


class _PairScope:
    """The WHERE clause choosing which positions (and so which pairs) take part."""

    def __init__(
        self,
        *,
        actors: Sequence[int] | None = None,
        proposals: Sequence[int] | None = None,
        negotiations: Sequence[int] | None = None,
        stated_from: datetime.date | None = None,
        columns: tuple[str, str, str] = POSITION_COLUMNS,
    ):
        self.conditions: list[str] = []
        self.params: list = []
        for column, ids in zip(columns, (actors, proposals, negotiations), strict=True):
            if ids is not None:
                if not ids:
                    self.conditions.append("1 = 0")
                    continue
                self.conditions.append(f"{column} IN ({', '.join(['%s'] * len(ids))})")
                self.params.extend(ids)
        if stated_from is not None:
            self.conditions.append("p.stated_on >= %s")
            self.params.append(stated_from)

    @property
    def where(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "1 = 1"


def _resolved_days_cte(scope: _PairScope, *, window: bool = False) -> str:
    """The resolved days of the positions in ``scope``. With ``window``, only
    of the pairs with a position on or after a start date (the first extra
    parameter, repeated twice more), each from its last date before it, so
    that changes from the start on compare with the right earlier stance; the
    rest of the history is not read."""
    position = Position._meta.db_table
    proposal = Proposal._meta.db_table
    source = f"""{position} p
        JOIN {proposal} pr ON pr.id = p.proposal_id
        WHERE {scope.where}"""
    pairs = ""
    if window:
        pairs = f"""
    window_pairs AS (
        SELECT DISTINCT p.actor_id, p.proposal_id
        FROM {position} p
        JOIN {proposal} pr ON pr.id = p.proposal_id
        WHERE {scope.where} AND p.stated_on >= %s
    ),
    bounded_pairs AS (
        SELECT w.actor_id, w.proposal_id,
               COALESCE((SELECT MAX(q.stated_on) FROM {position} q
                         WHERE q.actor_id = w.actor_id
                           AND q.proposal_id = w.proposal_id
                           AND q.stated_on < %s), %s) AS history_start
        FROM window_pairs w
    ),"""  # nosec B608
        source = f"""bounded_pairs b
        JOIN {position} p ON p.actor_id = b.actor_id
         AND p.proposal_id = b.proposal_id AND p.stated_on >= b.history_start"""
    return f"""{pairs}
    day_ranked AS (
        SELECT p.id, p.actor_id, p.proposal_id, p.stated_on, p.stance,
               ROW_NUMBER() OVER (
                   PARTITION BY p.actor_id, p.proposal_id, p.stated_on
                   ORDER BY p.confidence DESC, p.id DESC
               ) AS day_rank,
               MIN(p.stance) OVER (
                   PARTITION BY p.actor_id, p.proposal_id, p.stated_on
               ) AS day_low,
               MAX(p.stance) OVER (
                   PARTITION BY p.actor_id, p.proposal_id, p.stated_on
               ) AS day_high
        FROM {source}
    ),
    resolved_days AS (
        SELECT id AS position_id, actor_id, proposal_id, stated_on, stance,
               CASE WHEN day_low <> day_high THEN 1 ELSE 0 END AS disputed
        FROM day_ranked
        WHERE day_rank = 1
    )"""  # nosec B608


def _slug_joins() -> str:
    return (
        f"JOIN {Actor._meta.db_table} a ON a.id = r.actor_id "
        f"JOIN {Proposal._meta.db_table} pr ON pr.id = r.proposal_id"
    )


def _limit_clause(limit: int | None) -> str:
    return "" if limit is None else f"LIMIT {int(limit)}"


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows_as(row_type, rows: list[tuple]) -> list:
    """Rows whose columns come in the dataclass's field order, typed: SQLite
    hands back computed dates as text and flags as 0/1."""
    kinds = {field.name: field.type for field in fields(row_type)}
    names = list(kinds)
    converted = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for name, kind in kinds.items():
            if kind is datetime.date and values[name] is not None:
                values[name] = _as_date(values[name])
            elif kind is bool:
                values[name] = bool(values[name])
        converted.append(row_type(**values))
    return converted


def _resolved_from_rows(rows: list[tuple]) -> list[ResolvedStance]:
    return _rows_as(ResolvedStance, rows)


_RESOLVED_COLUMNS = (
    "r.actor_id, a.slug, r.proposal_id, pr.slug, r.stated_on, r.stance, "
    "r.position_id, r.disputed, a.name, a.short_name, pr.title"
)


def position_timeline(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    stated_after: datetime.date | None = None,
    stated_before: datetime.date | None = None,
) -> PositionQuerySet:
    """Positions grouped by pair, each pair in time order (``stated_on``, then ``id``).

    ``stated_after`` and ``stated_before`` are inclusive. Every position is a
    point, including several on one day; see ``resolved_days`` for one per day.
    """
    positions = Position.objects.select_related("actor", "proposal__negotiation")
    if actors is not None:
        positions = positions.filter(actor__in=_ids(actors))
    if proposals is not None:
        positions = positions.filter(proposal__in=_ids(proposals))
    negotiation_ids = _negotiation_ids(negotiation, negotiations)
    if negotiation_ids is not None:
        positions = positions.filter(proposal__negotiation__in=negotiation_ids)
    if stated_after is not None:
        positions = positions.filter(stated_on__gte=stated_after)
    if stated_before is not None:
        positions = positions.filter(stated_on__lte=stated_before)
    return positions.in_timeline_order()


def resolved_days(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    stated_from: datetime.date | None = None,
) -> list[ResolvedStance]:
    """The resolved stance of every date of every pair in scope, in time order.

    Tie-break: highest confidence, then highest id. ``disputed`` is true when
    the positions of that date do not all share one stance. ``stated_from``
    (inclusive) leaves out earlier dates.
    """
    scope = _PairScope(
        actors=_ids(actors),
        proposals=_ids(proposals),
        negotiations=_negotiation_ids(negotiation, negotiations),
        stated_from=stated_from,
    )
    sql = f"""
    WITH {_resolved_days_cte(scope)}
    SELECT {_RESOLVED_COLUMNS}
    FROM resolved_days r {_slug_joins()}
    ORDER BY r.actor_id, r.proposal_id, r.stated_on
    """  # nosec B608
    return _resolved_from_rows(_fetch(sql, scope.params))


def stances_as_of(
    *,
    on: datetime.date,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
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
    position, proposal = Position._meta.db_table, Proposal._meta.db_table
    scope = _PairScope(
        actors=_ids(actors),
        proposals=_ids(proposals),
        negotiations=_negotiation_ids(negotiation, negotiations),
        columns=PAIR_COLUMNS,
    )
    conditions = [scope.where, "a.kind <> %s"]
    params = [*scope.params, Actor.Kind.PERSON.value]
    if after is not None:
        conditions.append("(a.slug > %s OR (a.slug = %s AND pr.slug > %s))")
        params.extend([after[0], after[0], after[1]])
    sql = f"""
    WITH pairs AS (
        SELECT a.id AS actor_id, pr.id AS proposal_id,
               (SELECT MAX(p.stated_on) FROM {position} p
                WHERE p.actor_id = a.id AND p.proposal_id = pr.id
                  AND p.stated_on <= %s) AS latest
        FROM {Actor._meta.db_table} a CROSS JOIN {proposal} pr
        WHERE {" AND ".join(conditions)}
    ),
    day_ranked AS (
        SELECT p.id AS position_id, p.actor_id, p.proposal_id, p.stated_on,
               p.stance,
               ROW_NUMBER() OVER (
                   PARTITION BY p.actor_id, p.proposal_id
                   ORDER BY p.confidence DESC, p.id DESC
               ) AS day_rank,
               CASE WHEN MIN(p.stance) OVER (PARTITION BY p.actor_id, p.proposal_id)
                       <> MAX(p.stance) OVER (PARTITION BY p.actor_id, p.proposal_id)
                    THEN 1 ELSE 0 END AS disputed
        FROM pairs
        JOIN {position} p
          ON p.actor_id = pairs.actor_id AND p.proposal_id = pairs.proposal_id
         AND p.stated_on = pairs.latest
    )
    SELECT {_RESOLVED_COLUMNS}
    FROM day_ranked r {_slug_joins()}
    WHERE r.day_rank = 1
    ORDER BY a.slug, pr.slug
    {_limit_clause(limit)}
    """  # nosec B608
    return _resolved_from_rows(_fetch(sql, [on, *params]))


def _sequenced_cte() -> str:
    return """
    sequenced AS (
        SELECT resolved_days.*,
               LAG(stance) OVER pair_in_time AS from_stance,
               LAG(position_id) OVER pair_in_time AS from_position_id,
               LEAD(stated_on) OVER pair_in_time AS next_stated_on
        FROM resolved_days
        WINDOW pair_in_time AS (PARTITION BY actor_id, proposal_id ORDER BY stated_on)
    )"""


def change_list(
    *,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiation: Negotiation | None = None,
    negotiations: Iterable[Negotiation] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    kinds: Iterable[str] = DEFAULT_CHANGE_KINDS,
    after: tuple[datetime.date, int] | None = None,
    limit: int | None = None,
) -> list[Change]:
    """Stance changes, newest first (``changed_on`` desc, then position id desc).

    A change compares the resolved stances of a pair's consecutive dates, over
    the pair's whole history: ``since`` and ``until`` (both inclusive) only
    choose which changes are listed, not which earlier date one is compared
    with. Kind ``reversal`` when from × to < 0, ``shift`` otherwise, and
    ``initial`` for a pair's first date, which is listed only when asked for.
    ``after`` (a change date and its position id) and ``limit`` fetch one page.
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
        "negotiations": _negotiation_ids(negotiation, negotiations),
        "since": since,
        "until": until,
        "kinds": kinds,
        "after": after,
        "limit": limit,
    }
    if limit is None:
        return _changes(**arguments)
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
    )
    if recent is None or (since is not None and since >= recent):
        return _changes(**arguments, window_start=since)
    found = _changes(**arguments, window_start=recent)
    if len(found) == limit:
        return found
    return _changes(**arguments, window_start=since)


# The latest positions a page of changes is first looked for in.
CHANGE_PAGE_POSITIONS = 200
CHANGE_PAGE_POSITIONS_PER_ROW = 4


def recent_period_start(
    *,
    positions: int,
    actors: Iterable[Actor] | None = None,
    proposals: Iterable[Proposal] | None = None,
    negotiations: Iterable[int] | None = None,
    until: datetime.date | None = None,
) -> datetime.date | None:
    """The date of the ``positions``-th latest position in scope (on or before
    ``until``), or None when there are no more: pages show the period from
    then on instead of decades of history."""
    recent = Position.objects.all()
    if actors is not None:
        recent = recent.filter(actor__in=_ids(actors))
    if proposals is not None:
        recent = recent.filter(proposal__in=_ids(proposals))
    if negotiations is not None:
        recent = recent.filter(proposal__negotiation__in=negotiations)
    if until is not None:
        recent = recent.filter(stated_on__lte=until)
    return (
        recent.order_by("-stated_on", "-id")
        .values_list("stated_on", flat=True)[positions : positions + 1]
        .first()
    )


def _changes(
    *,
    actors,
    proposals,
    negotiations,
    since,
    until,
    kinds,
    after,
    limit,
    window_start=None,
) -> list[Change]:
    scope = _PairScope(
        actors=_ids(actors),
        proposals=_ids(proposals),
        negotiations=negotiations,
    )
    conditions = ["(r.from_stance IS NULL OR r.from_stance <> r.stance)"]
    params = list(scope.params)
    if window_start is not None:
        params.extend([window_start] * 3)
        # Earlier dates only gave the first dates of the period their "from".
        conditions.append("r.stated_on >= %s")
        params.append(window_start)
    if since is not None:
        conditions.append("r.stated_on >= %s")
        params.append(since)
    if until is not None:
        conditions.append("r.stated_on <= %s")
        params.append(until)
    conditions.append(f"r.kind IN ({', '.join(['%s'] * len(kinds))})")
    params.extend(kinds)
    if after is not None:
        conditions.append(
            "(r.stated_on < %s OR (r.stated_on = %s AND r.position_id < %s))"
        )
        params.extend([after[0], after[0], after[1]])
    sql = f"""
    WITH {_resolved_days_cte(scope, window=window_start is not None)},
    {_sequenced_cte()},
    classified AS (
        SELECT sequenced.*,
               CASE
                   WHEN from_stance IS NULL THEN 'initial'
                   WHEN from_stance * stance < 0 THEN 'reversal'
                   ELSE 'shift'
               END AS kind
        FROM sequenced
    )
    SELECT r.actor_id, a.slug, r.proposal_id, pr.slug, r.kind, r.stated_on,
           r.from_stance, r.stance, r.from_position_id, r.position_id, r.disputed,
           a.name, a.short_name, pr.title
    FROM classified r {_slug_joins()}
    WHERE {" AND ".join(conditions)}
    ORDER BY r.stated_on DESC, r.position_id DESC
    {_limit_clause(limit)}
    """  # nosec B608
    return _rows_as(Change, _fetch(sql, params))


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
    scope = _PairScope(
        actors=[a.pk, b.pk], negotiations=_negotiation_ids(negotiation, negotiations)
    )
    params = [*scope.params, a.pk, b.pk]
    day_conditions = []
    if since is not None:
        day_conditions.append("day >= %s")
        params.append(since)
    if until is not None:
        day_conditions.append("day <= %s")
        params.append(until)
    where = " AND ".join(day_conditions) if day_conditions else "1 = 1"
    # Linear in the two actors' changes: per proposal, each side's as-of
    # stance is carried forward to every change of either side (a running
    # count numbers the stretches a value holds), each change adds its
    # difference minus the one it replaces, and running sums over the dates
    # give the total and the number of shared proposals. Joining every date
    # to every stance that holds on it was quadratic: minutes on PostgreSQL
    # at a few thousand positions.
    sql = f"""
    WITH {_resolved_days_cte(scope)}, {_sequenced_cte()},
    events AS (
        SELECT proposal_id, stated_on AS day,
               MAX(CASE WHEN actor_id = %s THEN stance END) AS a_new,
               MAX(CASE WHEN actor_id = %s THEN stance END) AS b_new
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
    """  # nosec B608
    return [
        GapPoint(
            date=_as_date(day),
            gap=None if not shared else float(total) / int(shared),
            proposals=int(shared),
        )
        for day, total, shared in _fetch(sql, params)
    ]


def _negotiation_ids(negotiation, negotiations) -> list[int] | None:
    """One negotiation, several (OR), or None for all."""
    ids = _ids(negotiations)
    if negotiation is not None:
        ids = (ids or []) + [getattr(negotiation, "pk", negotiation)]
    return ids


def deleted_positions():
    """Deletion records of positions that do not exist now, newest first."""
    return (
        Position.history.filter(history_type="-")
        .exclude(id__in=Position.objects.values("id"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def home_overview() -> dict:
    """Negotiations, the latest stance changes and the latest articles."""
    return {
        "negotiations": Negotiation.objects.prefetch_related("proposals"),
        "changes": change_list(limit=10),
        "resolution_rule": RESOLUTION_RULE,
        "articles": Article.objects.with_position_count().order_by(
            "-published_on", "-id"
        )[:10],
    }


def position_history(*, position_id: int):
    """Every recorded version of a position, oldest first, with who saved it."""
    return (
        Position.history.filter(id=position_id)
        .select_related("history_user", "actor", "proposal", "speaker")
        .order_by("history_date", "history_id")
    )


# A position as the API shows it, as plain values: a page of 50 model
# instances with four related ones each costs more than the query itself.
POSITION_READ_COLUMNS = (
    "id",
    "actor__slug",
    "proposal__slug",
    "proposal__negotiation__slug",
    "stance",
    "stated_on",
    "article_id",
    "speaker__slug",
    "quote",
    "note",
    "confidence",
    "version",
    "created_at",
    "updated_at",
)


def position_read_rows(positions: PositionQuerySet):
    """``positions`` (filtered and ordered) as dicts of POSITION_READ_COLUMNS."""
    return positions.values(*POSITION_READ_COLUMNS)


def position_read_row(position_id: int) -> dict | None:
    """One position as ``position_read_rows`` gives it. Plain SQL: building
    the ORM query took longer than running it, and this is the hottest read."""
    rows = _fetch(_POSITION_READ_SQL, [position_id])
    if not rows:
        return None
    row = dict(zip(POSITION_READ_COLUMNS, rows[0], strict=True))
    row["stated_on"] = _as_date(row["stated_on"])
    row["created_at"] = _as_aware(row["created_at"])
    row["updated_at"] = _as_aware(row["updated_at"])
    return row


def _as_aware(value) -> datetime.datetime:
    # SQLite hands back naive UTC, as text when computed.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


_POSITION_READ_SQL = f"""
    SELECT p.id, a.slug, pr.slug, n.slug, p.stance, p.stated_on, p.article_id,
           s.slug, p.quote, p.note, p.confidence, p.version, p.created_at,
           p.updated_at
    FROM {Position._meta.db_table} p
    JOIN {Actor._meta.db_table} a ON a.id = p.actor_id
    JOIN {Proposal._meta.db_table} pr ON pr.id = p.proposal_id
    JOIN {Negotiation._meta.db_table} n ON n.id = pr.negotiation_id
    LEFT JOIN {Actor._meta.db_table} s ON s.id = p.speaker_id
    WHERE p.id = %s"""  # nosec B608


def positions_for_export(positions: PositionQuerySet):
    """The rows of a positions CSV, streamed from the database in chunks."""
    return positions.select_related(
        "actor", "proposal__negotiation", "speaker", "article"
    ).iterator(chunk_size=2000)


# --- pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    participants: list[Actor]
    proposals: list[Proposal]
    rows: list[tuple[Actor, list[ResolvedStance | None]]]


def negotiation_matrix(*, negotiation: Negotiation, on: datetime.date) -> Matrix:
    """Participants × proposals, each cell the as-of stance on ``on`` or None."""
    participants = list(negotiation.participants.order_by("name"))
    proposals = list(negotiation.proposals.order_by("title"))
    stances = {
        (s.actor_id, s.proposal_id): s
        for s in stances_as_of(on=on, negotiation=negotiation, actors=participants)
    }
    rows = [
        (actor, [stances.get((actor.pk, proposal.pk)) for proposal in proposals])
        for actor in participants
    ]
    return Matrix(participants=participants, proposals=proposals, rows=rows)


def main_parties(*, negotiation: Negotiation) -> list[Actor]:
    """The two participants with the most positions in the negotiation."""
    # Counted over the positions' (proposal, actor) index alone, then matched
    # to the participants: joining participants to their positions first made
    # PostgreSQL hash a million rows.
    counts = dict(
        Position.objects.filter(
            proposal__in=Proposal.objects.filter(negotiation=negotiation).values("id")
        )
        .values_list("actor_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    participants = negotiation.participants.all()
    ranked = sorted(
        (actor for actor in participants if counts.get(actor.pk)),
        key=lambda actor: (-counts[actor.pk], actor.name),
    )
    return ranked[:2]


def positions_by_id(ids: Iterable[int]) -> dict[int, Position]:
    """Positions for chart tooltips and matrix links, in one query."""
    return Position.objects.select_related("article", "speaker").in_bulk(list(ids))


def proposal_positions(*, proposal: Proposal) -> PositionQuerySet:
    return (
        Position.objects.filter(proposal=proposal)
        .select_related("actor", "speaker", "article")
        .order_by("-stated_on", "-id")
    )


def actor_positions(*, actor: Actor) -> PositionQuerySet:
    """Positions where the actor is the side or the speaker, newest first."""
    return (
        Position.objects.filter(Q(actor=actor) | Q(speaker=actor))
        .select_related("actor", "proposal", "speaker", "article")
        .order_by("-stated_on", "-id")
    )


def actor_proposals(*, actor: Actor) -> list[Proposal]:
    """Proposals the actor has positions on, by title."""
    return list(
        Proposal.objects.filter(positions__actor=actor)
        .select_related("negotiation")
        .distinct()
        .order_by("title")
    )


def article_positions(*, article: Article) -> PositionQuerySet:
    return article.positions.select_related("actor", "proposal", "speaker").order_by(
        "stated_on", "id"
    )


def position_detail(*, position_id: int) -> Position:
    return Position.objects.select_related(
        "actor", "proposal__negotiation", "speaker", "article", "recorded_by"
    ).get(pk=position_id)


@dataclass(frozen=True)
class SearchResults:
    actors: list
    proposals: list
    articles: list
    positions: list

    @property
    def total(self) -> int:
        return sum(
            map(len, (self.actors, self.proposals, self.articles, self.positions))
        )


def search_everything(*, query: str, limit: int = 20) -> SearchResults:
    """Actors (names and aliases), proposals, articles and quotes matching ``query``.

    On PostgreSQL articles and quotes use full-text search (stemmed, ranked);
    on SQLite a case-insensitive substring match stands in. One code path,
    chosen by the database in use.
    """
    query = query.strip()
    if not query:
        return SearchResults([], [], [], [])
    if connection.vendor == "postgresql":
        articles, positions = _full_text(query, limit)
    else:
        articles = list(Article.objects.search(query)[:limit])
        positions = list(
            Position.objects.search(query)
            .select_related("actor", "proposal", "article", "speaker")
            .order_by("-stated_on", "-id")[:limit]
        )
    return SearchResults(
        actors=list(Actor.objects.search(query)[:limit]),
        proposals=list(
            Proposal.objects.search(query).select_related("negotiation")[:limit]
        ),
        articles=articles,
        positions=positions,
    )


def _full_text(query: str, limit: int):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    search = SearchQuery(query, search_type="websearch", config="english")
    article_vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "summary", "body", weight="B", config="english"
    )
    articles = list(
        Article.objects.annotate(rank=SearchRank(article_vector, search))
        .filter(rank__gt=0)
        .order_by("-rank", "-published_on")[:limit]
    )
    position_vector = SearchVector("quote", "note", config="english")
    positions = list(
        Position.objects.annotate(rank=SearchRank(position_vector, search))
        .filter(rank__gt=0)
        .select_related("actor", "proposal", "article", "speaker")
        .order_by("-rank", "-stated_on")[:limit]
    )
    return articles, positions
