"""The full CSV of positions on PostgreSQL: ``COPY … TO STDOUT`` in keyset
chunks, streamed as they come.

psycopg2 cannot iterate one COPY, so the export repeats it over the next
``COPY_CHUNK`` positions in the list's order, after the last key of the
chunk before: each chunk is an index range. A thread of the export's own
makes the chunks, one ahead of the one being sent, so that the database and
the network work at once; memory holds two chunks. All chunks read one
snapshot (a repeatable-read transaction), as one query would. The columns are ``position_fields.EXPORT_FIELDS``, rendered in SQL
(``copy_select``) exactly as the Python export renders them.
"""

import queue
import threading
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from positions.models import Position, PositionQuerySet
from positions.position_fields import SQL_JOINS, Context, copy_select
from positions.selectors.sql import copy_csv

COPY_CHUNK = 20_000

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
    if connection.vendor != "postgresql" or positions.model is not Position:
        return None
    keyset = KEYSETS.get(tuple(positions.query.order_by))
    select = copy_select(context)
    if keyset is None or select is None:
        return None
    return _chunks(positions, keyset, select)


def _chunks(positions, keyset, select) -> Iterator[bytes]:
    if connection.in_atomic_block:
        # The caller's transaction (a test's): another connection would not
        # see what it holds.
        yield from _copied(positions, keyset, select)
        return
    yield from _read_ahead(lambda: _in_one_snapshot(positions, keyset, select))


def _in_one_snapshot(positions, keyset, select) -> Iterator[bytes]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # A filtered chunk is sorted: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield from _copied(positions, keyset, select)


def _copied(positions, keyset, select) -> Iterator[bytes]:
    key, later, direction = keyset
    columns, column_params = select
    table = Position._meta.db_table
    order = ", ".join(f"p.{name} {direction}" for name in key)
    last = None
    while True:
        rest = positions if last is None else positions.filter(_after(key, later, last))
        # The key of this chunk's last position, where the next one starts.
        boundary = list(rest.values_list(*key)[COPY_CHUNK - 1 : COPY_CHUNK])
        if positions.query.where:
            # The filters as the list applies them, over the chunk's ids
            # (an array, so that the planner looks each one up).
            ids_sql, where_params = rest.values("id")[
                :COPY_CHUNK
            ].query.sql_with_params()
            where = f"p.id = ANY(ARRAY({ids_sql}))"
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


_END = object()


def _read_ahead(make_chunks, depth: int = 1) -> Iterator[bytes]:
    """The chunks of ``make_chunks()``, made by a thread of their own (with
    its own database connection) up to ``depth`` chunks ahead: PostgreSQL
    writes the next chunk while this one is sent. A client that goes away
    stops the thread at its next chunk, and its transaction is rolled back."""
    handoff = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def hand_over(item) -> bool:
        while not stopped.is_set():
            try:
                handoff.put(item, timeout=1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        chunks = make_chunks()
        try:
            for chunk in chunks:
                if not hand_over(chunk):
                    return
            hand_over(_END)
        except Exception as error:  # raised where the chunks are sent
            hand_over(error)
        finally:
            chunks.close()  # its transaction ends before its connection
            connection.close()

    threading.Thread(target=produce, name="positions-csv", daemon=True).start()
    try:
        while (item := handoff.get()) is not _END:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stopped.set()


def _key_condition(table: str, key, later: str, last) -> tuple[str, list]:
    if last is None:
        return "TRUE", []
    columns = ", ".join(f"{table}.{connection.ops.quote_name(name)}" for name in key)
    placeholders = ", ".join("%s" for _ in key)
    return f"({columns}) {later} ({placeholders})", list(last)


def _after(key, later: str, last: tuple) -> RawSQL:
    sql, params = _key_condition(
        connection.ops.quote_name(Position._meta.db_table), key, later, last
    )
    # Model column names only; the key's values are parameters.
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611
