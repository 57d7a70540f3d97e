"""The record as of a past data version, read from history.

While a request reads a past version (``config.lib.versions.reading``), every
read here answers from the history tables instead of the live ones: per
object, its latest history row stamped with that version or an earlier one,
unless that row records its deletion. Edits, deletions and back-dated
positions recorded later change nothing in such an answer.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from config.lib.versions import reading_version
from positions.models import Article, Position, PositionQuerySet
from positions.position_fields import readable


def positions_read() -> PositionQuerySet:
    """Positions as the request reads them: live, or as of its version."""
    version = reading_version()
    if version is None:
        return Position.objects.all()
    return Position.history.at_version(version)


def as_positions(rows) -> list[Position]:
    """Positions of ``positions_read`` as Position instances: a history row
    becomes the position as recorded (its ``pk`` the position's, not the
    history row's), and its side, speaker, proposal, source and events as
    they were recorded at the same version (one query a model, whatever the
    number of rows); live rows keep the related rows selected with them."""
    positions = []
    for row in rows:
        if isinstance(row, Position):
            positions.append(row)
            continue
        position = row.instance
        for field in Position._meta.concrete_fields:
            if field.is_relation and field.is_cached(row):
                field.set_cached_value(position, field.get_cached_value(row))
        positions.append(position)
    version = reading_version()
    if version is not None and len(positions) != sum(
        isinstance(row, Position) for row in rows
    ):
        _relate_as_recorded(positions, version)
    return positions


# Each relation a position's row shows, and what to leave unread of it.
RECORDED_RELATIONS = {
    "actor": (), "speaker": (), "proposal": (), "condition_proposal": (),
    "event": (), "condition_event": (), "article": ("body", "summary"),
}  # fmt: skip


def _relate_as_recorded(positions: list[Position], version: int) -> None:
    by_model: dict = {}
    for name in RECORDED_RELATIONS:
        field = Position._meta.get_field(name)
        by_model.setdefault(field.related_model, set()).update(
            getattr(position, field.attname) for position in positions
        )
    recorded = {}
    for model, ids in by_model.items():
        ids.discard(None)
        deferred = {
            left_out
            for name, leave in RECORDED_RELATIONS.items()
            if Position._meta.get_field(name).related_model is model
            for left_out in leave
        }
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if field.attname not in deferred
        ]
        history = model.history.at_version(version).filter(id__in=ids)
        # Instances of the model itself with the unread fields deferred (a
        # history row's ``instance`` would read each of them, row by row).
        key = names.index(model._meta.pk.attname)
        recorded[model] = {
            values[key]: model.from_db(history.db, names, values)
            for values in (history.values_list(*names) if ids else [])
        }
    for position in positions:
        for name in RECORDED_RELATIONS:
            field = Position._meta.get_field(name)
            related = recorded[field.related_model].get(
                getattr(position, field.attname)
            )
            if related is not None:
                field.set_cached_value(position, related)


def positions_listed():
    """The positions list (``/api/v1/positions/``) before its filters."""
    return (
        positions_read()
        .select_related("actor", "proposal__negotiation", "speaker")
        .order_by("stated_on", "id")
    )


def position_row_as_read(position_id: int) -> dict | None:
    """One position as ``position_read_row`` gives it, as the request reads it
    (live, or as of its version: then also one deleted since)."""
    return readable(positions_read().filter(id=position_id)).first()


def articles_listed():
    """The articles list, newest first, with their position counts: live, or
    as of the version read (counting the positions of that version)."""
    version = reading_version()
    if version is None:
        return Article.objects.newest_first()
    counts = (
        Position.history.at_version(version)
        .filter(article_id=OuterRef("id"))
        .order_by()
        .values("article_id")
        .annotate(count=Count("history_id"))
        .values("count")
    )
    return (
        Article.history.at_version(version)
        .annotate(position_count=Coalesce(Subquery(counts), 0))
        .order_by("-published_on", "-id")
    )


def as_articles(rows: list) -> list:
    """Articles of ``articles_listed`` as Article instances, as recorded when
    they are history rows (their ``id`` the article's)."""
    articles = []
    for row in rows:
        if isinstance(row, Article):
            articles.append(row)
            continue
        article = row.instance
        article.position_count = row.position_count
        articles.append(article)
    return articles


def article_read(*, pk: int) -> Article | None:
    """The article of a page, as the request reads it: live, or as recorded
    at its version (None if it did not stand then)."""
    version = reading_version()
    if version is None:
        return Article.objects.filter(pk=pk).first()
    row = Article.history.at_version(version).filter(id=pk).first()
    return None if row is None else row.instance


def positions_source() -> str:
    """The FROM item of positions for the analyses' SQL: the live table, or a
    subquery of the history rows standing at the version read."""
    return recorded_source(Position)


def recorded_source(model) -> str:
    """The FROM item of ``model``'s table for the analyses' SQL: the table,
    or, reading a past version, a subquery of the history rows standing then
    (the analyses name sides and proposals as they were named then, and
    count a proposal in the negotiation it was in). The version is an integer
    written into the SQL (it comes from the database, never from the client)."""
    version = reading_version()
    if version is None:
        return model._meta.db_table
    version = int(version)
    history = model.history.model._meta.db_table
    return f"""(SELECT h.* FROM {history} h
        WHERE h.data_version <= {version} AND h.history_type <> '-'
          AND NOT EXISTS (
              SELECT 1 FROM {history} l
              WHERE l.id = h.id AND l.data_version <= {version}
                AND (l.data_version > h.data_version
                     OR (l.data_version = h.data_version
                         AND l.history_id > h.history_id))))"""  # noqa: S608
