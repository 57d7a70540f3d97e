"""The analyses' SQL as prepared statements on PostgreSQL.

The as-of query of one proposal's sixty sides takes PostgreSQL about 2 ms to
plan and under 1 ms to run: planned once per connection (``PREPARE``) and
run by name (``EXECUTE``), the statement costs a third of the database's
time (pgbench on 1,000,000 positions: 950 → 2,490 statements/s).

A statement's text is the SQL with each ``%(name)s`` numbered in order of
first use, its parameters typed after their Python values; text and types
name the statement. Each connection keeps the last ``MAX_PER_CONNECTION``
it prepared and deallocates older ones, since ``IN`` lists of any length
make new texts. A statement PostgreSQL cannot prepare (a parameter whose
type it cannot infer) runs as plain SQL.

``PREPARE`` and ``DEALLOCATE`` go through the driver's own cursor: they are
a connection's one-off set-up, not a request's queries, and Django's query
log (and the tests counting queries) sees each read once, as ``EXECUTE``.
A prepared statement outlives the transaction it was made in, rolled back
or not; a new connection starts with none.
"""

import datetime
import decimal
import functools
import hashlib
import re
import weakref
from collections import OrderedDict

from django.conf import settings

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MAX_PER_CONNECTION = 100
# Declared types, so that PostgreSQL never has to guess one from context;
# bool before int, since a bool is an int.
TYPES = (
    (bool, "boolean"),
    (int, "bigint"),
    (float, "double precision"),
    (decimal.Decimal, "numeric"),
    (str, "text"),
    (datetime.datetime, "timestamptz"),
    (datetime.date, "date"),
)

# Per driver connection: its statements, most recently used last. Weak, so
# a closed connection's entry goes with it.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_unpreparable: set[tuple] = set()


def _type_of(value) -> str | None:
    if value is None:
        return "unknown"
    for python_type, sql_type in TYPES:
        if isinstance(value, python_type):
            if python_type is datetime.datetime and value.tzinfo is None:
                return "timestamp"
            return sql_type
    return None


# A request's statement is one of a few texts: rewritten once each, and the
# same string object keeps its hash for the statements' lookup.
@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with ``$1, $2…`` for its named placeholders, and the names in
    that order."""
    order: list[str] = []

    def number(match):
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    # Sent without parameters, so a doubled percent sign is one again.
    return PLACEHOLDER.sub(number, sql).replace("%%", "%"), tuple(order)


def execute(cursor, sql: str, params: dict) -> None:
    """Run ``sql`` with its named ``params`` on Django's ``cursor``,
    prepared where the database is PostgreSQL."""
    if cursor.db.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    text, names = _numbered(sql)
    values = [params[name] for name in names]
    types = tuple(_type_of(value) for value in values)
    key = (text, types)
    if None in types or key in _unpreparable:
        cursor.execute(sql, params)
        return
    driver_cursor = cursor.cursor
    statements = _prepared.setdefault(driver_cursor.connection, OrderedDict())
    name = statements.get(key)
    if name is None:
        name = _prepare(cursor, key)
        if name is None:
            cursor.execute(sql, params)
            return
        statements[key] = name
        while len(statements) > MAX_PER_CONNECTION:
            _, oldest = statements.popitem(last=False)
            driver_cursor.execute(f"DEALLOCATE {oldest}")
    else:
        statements.move_to_end(key)
    arguments = f" ({', '.join(['%s'] * len(values))})" if values else ""
    cursor.execute(f"EXECUTE {name}{arguments}", values)


def _prepare(cursor, key) -> str | None:
    text, types = key
    name = "stance_" + hashlib.sha256(repr(key).encode()).hexdigest()[:24]
    declared = f" ({', '.join(types)})" if types else ""
    statement = f"PREPARE {name}{declared} AS {text}"
    driver_cursor = cursor.cursor
    # Inside a transaction a failed PREPARE would abort it: try it in a
    # savepoint of its own.
    in_transaction = not cursor.db.get_autocommit()
    try:
        if in_transaction:
            driver_cursor.execute("SAVEPOINT stance_prepare")
        driver_cursor.execute(statement)
    except cursor.db.Database.Error:
        if in_transaction:
            driver_cursor.execute("ROLLBACK TO SAVEPOINT stance_prepare")
        if len(_unpreparable) >= MAX_PER_CONNECTION:
            _unpreparable.clear()
        _unpreparable.add(key)
        return None
    if in_transaction:
        driver_cursor.execute("RELEASE SAVEPOINT stance_prepare")
    return name
