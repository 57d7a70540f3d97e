"""Turning CSV rows (the columns of the positions export) into positions.

Names are resolved here; the rules are ``positions_bulk_create``'s, the same
service the bulk API endpoint calls, so both accept and refuse the same rows.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import Actor
from positions.models import Article, Confidence, Proposal
from positions.services import BulkValidationError, error_dict, positions_bulk_create

REQUIRED_COLUMNS = {"proposal", "stance", "stated_on"}


class NameBook:
    """Actors by slug, name, short name or alias; proposals by slug or title;
    articles by URL."""

    def __init__(self):
        self.actors: dict[str, Actor] = {}
        for actor in Actor.objects.all():
            for name in [actor.slug, actor.name, actor.short_name, *actor.aliases]:
                if name:
                    self.actors.setdefault(name.casefold(), actor)
        self.proposals: dict[str, Proposal] = {}
        for proposal in Proposal.objects.all():
            for name in (proposal.slug, proposal.title):
                self.proposals.setdefault(name.casefold(), proposal)
        self.articles: dict[str, Article] = {}

    def actor(self, name: str) -> Actor:
        try:
            return self.actors[name.strip().casefold()]
        except KeyError:
            raise ValidationError(
                f"No actor has the slug, name or alias “{name}”."
            ) from None

    def proposal(self, name: str) -> Proposal:
        try:
            return self.proposals[name.strip().casefold()]
        except KeyError:
            raise ValidationError(
                f"No proposal has the slug or title “{name}”."
            ) from None

    def article(self, row: dict, *, recorded_by) -> Article:
        if row.get("article_url"):
            url = row["article_url"].strip()
            if url not in self.articles:
                self.articles[url] = Article.objects.by_url(url).first() or (
                    self._new_article(row, recorded_by)
                )
            return self.articles[url]
        if row.get("article"):
            try:
                return Article.objects.get(pk=int(row["article"]))
            except (ValueError, Article.DoesNotExist):
                raise ValidationError(
                    f"No article has the id “{row['article']}”."
                ) from None
        raise ValidationError(
            "Give article_url (with title, outlet and date) or article."
        )

    @staticmethod
    def _new_article(row: dict, recorded_by) -> Article:
        article = Article(
            url=row["article_url"].strip(),
            title=(row.get("article_title") or "").strip(),
            outlet=(row.get("article_outlet") or "").strip(),
            published_on=_date(row.get("article_published_on"), "article_published_on"),
            added_by=recorded_by
            if recorded_by and recorded_by.is_authenticated
            else None,
        )
        try:
            article.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    f"article_{field}": messages
                    for field, messages in error_dict(error).items()
                }
            ) from None
        article.save()
        return article


def _date(value, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(
            {column: f"“{value}” is not a date (YYYY-MM-DD)."}
        ) from None


def _fields(row: dict, book: NameBook, recorded_by) -> dict:
    errors, fields = {}, {}

    def take(column, convert):
        try:
            fields[column] = convert()
        except ValidationError as error:
            errors.update(
                error_dict(error)
                if hasattr(error, "error_dict")
                else {column: error.messages}
            )

    if (row.get("actor") or "").strip():
        take("actor", lambda: book.actor(row["actor"]))
    if (row.get("speaker") or "").strip():
        take("speaker", lambda: book.actor(row["speaker"]))
    take("proposal", lambda: book.proposal(row.get("proposal") or ""))
    take("stated_on", lambda: _date(row.get("stated_on"), "stated_on"))
    take("stance", lambda: _stance(row.get("stance")))
    take("confidence", lambda: _confidence(row.get("confidence")))
    take("article", lambda: book.article(row, recorded_by=recorded_by))
    fields["quote"] = row.get("quote") or ""
    fields["note"] = row.get("note") or ""
    if errors:
        raise ValidationError(errors)
    return fields


def _stance(value) -> int:
    try:
        stance = int(str(value).strip())
    except ValueError:
        stance = None
    if stance not in range(-2, 3):
        raise ValidationError({"stance": f"“{value}” is not a stance from -2 to 2."})
    return stance


def _confidence(value) -> int:
    key = (value or "medium").strip().lower()
    if key not in Confidence.names and key.upper() not in Confidence.names:
        raise ValidationError({"confidence": f"“{value}” is not low, medium or high."})
    return Confidence[key.upper()]


@transaction.atomic
def import_position_rows(
    rows: Iterable[dict], *, recorded_by=None, dry_run: bool = False, on_row=None
) -> int:
    """Create a position for every row, or none; returns how many were created.

    Rows whose names cannot be resolved and rows that break a rule are all
    reported together in ``BulkValidationError`` (keyed by row index), and
    nothing is saved, articles included. ``dry_run`` checks everything and
    then undoes it.
    """
    book = NameBook()
    resolved, errors = [], {}
    for index, row in enumerate(rows):
        try:
            resolved.append(_fields(row, book, recorded_by))
        except ValidationError as error:
            errors[index] = error_dict(error)
            resolved.append(None)
    if errors:
        raise BulkValidationError(errors)
    created = positions_bulk_create(
        rows=resolved, recorded_by=recorded_by, on_row=on_row
    )
    if dry_run:
        transaction.set_rollback(True)
    return len(created)
