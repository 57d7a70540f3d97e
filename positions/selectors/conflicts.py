"""What an editor had loaded, read back from history when a save meets a
newer one: the article form then tells what the other person changed."""

import datetime
import functools
import operator

from django.db.models import Q

from positions.models import Article, Position


def article_as_loaded(*, article: Article, loaded_at: str | None) -> Article | None:
    """``article`` as it was when its ``updated_at`` was ``loaded_at`` (the
    form's hidden value), from its history; None when no version matches."""
    try:
        when = datetime.datetime.fromisoformat(loaded_at or "")
    except ValueError:
        return None
    record = (
        article.history.filter(updated_at=when)
        .order_by("-history_date", "-history_id")
        .first()
    )
    return None if record is None else record.instance


def positions_as_loaded(*, versions: dict[int, int]) -> dict[int, Position]:
    """Each position id of ``versions`` as it was at that version, from
    history, in one query; an id without such a version is left out. Of two
    records of one version (a restore), the later wins."""
    if not versions:
        return {}
    condition = functools.reduce(
        operator.or_, (Q(id=pk, version=version) for pk, version in versions.items())
    )
    records = Position.history.filter(condition).order_by("history_date", "history_id")
    return {record.id: record.instance for record in records}
