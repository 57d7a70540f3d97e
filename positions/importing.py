"""Turning CSV rows (the columns of the positions export) into positions.

Names are resolved here; the rules are ``positions_bulk_create``'s, the same
service the bulk API endpoint calls, so both accept and refuse the same rows.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actors.models import Actor
from config.lib.bulk_clean import BULK_BATCH_SIZE, full_clean_each, in_batches
from config.lib.rest import error_dict
from positions.models import (
    Article,
    Attribution,
    Confidence,
    Event,
    Proposal,
    normalize_article_url,
)
from positions.services import BulkValidationError, positions_bulk_create

REQUIRED_COLUMNS = {"proposal", "stance", "stated_on"}


class NameBook:
    """Actors by slug, name, short name or alias; proposals by slug or title;
    articles by URL or id. Everything the rows name is loaded up front with a
    few queries, not one per row.

    An article URL not yet stored becomes a new article, from the columns of
    the first row naming it whose columns make a valid article (as if each row
    were imported in turn); ``save_new_articles`` creates them.
    """

    def __init__(self, rows: list[dict], *, recorded_by=None):
        self.actors: dict[str, Actor] = {}
        for actor in Actor.objects.all():
            for name in [actor.slug, actor.name, actor.short_name, *actor.aliases]:
                if name:
                    self.actors.setdefault(name.casefold(), actor)
        self.proposals: dict[str, Proposal] = {}
        for proposal in Proposal.objects.all():
            for name in (proposal.slug, proposal.title):
                self.proposals.setdefault(name.casefold(), proposal)
        self.added_by = (
            recorded_by if recorded_by and recorded_by.is_authenticated else None
        )
        self.new_articles: list[Article] = []
        # Loaded when a row first names an event.
        self.events: dict[str, Event] | None = None
        self._normalized: dict[str, str | None] = {}
        ids = set()
        for row in rows:
            if row.get("article_url"):
                url = row["article_url"].strip()
                if url not in self._normalized:
                    try:
                        self._normalized[url] = normalize_article_url(url)
                    except ValueError:  # urlsplit refuses it (e.g. a bad IPv6 host)
                        self._normalized[url] = None
            elif row.get("article"):
                try:
                    ids.add(int(row["article"]))
                except ValueError:
                    pass  # Reported on its row.
        self.articles_by_key: dict[str, Article] = {}
        for batch in in_batches({url for url in self._normalized.values() if url}):
            self.articles_by_key.update(
                (article.url_key, article)
                for article in Article.objects.filter(url_key__in=batch).order_by()
            )
        self.articles_by_id: dict[int, Article] = {}
        for batch in in_batches(ids):
            self.articles_by_id.update(Article.objects.in_bulk(batch))
        self._drafts = self._checked_drafts(rows)

    def actor(self, name: str) -> Actor:
        try:
            return self.actors[name.strip().casefold()]
        except KeyError:
            raise ValidationError(
                f"No actor has the slug, name or alias “{name}”."
            ) from None

    def event(self, slug: str) -> Event:
        if self.events is None:
            self.events = {event.slug: event for event in Event.objects.all()}
        try:
            return self.events[slug.strip()]
        except KeyError:
            raise ValidationError(f"No event has the slug “{slug}”.") from None

    def proposal(self, name: str) -> Proposal:
        try:
            return self.proposals[name.strip().casefold()]
        except KeyError:
            raise ValidationError(
                f"No proposal has the slug or title “{name}”."
            ) from None

    def article(self, row: dict) -> Article:
        """The row's article; rows must be asked for in file order."""
        if row.get("article_url"):
            url = row["article_url"].strip()
            normalized = self._normalized[url]
            if normalized is None:
                raise ValidationError({"article_url": URLValidator.message})
            if normalized not in self.articles_by_key:
                # Not stored yet: this row's columns make it, unless an
                # earlier row already did.
                draft, error = self._drafts[_draft_key(row)]
                if error is not None:
                    raise error
                self.articles_by_key[normalized] = draft
                self.new_articles.append(draft)
            return self.articles_by_key[normalized]
        if row.get("article"):
            try:
                return self.articles_by_id[int(row["article"])]
            except (ValueError, KeyError):
                raise ValidationError(
                    f"No article has the id “{row['article']}”."
                ) from None
        raise ValidationError(
            "Give article_url (with title, outlet and date) or article."
        )

    def save_new_articles(self) -> None:
        if not self.new_articles:
            return
        bulk_create_with_history(
            self.new_articles,
            Article,
            batch_size=BULK_BATCH_SIZE,
            default_user=self.added_by,
        )

    def _checked_drafts(self, rows: list[dict]) -> dict[tuple, tuple]:
        """(article, None) or (None, error) for each distinct set of article
        columns that names a URL not stored yet."""
        drafts: dict[tuple, tuple] = {}
        for row in rows:
            if not row.get("article_url"):
                continue
            url = row["article_url"].strip()
            if (
                self._normalized[url] in self.articles_by_key
                or self._normalized[url] is None
            ):
                continue
            key = _draft_key(row)
            if key in drafts:
                continue
            try:
                drafts[key] = (self._draft(row, url), None)
            except ValidationError as error:
                drafts[key] = (None, error)
        keys = [key for key, (draft, _) in drafts.items() if draft is not None]
        # Drafts of one URL do not conflict with each other: only one of them
        # is saved, the first valid one.
        invalid = full_clean_each([drafts[key][0] for key in keys], between=False)
        for index, error in invalid.items():
            drafts[keys[index]] = (
                None,
                ValidationError(
                    {
                        f"article_{field}": messages
                        for field, messages in error_dict(error).items()
                    }
                ),
            )
        return drafts

    def _draft(self, row: dict, url: str) -> Article:
        return Article(
            url=url,
            title=(row.get("article_title") or "").strip(),
            outlet=(row.get("article_outlet") or "").strip(),
            published_on=_date(row.get("article_published_on"), "article_published_on"),
            added_by=self.added_by,
        )


def _draft_key(row: dict) -> tuple:
    return tuple(
        (row.get(column) or "").strip()
        for column in (
            "article_url",
            "article_title",
            "article_outlet",
            "article_published_on",
        )
    )


def _date(value, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(
            {column: f"“{value}” is not a date (YYYY-MM-DD)."}
        ) from None


def _fields(row: dict, book: NameBook) -> dict:
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
    take("article", lambda: book.article(row))
    if (row.get("event") or "").strip():
        take("event", lambda: book.event(row["event"]))
    if (row.get("condition_proposal") or "").strip():
        take("condition_proposal", lambda: book.proposal(row["condition_proposal"]))
    if (row.get("condition_event") or "").strip():
        take("condition_event", lambda: book.event(row["condition_event"]))
    take("attribution", lambda: _attribution(row.get("attribution")))
    for column in ("quote", "note", "condition", "quote_original", "quote_language"):
        fields[column] = row.get(column) or ""
    if errors:
        raise ValidationError(errors)
    return fields


def _attribution(value) -> str:
    key = (value or "").strip().lower()
    if key and key not in Attribution.values:
        raise ValidationError(
            {
                "attribution": f"“{value}” is not one of "
                f"{', '.join(Attribution.values)} (or empty, to derive it)."
            }
        )
    return key


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
    then undoes it. New articles and positions get their "created" history
    row, by ``recorded_by``.
    """
    rows = list(rows)
    book = NameBook(rows, recorded_by=recorded_by)
    resolved, errors = [], {}
    for index, row in enumerate(rows):
        try:
            resolved.append(_fields(row, book))
        except ValidationError as error:
            errors[index] = error_dict(error)
            resolved.append(None)
    if errors:
        raise BulkValidationError(errors)
    book.save_new_articles()
    created = positions_bulk_create(
        rows=resolved, recorded_by=recorded_by, on_row=on_row
    )
    if dry_run:
        transaction.set_rollback(True)
    return len(created)
