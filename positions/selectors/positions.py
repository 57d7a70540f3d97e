"""Reads of positions: lists, one position, its history, the export."""

import datetime
import functools
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q

from actors.models import Actor
from config.lib import versions
from config.lib.limits import is_id
from config.lib.versions import Snapshot
from positions.models import Article, Event, Position, PositionQuerySet, Proposal
from positions.position_fields import (
    EXPORT_FIELDS,
    POSITION_READ_PATHS,
    POSITION_READ_SQL,
    POSITIONS_FROM,
    json_document_columns,
    readable,
)
from positions.quote_check import Passage, passage
from positions.selectors.as_of import as_positions, positions_read
from positions.selectors.sql import fetch

EXPORT_CHUNK = 2000


def position_read_rows(positions: PositionQuerySet):
    """``positions`` (filtered and ordered) as rows for ``position_fields.represent``:
    a page of 50 model instances with four related ones each costs more than
    the query itself."""
    return readable(positions)


def position_read_row(position_id: int) -> dict | None:
    """One position as ``position_read_rows`` gives it. Plain SQL: building
    the ORM query took longer than running it, and this is the hottest read."""
    rows = fetch(POSITION_READ_SQL, {"position_id": position_id})
    if not rows:
        return None
    return dict(zip(POSITION_READ_PATHS, rows[0], strict=True))


def positions_for_export(positions: PositionQuerySet):
    """The rows of a positions CSV, streamed from the database in chunks."""
    return readable(positions, EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)


def bulk_references(rows: list) -> dict[str, dict]:
    """The actors, proposals and articles a bulk request's rows name, loaded
    at once: {field: {slug or id as sent: row}}. Values no slug or id can
    be (the wrong type, a NUL or text the database cannot encode) are left
    for the serializer to refuse, one by one, with its message."""

    def sent(field: str, kind: type) -> set:
        return {
            row[field]
            for row in rows
            if isinstance(row, dict)
            and isinstance(row.get(field), kind)
            and (kind is not str or _storable(row[field]))
        }

    actors = Actor.objects.in_bulk(
        sent("actor", str) | sent("speaker", str), field_name="slug"
    )
    proposals = Proposal.objects.select_related("negotiation").in_bulk(
        sent("proposal", str) | sent("condition_proposal", str), field_name="slug"
    )
    # Only when named: most bulk rows carry no event.
    event_slugs = sent("event", str) | sent("condition_event", str)
    events = (
        Event.objects.in_bulk(event_slugs, field_name="slug") if event_slugs else {}
    )
    return {
        "actor": actors,
        "speaker": actors,
        "proposal": proposals,
        "condition_proposal": proposals,
        "event": events,
        "condition_event": events,
        "article": Article.objects.in_bulk(
            {value for value in sent("article", int) if is_id(value)}
        ),
    }


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, as JSON allows
        return False
    return True


def deleted_positions():
    """Deletion records of positions that do not exist now, newest first."""
    return (
        Position.history.filter(history_type="-")
        .exclude(id__in=Position.objects.values("id"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def position_history(*, position_id: int):
    """Every recorded version of a position, oldest first, with who saved it."""
    return (
        Position.history.filter(id=position_id)
        .select_related(
            "history_user", "actor", "proposal", "speaker", "article", "event"
        )
        .order_by("history_date", "history_id")
    )


# What a position's row shows beside its side, proposal and source: who
# spoke (joined), the event it was said at and what its condition depends on
# (read apart: mostly empty, and each more table in the join cost PostgreSQL
# about a millisecond of planning, 5 ms for a page's rows at seven tables).
ROW_RELATIONS = ("speaker",)
ROW_PREFETCHES = ("event", "condition_proposal", "condition_event")
# A row names its source; the source's full text (up to 200,000 characters
# each) is not read for it.
NOT_FOR_ROWS = ("article__body", "article__summary")


def position_detail(*, position_id: int) -> Position:
    return Position.objects.select_related(
        "actor",
        "proposal__negotiation",
        "speaker",
        "article",
        "recorded_by",
        "event",
        "condition_proposal",
        "condition_event",
    ).get(pk=position_id)


def quote_passage(*, position: Position) -> Passage | None:
    """The passage of the article's body where the quote check found the
    quote (``body[start:end]``) with its context either side, or None when
    the check found no passage. Plain text: the page escapes it."""
    return passage(
        position.article.body, position.quote_check_start, position.quote_check_end
    )


def positions_by_id(ids: Iterable[int]) -> dict[int, Position]:
    """Positions for chart tooltips, matrix links and compared stances, in
    one query, as the request reads them."""
    ids = list(ids)
    if not ids:
        return {}
    rows = (
        positions_read()
        .filter(id__in=ids)
        .select_related("article", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .defer(*NOT_FOR_ROWS)
    )
    return {position.pk: position for position in as_positions(rows)}


class Said(NamedTuple):
    """What a chart point's words need of its position."""

    condition: str
    quote: str
    outlet: str


def said_by_id(ids: Iterable[int]) -> dict[int, Said]:
    """Condition, quote and outlet of each position, for chart tooltips: a
    chart has hundreds of points, and whole positions with their articles
    cost ten times as much to build. As the request reads them."""
    rows = (
        positions_read()
        .filter(id__in=list(ids))
        .values_list("id", "condition", "quote", "article__outlet")
    )
    return {id_: Said(*said) for id_, *said in rows}


def recently_recorded(*, limit: int) -> list[Position]:
    """The latest positions recorded (not stated), newest first: ids follow
    the order of recording, and the primary key orders them without a scan."""
    return list(
        Position.objects.select_related("actor", "proposal", "article", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .defer(*NOT_FOR_ROWS)
        .order_by("-id")[:limit]
    )


def proposal_positions(*, proposal: Proposal) -> PositionQuerySet:
    """The proposal's positions as the request reads them, newest first (a
    page of them goes through ``as_positions``)."""
    return (
        positions_read()
        .filter(proposal=proposal)
        .select_related("actor", "article", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .defer(*NOT_FOR_ROWS)
        .order_by("-stated_on", "-id")
    )


def actor_positions(*, actor: Actor) -> PositionQuerySet:
    """Positions where the actor is the side or the speaker, newest first,
    as the request reads them (a page of them goes through ``as_positions``)."""
    return (
        positions_read()
        .filter(Q(actor=actor) | Q(speaker=actor))
        .select_related("actor", "proposal", "article", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .defer(*NOT_FOR_ROWS)
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
    return (
        article.positions.select_related("actor", "proposal", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .order_by("stated_on", "id")
    )


def article_positions_read(*, article: Article) -> list[Position]:
    """The positions the article reports, in the order stated, as the
    request reads them (the article page; its form edits the live ones)."""
    return as_positions(
        positions_read()
        .filter(article_id=article.pk)
        .select_related("actor", "proposal", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .order_by("stated_on", "id")
    )


class DocumentPage(NamedTuple):
    """A page of positions as JSON, and the data version it was read at (one
    statement: one snapshot)."""

    snapshot: Snapshot
    # The page's documents in its order, comma-separated ("" for none).
    documents: str
    # The last one's (stated_on, id) when more follow, for the next cursor.
    next_key: tuple[datetime.date, int] | None
    # The first one's (stated_on, id), for the previous cursor (None if empty).
    first_key: tuple[datetime.date, int] | None


@functools.lru_cache(maxsize=32)
def _documents_sql(
    *,
    actor: bool,
    proposal: bool,
    after: bool,
    before: bool,
    descending: bool,
    beyond: bool,
) -> str:
    # One text per combination of filters: each is prepared once per
    # connection, with a plan of its own.
    direction = "DESC" if descending else "ASC"
    named, conditions = [], []
    for given, name, table, column in (
        (actor, "actor", Actor._meta.db_table, "p.actor_id"),
        (proposal, "proposal", Proposal._meta.db_table, "p.proposal_id"),
    ):
        if given:
            named.append(f"(SELECT id FROM {table} WHERE slug = %({name})s) AS {name}")  # noqa: S608
            conditions.append(f"{column} = (SELECT {name} FROM named)")  # noqa: S608
    if after:
        conditions.append("p.stated_on >= %(stated_after)s")
    if before:
        conditions.append("p.stated_on <= %(stated_before)s")
    if beyond:
        # After the cursor's row in the page's order, as keyset_page has it.
        past = "<" if descending else ">"
        conditions.append(
            f"(p.stated_on {past} %(beyond_day)s OR "
            f"(p.stated_on = %(beyond_day)s AND p.id {past} %(beyond_id)s))"
        )
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    named_columns = ", ".join(["1 AS one", *named])
    # One row back, the page joined by PostgreSQL: reading 51 rows of
    # documents into Python cost more than joining them.
    # Model tables and fixed columns only; every value is a parameter.
    return f"""
        WITH current AS (
            SELECT version, taken_at FROM {versions.counter_table()} WHERE id = 1
        ),
        named AS (SELECT {named_columns}),
        page AS (
            SELECT {json_document_columns()}
            {POSITIONS_FROM} {where}
            ORDER BY p.stated_on {direction}, p.id {direction}
            LIMIT %(size)s + 1
        ),
        numbered AS (
            SELECT row_to_json(page)::text AS document, page.stated_on, page.id,
                row_number() OVER (
                    ORDER BY page.stated_on {direction}, page.id {direction}
                ) AS n
            FROM page
        ),
        gathered AS (
            SELECT
                string_agg(document, ',' ORDER BY n) FILTER (WHERE n <= %(size)s),
                count(*) > %(size)s,
                max(stated_on) FILTER (WHERE n = %(size)s),
                max(id) FILTER (WHERE n = %(size)s),
                max(stated_on) FILTER (WHERE n = 1),
                max(id) FILTER (WHERE n = 1)
            FROM numbered
        )
        SELECT current.version, current.taken_at, gathered.*, named.*
        FROM current, gathered, named"""  # noqa: S608


def position_documents(
    *,
    url_prefix: str,
    size: int,
    descending: bool = False,
    actor: str | None = None,
    proposal: str | None = None,
    stated_after: datetime.date | None = None,
    stated_before: datetime.date | None = None,
    beyond: tuple[datetime.date, int] | None = None,
) -> DocumentPage | None:
    """The first ``size`` live positions of the list's filters as JSON,
    ordered by statement date then id, after the (stated_on, id) ``beyond``
    in that order if given (a next cursor's). None where the list would
    answer otherwise: a slug that names nothing (a 400), or no version
    recorded yet."""
    sql = _documents_sql(
        actor=actor is not None,
        proposal=proposal is not None,
        after=stated_after is not None,
        before=stated_before is not None,
        descending=descending,
        beyond=beyond is not None,
    )
    beyond_day, beyond_id = beyond or (None, None)
    rows = fetch(
        sql,
        {
            "url_prefix": url_prefix,
            "size": size,
            "actor": actor,
            "proposal": proposal,
            "stated_after": stated_after,
            "stated_before": stated_before,
            "beyond_day": beyond_day,
            "beyond_id": beyond_id,
        },
    )
    if not rows:
        return None
    version, taken_at, documents, more, last_day, last_id, first_day, first_id = rows[
        0
    ][:8]
    named = rows[0][9:]
    if any(value is None for value in named):
        return None
    return DocumentPage(
        snapshot=Snapshot(version=version, taken_at=taken_at),
        documents=documents or "",
        next_key=(last_day, last_id) if more else None,
        first_key=(first_day, first_id) if first_id is not None else None,
    )


class Document(NamedTuple):
    """One live position as JSON, its own version (the ETag's), and the data
    version it was read at."""

    document: str
    version: int
    snapshot: Snapshot


def position_document(position_id: int, *, url_prefix: str) -> Document | None:
    """One live position's JSON document (None if there is none)."""
    rows = fetch(
        POSITION_DOCUMENT_SQL, {"position_id": position_id, "url_prefix": url_prefix}
    )
    if not rows:
        return None
    document, version, data_version, taken_at = rows[0]
    return Document(document, version, Snapshot(data_version, taken_at))


POSITION_DOCUMENT_SQL = (
    "SELECT row_to_json(position)::text, position.version, "  # noqa: S608
    "current.version, current.taken_at FROM "
    f"(SELECT {json_document_columns()} {POSITIONS_FROM} "
    "WHERE p.id = %(position_id)s) position, "
    f"{versions.counter_table()} current WHERE current.id = 1"
)
