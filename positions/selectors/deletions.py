"""What was deleted, from history: the feed a mirror applies beside
``updated_since`` to stay exact."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from actors.models import Actor
from positions.models import Article, Event, Negotiation, Position, Proposal
from positions.selectors.sql import column, fetch_rows, limit_clause

# The resources a mirror holds, by the name a deletion gives them.
DELETABLE = {
    "actor": Actor,
    "negotiation": Negotiation,
    "proposal": Proposal,
    "article": Article,
    "event": Event,
    "position": Position,
}


@dataclass(frozen=True)
class Deletion:
    data_version: int = column("d.data_version")
    model: str = column("d.model")
    id: int = column("d.id")
    slug: str | None = column("d.slug")
    deleted_at: datetime.datetime = column("d.deleted_at")
    deleted_by: str | None = column("d.deleted_by")


def _deleted(name: str, model) -> str:
    history = model.history.model._meta.db_table
    live = model._meta.db_table
    users = get_user_model()
    user_table = users._meta.db_table
    username = users._meta.get_field(users.USERNAME_FIELD).column
    slug = "h.slug" if any(f.name == "slug" for f in model._meta.fields) else "NULL"
    # A row deleted and later restored is not deleted: it is in the lists.
    return f"""SELECT h.data_version, '{name}' AS model, h.id, {slug} AS slug,
               h.history_date AS deleted_at, u.{username} AS deleted_by
        FROM {history} h LEFT JOIN {user_table} u ON u.id = h.history_user_id
        WHERE h.history_type = '-' AND h.data_version > %(since)s
          AND NOT EXISTS (SELECT 1 FROM {live} x WHERE x.id = h.id)"""  # noqa: S608


def deletions_since(
    *,
    since: int,
    models: list[str] | None = None,
    after: tuple[int, str, int] | None = None,
    limit: int | None = None,
) -> list[Deletion]:
    """Deletions recorded in data versions after ``since`` of the ``models``
    named (default: every resource), in version order (then model, id)."""
    params: dict = {"since": since}
    chosen = models or list(DELETABLE)
    union = " UNION ALL ".join(_deleted(name, DELETABLE[name]) for name in chosen)
    conditions = ["1 = 1"]
    if after is not None:
        conditions.append(
            "(d.data_version > %(after_version)s OR (d.data_version = %(after_version)s"
            " AND (d.model > %(after_model)s OR (d.model = %(after_model)s"
            " AND d.id > %(after_id)s))))"
        )
        params |= dict(
            zip(("after_version", "after_model", "after_id"), after, strict=True)
        )
    sql = f"""SELECT d.data_version, d.model, d.id, d.slug, d.deleted_at, d.deleted_by
        FROM ({union}) d WHERE {" AND ".join(conditions)}
        ORDER BY d.data_version, d.model, d.id {limit_clause(limit)}"""  # noqa: S608
    return fetch_rows(Deletion, sql, params)
