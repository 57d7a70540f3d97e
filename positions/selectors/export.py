"""The full CSV of positions on PostgreSQL: ``COPY … TO STDOUT`` in keyset
chunks, streamed as they come.

psycopg2 cannot iterate one COPY, so the export repeats it over the next
``COPY_CHUNK`` positions in the list's order, after the last key of the
chunk before: each chunk is an index range, and memory holds one chunk. All
chunks read one snapshot (a repeatable-read transaction), as one query
would. The columns are ``position_fields.EXPORT_FIELDS``, rendered in SQL
(``copy_select``) exactly as the Python export renders them.
"""

from collections.abc import Iterator

from django.db import connections, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from positions.models import Position, PositionQuerySet
from positions.position_fields import SQL_JOINS, Context, copy_select
from positions.selectors.sql import copy_csv, reading

COPY_CHUNK = 5_000

# The orderings of a positions list that a keyset walks: ordering -> (the
# key's columns, how a later key compares, the SQL direction).
KEYSETS = {
    ("stated_on", "id"): (("stated_on", "id"), ">", "ASC"),
    ("-stated_on", "-id"): (("stated_on", "id"), "<", "DESC"),
}


def positions_csv_chunks(
    positions: PositionQuerySet, context: Context
) -> Iterator[bytes] | None:
    """The CSV rows (no header) of ``positions``, filtered and ordered, in
    chunks written by PostgreSQL; None where this cannot serve the export
    (another database, an ordering no keyset walks, a time zone only Python
    renders, a list not of live positions): the caller then takes
    ``positions_for_export``."""
    # The chunks read positions_position itself: a list of anything else
    # (history, a snapshot) takes the Python path.
    if positions.model is not Position:
        return None
    if connections[positions.db].vendor != "postgresql":
        return None
    keyset = KEYSETS.get(tuple(positions.query.order_by))
    select = copy_select(context)
    if keyset is None or select is None:
        return None
    return _chunks(positions, keyset, select)


def _chunks(positions, keyset, select) -> Iterator[bytes]:
    key, later, direction = keyset
    columns, column_params = select
    table = Position._meta.db_table
    order = ", ".join(f"p.{name} {direction}" for name in key)
    # A transaction of its own, unless the caller holds one (a test's), on the
    # database the chunks are read from (atomic() alone means the primary).
    alias = positions.db
    connection = connections[alias]
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if own_transaction:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
                # A filtered chunk is sorted: in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '64MB'")
        last = None
        while True:
            rest = (
                positions
                if last is None
                else positions.filter(_after(key, later, last))
            )
            # The key of this chunk's last position, where the next one starts.
            boundary = list(rest.values_list(*key)[COPY_CHUNK - 1 : COPY_CHUNK])
            if positions.query.where:
                # The filters as the list applies them, over the chunk's ids
                # (an array, so that the planner looks each one up).
                ids_sql, where_params = rest.values("id")[
                    :COPY_CHUNK
                ].query.sql_with_params()
                # (A distinct list selects its order keys too.)
                where = f"p.id = ANY(ARRAY(SELECT k.id FROM ({ids_sql}) k))"  # noqa: S608
            else:
                # An index range of the key.
                where, where_params = _key_condition("p", key, later, last)
            yield copy_csv(
                f"SELECT {columns} FROM {table} p {SQL_JOINS} "  # noqa: S608
                f"WHERE {where} ORDER BY {order} LIMIT {COPY_CHUNK}",
                [*column_params, *where_params],
            )
            if not boundary:
                return
            last = boundary[0]


def _key_condition(table: str, key, later: str, last) -> tuple[str, list]:
    if last is None:
        return "TRUE", []
    quote = reading().ops.quote_name
    columns = ", ".join(f"{table}.{quote(name)}" for name in key)
    placeholders = ", ".join("%s" for _ in key)
    return f"({columns}) {later} ({placeholders})", list(last)


def _after(key, later: str, last: tuple) -> RawSQL:
    sql, params = _key_condition(
        reading().ops.quote_name(Position._meta.db_table), key, later, last
    )
    # Model column names only; the key's values are parameters.
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611
