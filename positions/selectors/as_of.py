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

POSITION = Position._meta.db_table
POSITION_HISTORY = Position.history.model._meta.db_table


def positions_read() -> PositionQuerySet:
    """Positions as the request reads them: live, or as of its version."""
    version = reading_version()
    if version is None:
        return Position.objects.all()
    return Position.history.at_version(version)


def as_positions(rows) -> list[Position]:
    """Positions of ``positions_read`` as Position instances: a history row
    becomes the position as recorded (its ``pk`` the position's, not the
    history row's), keeping the related rows already selected with it."""
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
    return positions


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
