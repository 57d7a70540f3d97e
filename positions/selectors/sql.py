"""The SQL the analyses share: the scope of pairs, the resolution of a day,
and typed rows.

Statements are assembled from the models' table names and fixed column
names; every value travels as a named parameter (``%(name)s`` with a dict),
so a placeholder cannot drift from its value. SELECT lists are generated from
the row dataclasses (``select_list``) and rows are read back by column name,
so a column cannot be matched to the wrong field.
"""

import datetime
import io
import typing
from collections.abc import Iterable, Sequence
from dataclasses import field, fields

from django.db import connections, router

from actors.models import Actor
from config.lib import prepared
from positions.models import Negotiation, Position, Proposal
from positions.position_fields import as_date
from positions.selectors.as_of import positions_source, recorded_source


def reading():
    """The connection the request reads positions from: with read replicas
    the router's choice, which the ORM's queries of the request share."""
    return connections[router.db_for_read(Position)]


POSITION = Position._meta.db_table
PARTICIPANTS = Negotiation.participants.through._meta.db_table

# The columns a scope names actors, proposals and negotiations by: those of
# positions (p, joined to their proposal pr), or of candidate pairs (actor a
# × proposal pr).
POSITION_COLUMNS = ("p.actor_id", "p.proposal_id", "pr.negotiation_id")
PAIR_COLUMNS = ("a.id", "pr.id", "pr.negotiation_id")
# Sides only: a person is never a side. The kind is a constant of the
# schema, written into the text rather than passed: as a parameter its
# selectivity is unknown to a prepared statement's generic plan, and
# PostgreSQL then re-planned the as-of query on every run (0.9 ms of 2.3).
SIDES_ONLY = f"a.kind <> '{Actor.Kind.PERSON.value}'"


def column(sql: str):
    """A dataclass field read from the SQL expression ``sql``."""
    return field(metadata={"sql": sql})


def select_list(row_type) -> str:
    """The SELECT list of ``row_type``'s fields that are read from SQL."""
    return ", ".join(
        f"{f.metadata['sql']} AS {f.name}"
        for f in fields(row_type)
        if f.metadata.get("sql")
    )


def _converter(kind):
    # SQLite hands back computed dates as text and flags as 0/1.
    if kind is datetime.date or kind == datetime.date | None:
        return lambda value: None if value is None else as_date(value)
    if kind is bool:
        return bool
    if kind == bool | None:
        return lambda value: None if value is None else bool(value)
    return None


def _converters(row_type) -> dict:
    hints = typing.get_type_hints(row_type)
    return {
        name: converter
        for name, kind in hints.items()
        if (converter := _converter(kind)) is not None
    }


def fetch(sql: str, params: dict) -> list[tuple]:
    with reading().cursor() as cursor:
        prepared.execute(cursor, sql, params)
        return cursor.fetchall()


def copy_csv(sql: str, params: Sequence) -> bytes:
    """The rows of the query ``sql`` as PostgreSQL writes them in CSV
    (``COPY … TO STDOUT``): much faster than reading them into Python. Its
    ``%s`` parameters are bound by psycopg2, as ``execute`` binds them."""
    buffer = io.BytesIO()
    with reading().cursor() as cursor:
        database_cursor = cursor.cursor
        query = database_cursor.mogrify(sql, list(params)).decode()
        database_cursor.copy_expert(
            f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer
        )
    return buffer.getvalue()


def fetch_rows(row_type, sql: str, params: dict) -> list:
    """The rows of ``sql`` as ``row_type``, matched to its fields by column name."""
    converters = _converters(row_type)
    with reading().cursor() as cursor:
        prepared.execute(cursor, sql, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    # Fields not read from SQL (a series' points) come last, with defaults.
    fields_in_order = [f.name for f in fields(row_type) if f.metadata.get("sql")]
    if names != fields_in_order:
        raise ValueError(f"{row_type.__name__}: columns {names} are not its fields")
    # By position, once the names are checked: matching names on every row
    # cost as much as the query for the matrix's 18,000 cells.
    converted = [
        (index, converters[name])
        for index, name in enumerate(names)
        if name in converters
    ]
    if not converted:
        return [row_type(*row) for row in rows]
    typed = []
    for row in rows:
        values = list(row)
        for index, convert in converted:
            values[index] = convert(values[index])
        typed.append(row_type(*values))
    return typed


def in_list(column_sql: str, name: str, values: Sequence, params: dict) -> str:
    """``column IN (%(name_0)s, …)``, its values added to ``params``."""
    names = [f"{name}_{index}" for index in range(len(values))]
    params.update(zip(names, values, strict=True))
    return f"{column_sql} IN ({', '.join(f'%({n})s' for n in names)})"


def date_bounds(column_sql: str, *, since, until, params: dict) -> list[str]:
    """Conditions keeping ``column`` within ``since`` and ``until`` (inclusive)."""
    conditions = []
    if since is not None:
        conditions.append(f"{column_sql} >= %(since)s")
        params["since"] = since
    if until is not None:
        conditions.append(f"{column_sql} <= %(until)s")
        params["until"] = until
    return conditions


def id_list(column_sql: str) -> str:
    """An aggregate of ``column``'s ids as one text, comma-separated
    (``split_ids`` reads it back): each database spells it its own way."""
    if reading().vendor == "postgresql":
        return f"STRING_AGG(CAST({column_sql} AS TEXT), ',')"
    return f"GROUP_CONCAT({column_sql}, ',')"


def split_ids(text: str | None) -> list[int]:
    """The ids of an ``id_list``, ascending."""
    return sorted(int(item) for item in text.split(",")) if text else []


def limit_clause(limit: int | None) -> str:
    return "" if limit is None else f"LIMIT {int(limit)}"


def ids(objects: Iterable | None) -> list[int] | None:
    if objects is None:
        return None
    return [getattr(obj, "pk", obj) for obj in objects]


def negotiation_ids(negotiation, negotiations) -> list[int] | None:
    """One negotiation, several (OR), or None for all."""
    found = ids(negotiations)
    if negotiation is not None:
        found = (found or []) + [getattr(negotiation, "pk", negotiation)]
    return found


class PairScope:
    """The WHERE clause choosing which positions (and so which pairs) take
    part, and its parameters."""

    def __init__(
        self,
        *,
        actors: Sequence[int] | None = None,
        proposals: Sequence[int] | None = None,
        negotiations: Sequence[int] | None = None,
        stated_from: datetime.date | None = None,
        attributions: Sequence[str] | None = None,
        columns: tuple[str, str, str] = POSITION_COLUMNS,
    ):
        self.conditions: list[str] = []
        self.params: dict = {}
        # The positions every analysis reads: all of them, or only those of
        # the chosen attributions ("what did each side say itself"). A plain
        # subquery, which both databases fold into the outer query, so the
        # pair indexes still serve it.
        # As of a past data version, history's rows stand for the table.
        self.positions = positions_source()
        if attributions:
            chosen = in_list("attribution", "attribution", attributions, self.params)
            source = self.positions
            if source != POSITION:
                source = f"{source} recorded"
            self.positions = f"(SELECT * FROM {source} WHERE {chosen})"  # noqa: S608
        for name, column_sql, chosen in zip(
            ("actor", "proposal", "negotiation"),
            columns,
            (actors, proposals, negotiations),
            strict=True,
        ):
            if chosen is None:
                continue
            if not chosen:
                self.conditions.append("1 = 0")
                continue
            self.conditions.append(in_list(column_sql, name, chosen, self.params))
        if stated_from is not None:
            self.conditions.append("p.stated_on >= %(stated_from)s")
            self.params["stated_from"] = stated_from

    @property
    def where(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "1 = 1"


# How a day was resolved (DESIGN.md, "Resolved stance of a day").
RESOLUTIONS = ("single", "unanimous", "plurality", "tie")
# Resolutions meaning the highest-confidence sources of the day disagreed.
CONTESTED_RESOLUTIONS = ("plurality", "tie")


def resolution_ctes(source: str) -> str:
    """``day_positions``, ``day_ranked`` and ``resolved_days``: the resolved
    stance of each (actor, proposal, date) of the positions ``source`` yields
    (a FROM clause whose positions are aliased ``p``).

    The one place the rule of DESIGN.md is written in SQL. Of a pair's
    positions on one date, only those of the highest confidence present
    vote; the stance most of them give wins, a tie between stances going to
    the stance of the most recently recorded (highest id) of the tied
    positions; the highest-id position giving the winning stance stands for
    the day. ``resolution`` says how: ``single`` (one position voted),
    ``unanimous``, ``plurality`` or ``tie``. The day is ``disputed`` when any
    two of its positions disagree, at any confidence; ``day_stance_min``,
    ``day_stance_max`` and ``day_positions`` describe all of them.
    """
    # One sort serves the three windows of ``day_positions`` (each partition
    # is a prefix of the next); then only each voting stance's latest
    # position is ranked, by votes and recency, its runner-up telling a tie.
    # Grouping the votes instead cost two more sorts of every position.
    # ``source`` is SQL built here from table names; values are parameters.
    return f"""
    day_positions AS (
        SELECT p.id, p.actor_id, p.proposal_id, p.stated_on, p.stance,
               p.confidence,
               MAX(p.confidence) OVER pair_day AS top_confidence,
               MIN(p.stance) OVER pair_day AS day_low,
               MAX(p.stance) OVER pair_day AS day_high,
               COUNT(*) OVER pair_day AS day_count,
               COUNT(*) OVER tier AS voters,
               COUNT(*) OVER tier_stance AS votes,
               MAX(p.id) OVER tier_stance AS latest_id
        FROM {source}
        WINDOW pair_day AS (PARTITION BY p.actor_id, p.proposal_id, p.stated_on),
               tier AS (PARTITION BY p.actor_id, p.proposal_id, p.stated_on,
                                     p.confidence),
               tier_stance AS (PARTITION BY p.actor_id, p.proposal_id, p.stated_on,
                                            p.confidence, p.stance)
    ),
    day_ranked AS (
        SELECT id, actor_id, proposal_id, stated_on, stance, day_low, day_high,
               day_count, voters, votes,
               ROW_NUMBER() OVER ranking AS day_rank,
               LEAD(votes) OVER ranking AS runner_up_votes
        FROM day_positions
        WHERE confidence = top_confidence AND id = latest_id
        WINDOW ranking AS (PARTITION BY actor_id, proposal_id, stated_on
                           ORDER BY votes DESC, latest_id DESC)
    ),
    resolved_days AS (
        SELECT id AS position_id, actor_id, proposal_id, stated_on, stance,
               CASE WHEN day_low <> day_high THEN 1 ELSE 0 END AS disputed,
               CASE
                   WHEN voters = 1 THEN 'single'
                   WHEN votes = voters THEN 'unanimous'
                   WHEN runner_up_votes = votes THEN 'tie'
                   ELSE 'plurality'
               END AS resolution,
               day_low AS day_stance_min, day_high AS day_stance_max,
               day_count AS day_positions
        FROM day_ranked
        WHERE day_rank = 1
    )"""  # noqa: S608


def scoped_positions(scope: PairScope) -> str:
    """A FROM clause of the positions in ``scope``, for ``resolution_ctes``."""
    return f"""{scope.positions} p
        JOIN {proposal_table()} pr ON pr.id = p.proposal_id
        WHERE {scope.where}"""


def windowed_positions_ctes(scope: PairScope) -> str:
    """``window_pairs`` and ``bounded_pairs``: the pairs in ``scope`` with a
    position on or after ``%(window_start)s``, each from its last date before
    it. Changes from the start on then compare with the right earlier
    stance, and the rest of the history is not read. ``windowed_positions``
    is the FROM clause of their positions. The bounded pairs are
    materialized: inlined into the join, PostgreSQL hashed every position of
    the table and probed each one's earlier date."""
    return f"""
    window_pairs AS (
        SELECT DISTINCT p.actor_id, p.proposal_id
        FROM {scope.positions} p
        JOIN {proposal_table()} pr ON pr.id = p.proposal_id
        WHERE {scope.where} AND p.stated_on >= %(window_start)s
    ),
    bounded_pairs AS MATERIALIZED (
        SELECT w.actor_id, w.proposal_id,
               COALESCE((SELECT MAX(q.stated_on) FROM {scope.positions} q
                         WHERE q.actor_id = w.actor_id
                           AND q.proposal_id = w.proposal_id
                           AND q.stated_on < %(window_start)s),
                        %(window_start)s) AS history_start
        FROM window_pairs w
    )"""  # noqa: S608


def history_pairs_cte(pairs: PairScope) -> str:
    """``bounded_pairs`` for ``windowed_positions``: every candidate pair of
    ``pairs`` (a scope over ``PAIR_COLUMNS``), each from its last date before
    ``%(window_start)s``, whether or not it has a position after it (a level
    over all pairs, such as the gap, needs them all). One index probe per
    pair."""
    return f"""
    bounded_pairs AS MATERIALIZED (
        SELECT a.id AS actor_id, pr.id AS proposal_id,
               COALESCE((SELECT MAX(q.stated_on) FROM {pairs.positions} q
                         WHERE q.actor_id = a.id AND q.proposal_id = pr.id
                           AND q.stated_on < %(window_start)s),
                        %(window_start)s) AS history_start
        FROM {actor_table()} a CROSS JOIN {proposal_table()} pr
        WHERE {pairs.where}
    )"""  # noqa: S608


def windowed_positions(scope: PairScope) -> str:
    """The FROM clause of the positions of ``windowed_positions_ctes``' pairs."""
    return f"""bounded_pairs b
        JOIN {scope.positions} p ON p.actor_id = b.actor_id
         AND p.proposal_id = b.proposal_id AND p.stated_on >= b.history_start"""


SEQUENCED_CTE = """
    sequenced AS (
        SELECT resolved_days.*,
               LAG(stance) OVER pair_in_time AS from_stance,
               LAG(position_id) OVER pair_in_time AS from_position_id,
               LAG(resolution) OVER pair_in_time AS from_resolution,
               LAG(disputed) OVER pair_in_time AS from_disputed,
               LEAD(stated_on) OVER pair_in_time AS next_stated_on
        FROM resolved_days
        WINDOW pair_in_time AS (PARTITION BY actor_id, proposal_id ORDER BY stated_on)
    )"""


def actor_table() -> str:
    """Actors as the request reads them (see ``recorded_source``)."""
    return recorded_source(Actor)


def proposal_table() -> str:
    """Proposals as the request reads them (see ``recorded_source``)."""
    return recorded_source(Proposal)


def slug_joins() -> str:
    """The joins naming a result row's side and proposal (``a``, ``pr``)."""
    return (
        f"JOIN {actor_table()} a ON a.id = r.actor_id "
        f"JOIN {proposal_table()} pr ON pr.id = r.proposal_id"
    )
