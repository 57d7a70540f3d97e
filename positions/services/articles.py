"""An article and the positions it reports, saved together."""

from django.db import transaction

from config.lib.versions import take_data_version
from positions.models import Article, Position
from positions.services.positions import (
    position_create,
    position_delete,
    position_update,
    save_validated,
)


class ArticleChanged(Exception):
    """The article was saved by someone else since the editor loaded it."""

    def __init__(self, article: Article):
        self.article = article
        super().__init__(
            "Someone else saved this article while you were editing it. Their "
            "version is shown now; apply your changes again."
        )


def article_positions_apply(
    *, article: Article, created: list, changed: list, deleted: list, by=None
) -> list[Position]:
    """Create, change and delete positions of ``article`` (in that order of
    safety: deletions and edits are version-checked). Returns the new ones."""
    for position_id, version in deleted:
        position_delete(position_id=position_id, expected_version=version, by=by)
    for position_id, version, changes in changed:
        position_update(
            position_id=position_id, expected_version=version, changes=changes, by=by
        )
    return [
        position_create(recorded_by=by, **(fields | {"article": article}))
        for fields in created
    ]


@transaction.atomic
def article_save_with_positions(
    *,
    article: Article,
    loaded_at: str | None,
    created: list,
    changed: list,
    deleted: list,
    by=None,
) -> Article:
    """Save an article and the positions it reports, all or nothing.

    ``loaded_at`` is the article's ``updated_at`` when the editor loaded it;
    if it was saved since, ``ArticleChanged`` is raised and nothing changes.
    """
    if article.pk:
        take_data_version()  # before the row's lock: see config.lib.versions
        current = Article.objects.select_for_update().get(pk=article.pk)
        if loaded_at != current.updated_at.isoformat():
            raise ArticleChanged(current)
    elif by is not None and by.is_authenticated:
        article.added_by = by
    save_validated(article, by=by)
    article_positions_apply(
        article=article, created=created, changed=changed, deleted=deleted, by=by
    )
    return article
