"""A position's public fields, declared once.

The API's JSON, the CSV export, the ``values()`` read of a list and the plain
SQL read of one position are all derived from ``POSITION_FIELDS``, so a field
cannot be added, renamed or reordered in one of them and not the others.
``PositionSerializer`` (writes and the schema) names the same fields, and a
test holds its output equal to ``represent``'s.
"""

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actors.models import Actor
from positions.models import (
    Article,
    Confidence,
    Event,
    Negotiation,
    Position,
    Proposal,
    Stance,
)

_STANCE_LABELS = dict(Stance.choices)
_CONFIDENCE_LABELS = dict(Confidence.choices)


@dataclass(frozen=True)
class Context:
    """What rendering needs beyond the row: the positions' API address and
    the time zone timestamps are shown in."""

    url_prefix: str
    zone: datetime.tzinfo

    @classmethod
    def for_prefix(cls, url_prefix: str) -> "Context":
        return cls(url_prefix=url_prefix, zone=timezone.get_current_timezone())


def as_date(value) -> datetime.date:
    # SQLite hands computed and raw-SQL date columns back as ISO text.
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def as_aware(value) -> datetime.datetime:
    # SQLite hands back naive UTC, as text from plain SQL.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _timestamp(value: datetime.datetime, context: Context) -> str:
    # What DRF's DateTimeField writes: ISO 8601 in the current time zone,
    # UTC as "Z".
    text = as_aware(value).astimezone(context.zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _same(value, context):
    return value


def _iso_date(value, context) -> str:
    return as_date(value).isoformat()


def _slug_of(model, foreign_key: str) -> str:
    # A scalar subquery rather than one more LEFT JOIN: each join of a
    # position's read multiplies PostgreSQL's planning (9 relations took
    # 7 ms to plan and 0.5 ms to run).
    # Asked only when set: most positions have none, and a full export asks
    # three of these per row.
    table = model._meta.db_table
    return (
        f"CASE WHEN {foreign_key} IS NULL THEN NULL ELSE "  # noqa: S608
        f"(SELECT x.slug FROM {table} x WHERE x.id = {foreign_key}) END"
    )


def _slug_annotation(relation: str):
    model = Position._meta.get_field(relation).related_model
    return Subquery(model.objects.filter(pk=OuterRef(f"{relation}_id")).values("slug"))


# The values() read takes the rarely set relations' slugs the same way.
ANNOTATIONS = {
    "event_slug": _slug_annotation("event"),
    "condition_proposal_slug": _slug_annotation("condition_proposal"),
    "condition_event_slug": _slug_annotation("condition_event"),
}


@dataclass(frozen=True)
class PublicField:
    name: str
    # Where the value is read: an ORM path for ``values()``, and the same as
    # a column of the plain-SQL read (see ``_SQL_TABLES`` for the aliases).
    path: str
    column: str
    render: Callable = _same
    # A value read from several columns: ``render`` gets them as a tuple.
    more_paths: tuple[str, ...] = ()
    more_columns: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path, *self.more_paths)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *self.more_columns)

    def value(self, row: dict, context: "Context"):
        if self.more_paths:
            return self.render(tuple(row[path] for path in self.paths), context)
        return self.render(row[self.path], context)


def _span(value, context) -> list[int] | None:
    start, end = value
    return None if start is None else [start, end]


def _stance_label(value, context) -> str:
    return _STANCE_LABELS[value]


def _confidence_label(value, context) -> str:
    return _CONFIDENCE_LABELS[value]


def _url(value, context) -> str:
    return f"{context.url_prefix}{value}/"


POSITION_FIELDS: tuple[PublicField, ...] = (
    PublicField("id", "id", "p.id"),
    PublicField("actor", "actor__slug", "a.slug"),
    PublicField("proposal", "proposal__slug", "pr.slug"),
    PublicField("negotiation", "proposal__negotiation__slug", "n.slug"),
    PublicField("stance", "stance", "p.stance"),
    PublicField("stance_label", "stance", "p.stance", _stance_label),
    PublicField("stated_on", "stated_on", "p.stated_on", _iso_date),
    PublicField("article", "article_id", "p.article_id"),
    PublicField("speaker", "speaker__slug", "s.slug"),
    PublicField("quote", "quote", "p.quote"),
    PublicField("note", "note", "p.note"),
    PublicField("confidence", "confidence", "p.confidence", _confidence_label),
    PublicField("event", "event_slug", _slug_of(Event, "p.event_id")),
    PublicField("attribution", "attribution", "p.attribution"),
    PublicField("condition", "condition", "p.condition"),
    PublicField(
        "condition_proposal",
        "condition_proposal_slug",
        _slug_of(Proposal, "p.condition_proposal_id"),
    ),
    PublicField(
        "condition_event",
        "condition_event_slug",
        _slug_of(Event, "p.condition_event_id"),
    ),
    PublicField("quote_original", "quote_original", "p.quote_original"),
    PublicField("quote_language", "quote_language", "p.quote_language"),
    PublicField("quote_check", "quote_check", "p.quote_check"),
    PublicField(
        "quote_check_span",
        "quote_check_start",
        "p.quote_check_start",
        _span,
        more_paths=("quote_check_end",),
        more_columns=("p.quote_check_end",),
    ),
    PublicField("version", "version", "p.version"),
    PublicField("url", "id", "p.id", _url),
    PublicField("created_at", "created_at", "p.created_at", _timestamp),
    PublicField("updated_at", "updated_at", "p.updated_at", _timestamp),
)

# The CSV adds the source of each position, so that an export can be
# imported again (import_positions).
EXPORT_FIELDS: tuple[PublicField, ...] = (
    *POSITION_FIELDS,
    PublicField("article_url", "article__url", "ar.url"),
    PublicField("article_title", "article__title", "ar.title"),
    PublicField("article_outlet", "article__outlet", "ar.outlet"),
    PublicField(
        "article_published_on", "article__published_on", "ar.published_on", _iso_date
    ),
)

FIELD_NAMES = tuple(field.name for field in POSITION_FIELDS)
EXPORT_FIELD_NAMES = tuple(field.name for field in EXPORT_FIELDS)
# The export's dates (typed as dates in a spreadsheet).
EXPORT_DATE_FIELD_NAMES = frozenset(
    field.name for field in EXPORT_FIELDS if field.render is _iso_date
)


# The same renderings in PostgreSQL, for the CSV that ``COPY … TO STDOUT``
# writes: each gives the text Python's csv module writes for the rendered
# value (None and "" as an empty cell: NULLIF keeps COPY from quoting "").
# Each takes the field's columns and the context and gives (SQL, params).
def _case_sql(column: str, labels: dict) -> tuple[str, list]:
    params = []
    for value, label in labels.items():
        params += [value, label]
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    return f"CASE {column} {whens} END", params


def _timestamp_sql(column: str) -> str:
    # DRF's ISO 8601 in UTC: microseconds only when there are some, "Z".
    # ".000000" can only be the fraction: one to_char per value.
    text = f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
    return f"replace({text}, '.000000', '') || 'Z'"


_COPY_SQL = {
    _same: lambda columns, context: (f"NULLIF(CAST({columns[0]} AS text), '')", []),
    _iso_date: lambda columns, context: (f"to_char({columns[0]}, 'YYYY-MM-DD')", []),
    _timestamp: lambda columns, context: (_timestamp_sql(columns[0]), []),
    _stance_label: lambda columns, context: _case_sql(columns[0], _STANCE_LABELS),
    _confidence_label: lambda columns, context: _case_sql(
        columns[0], _CONFIDENCE_LABELS
    ),
    _url: lambda columns, context: (
        f"%s || CAST({columns[0]} AS text) || '/'",
        [context.url_prefix],
    ),
    _span: lambda columns, context: (
        f"CASE WHEN {columns[0]} IS NULL THEN NULL ELSE '[' || {columns[0]} "
        f"|| ', ' || {columns[1]} || ']' END",
        [],
    ),
}


def copy_select(context: Context, fields=EXPORT_FIELDS) -> tuple[str, list] | None:
    """The SELECT list (and its params) of ``fields`` rendered as the CSV
    export writes them, over the aliases of ``SQL_JOINS`` (``p`` the
    position); None when the context needs what only Python renders (a time
    zone other than UTC)."""
    if str(context.zone) not in ("UTC", "Etc/UTC"):
        return None
    selected, params = [], []
    for field in fields:
        sql, field_params = _COPY_SQL[field.render](field.columns, context)
        selected.append(sql)
        params += field_params
    return ", ".join(selected), params


def readable(positions, fields: Iterable[PublicField] = POSITION_FIELDS):
    """``positions.values(…)`` of ``fields``, their annotations added."""
    paths = read_paths(fields)
    return positions.annotate(
        **{name: value for name, value in ANNOTATIONS.items() if name in paths}
    ).values(*paths)


def read_paths(fields: Iterable[PublicField] = POSITION_FIELDS) -> tuple[str, ...]:
    """The ``values()`` paths the fields are rendered from, each once."""
    return tuple(dict.fromkeys(path for field in fields for path in field.paths))


def represent(row: dict, context: Context, fields=POSITION_FIELDS) -> dict:
    """One position as the API shows it, from a row keyed by ``read_paths``."""
    return {field.name: field.value(row, context) for field in fields}


def export_row(row: dict, context: Context) -> list:
    return [field.value(row, context) for field in EXPORT_FIELDS]


# The tables a position's columns are read from, ``p`` joined.
SQL_JOINS = f"""
    JOIN {Actor._meta.db_table} a ON a.id = p.actor_id
    JOIN {Proposal._meta.db_table} pr ON pr.id = p.proposal_id
    JOIN {Negotiation._meta.db_table} n ON n.id = pr.negotiation_id
    JOIN {Article._meta.db_table} ar ON ar.id = p.article_id
    LEFT JOIN {Actor._meta.db_table} s ON s.id = p.speaker_id"""
_SQL_TABLES = f"FROM {Position._meta.db_table} p {SQL_JOINS}"


def _sql_read(fields: Iterable[PublicField]) -> tuple[str, tuple[str, ...]]:
    columns = {
        path: column
        for field in fields
        for path, column in zip(field.paths, field.columns, strict=True)
    }
    paths = tuple(columns)
    select = ", ".join(columns[path] for path in paths)
    # Table and column names of the models only; the id is a parameter.
    sql = f"SELECT {select} {_SQL_TABLES} WHERE p.id = %(position_id)s"  # noqa: S608
    return sql, paths


POSITION_READ_SQL, POSITION_READ_PATHS = _sql_read(POSITION_FIELDS)


# The same renderings as JSON, written by PostgreSQL: a position's document
# exactly as DRF's JSON renderer writes ``represent``'s dict (compact, UTF-8
# unescaped; PostgreSQL escapes strings as Python's json does, and writes
# dates as ISO 8601). ``row_to_json`` of one row of these values, in the
# fields' order: one C call per position, where concatenating each field's
# text cost PostgreSQL 6 us a position. For the lean read of positions
# (``positions/api/lean.py``), in UTC only. Labels are the code's constants,
# written into the text.
def _literal(text: str) -> str:
    # Also through psycopg2's parameter formatting: % doubled.
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _labels_sql(column: str, labels: dict) -> str:
    whens = " ".join(
        f"WHEN {int(value)} THEN {_literal(label)}" for value, label in labels.items()
    )
    return f"CASE {column} {whens} END"


_JSON_SQL = {
    _same: lambda columns: columns[0],
    _iso_date: lambda columns: columns[0],
    _timestamp: lambda columns: _timestamp_sql(columns[0]),
    _stance_label: lambda columns: _labels_sql(columns[0], _STANCE_LABELS),
    _confidence_label: lambda columns: _labels_sql(columns[0], _CONFIDENCE_LABELS),
    _url: lambda columns: f"CAST(%(url_prefix)s AS text) || {columns[0]} || '/'",
    _span: lambda columns: (
        f"CASE WHEN {columns[0]} IS NULL THEN NULL "
        f"ELSE array_to_json(ARRAY[{columns[0]}, {columns[1]}]) END"
    ),
}


def json_document_columns(fields: Iterable[PublicField] = POSITION_FIELDS) -> str:
    """A SELECT list over the aliases of ``SQL_JOINS``, one column per field
    named as the field: ``row_to_json`` of a row of it is the position's
    JSON document. Its one parameter is ``%(url_prefix)s``."""
    return ", ".join(
        f"{_JSON_SQL[field.render](field.columns)} AS {json.dumps(field.name)}"
        for field in fields
    )


# A position's fields read nothing of its article but the id it holds: its
# documents skip the join (at 50 positions a page, 50 index probes). A field
# that read ``ar`` would fail every lean read (tests/api/test_lean_reads.py).
POSITIONS_FROM = _SQL_TABLES.replace(
    f"JOIN {Article._meta.db_table} ar ON ar.id = p.article_id", ""
)
