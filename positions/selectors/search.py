"""Search across actors, negotiations, proposals, articles, quotes and notes.

A query is words, each of which must match (in any of a row's texts), not a
phrase: "hanoi summit" finds "the summit in Hanoi". On PostgreSQL articles
and quotes use full-text search (stemmed, ranked); elsewhere, and for the
short texts of actors, negotiations and proposals, each word is a
case-insensitive substring. A statement also matches by its speaker's name.
The words to mark in what is found are the query's and, on PostgreSQL, the
forms its stemming matched ("threatened" for "threatens").
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Left

from actors.models import Actor
from config.lib.versions import reading_version, recorded_at
from positions.models import Article, Negotiation, Proposal
from positions.selectors.as_of import as_positions, positions_read
from positions.selectors.positions import (
    NOT_FOR_ROWS,
    ROW_PREFETCHES,
    ROW_RELATIONS,
)

# More words than this are not a search but a pasted paragraph.
MAX_WORDS = 12


@dataclass(frozen=True)
class SearchResults:
    actors: list
    negotiations: list
    proposals: list
    articles: list
    positions: list
    # The words to mark where they were found.
    words: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(
            map(
                len,
                (
                    self.actors,
                    self.negotiations,
                    self.proposals,
                    self.articles,
                    self.positions,
                ),
            )
        )


NOTHING = SearchResults([], [], [], [], [])


@dataclass(frozen=True)
class SearchFilters:
    """What narrows the articles and statements found: a side (or a speaker,
    when the actor is a person), a proposal, and dates stated or published."""

    actor: Actor | None = None
    proposal: Proposal | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


def search_words(query: str) -> tuple[str, ...]:
    return tuple(query.split()[:MAX_WORDS])


def every_word(words, *fields: str) -> Q:
    """Rows where each word is in at least one of ``fields``."""
    condition = Q()
    for word in words:
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": word})
        condition &= anywhere
    return condition


def search_everything(
    *, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20
) -> SearchResults:
    """Everything matching every word of ``query``, each kind up to ``limit``,
    as the request reads it: live, or as recorded at its version (what was
    added later is not found, what was renamed since is found by its words
    of then)."""
    words = search_words(query)
    if not words:
        return NOTHING
    articles = _filtered_articles(_read(Article), filters)
    positions = _filtered_positions(positions_read(), filters)
    by_speaker = every_word(words, "speaker__name", "speaker__short_name")
    if connection.vendor == "postgresql":
        articles, positions = _full_text(query, articles, positions, by_speaker)
    else:
        articles = articles.filter(
            every_word(words, "title", "outlet", "summary", "body")
        ).order_by("-published_on", "-id")
        positions = positions.filter(
            every_word(
                words,
                "quote",
                "quote_original",
                "note",
                "speaker__name",
                "speaker__short_name",
            )
        ).order_by("-stated_on", "-id")
    articles = list(articles[:limit])
    positions = list(
        positions.select_related("actor", "proposal", "article", *ROW_RELATIONS)
        .prefetch_related(*ROW_PREFETCHES)
        .defer(*NOT_FOR_ROWS)[:limit]
    )
    return SearchResults(
        actors=_as_recorded(
            _read(Actor)
            .filter(every_word(words, "name", "short_name", "aliases"))
            .order_by("name")[:limit]
        ),
        negotiations=_as_recorded(
            _read(Negotiation)
            .filter(every_word(words, "title", "description"))
            .order_by("title")[:limit]
        ),
        proposals=_with_negotiations(
            _read(Proposal)
            .filter(every_word(words, "title", "summary"))
            .order_by("title")[:limit]
        ),
        articles=_as_recorded(articles),
        positions=as_positions(positions),
        words=words + _stemmed_forms(words, [*articles, *positions]),
    )


def _read(model) -> QuerySet:
    """``model``'s rows as the request reads them: live, or its history rows
    standing at the version read."""
    version = reading_version()
    if version is None:
        return model._default_manager.all()
    return model.history.at_version(version)


def _as_recorded(rows) -> list:
    """Rows of ``_read`` as model instances (a history row as the object it
    recorded, its id the object's)."""
    return [row.instance if hasattr(row, "history_id") else row for row in rows]


def _with_negotiations(proposals: QuerySet) -> list[Proposal]:
    """Proposals of ``_read`` with their negotiation as the request reads it."""
    version = reading_version()
    if version is None:
        return list(proposals.select_related("negotiation"))
    found = _as_recorded(proposals)
    negotiations = recorded_at(
        Negotiation, version, {proposal.negotiation_id for proposal in found}
    )
    for proposal in found:
        proposal.negotiation = negotiations[proposal.negotiation_id]
    return found


def _filtered_articles(articles: QuerySet, filters: SearchFilters) -> QuerySet:
    if filters.since:
        articles = articles.filter(published_on__gte=filters.since)
    if filters.until:
        articles = articles.filter(published_on__lte=filters.until)
    if filters.actor or filters.proposal:
        cited = _filtered_positions(
            positions_read(), SearchFilters(filters.actor, filters.proposal)
        )
        # ``id``: a history row's pk is its own, not the article's.
        articles = articles.filter(id__in=cited.values("article_id"))
    return articles


def _filtered_positions(positions: QuerySet, filters: SearchFilters) -> QuerySet:
    if filters.actor is not None:
        if filters.actor.kind == Actor.Kind.PERSON:
            positions = positions.filter(speaker=filters.actor)
        else:
            positions = positions.filter(actor=filters.actor)
    if filters.proposal is not None:
        positions = positions.filter(proposal=filters.proposal)
    if filters.since:
        positions = positions.filter(stated_on__gte=filters.since)
    if filters.until:
        positions = positions.filter(stated_on__lte=filters.until)
    return positions


# What ts_headline puts around each word it matched: characters no typed
# text is expected to hold, read back by _stemmed_forms.
MATCH_START, MATCH_END = "\u2e28", "\u2e29"
MATCHED = re.compile(f"{MATCH_START}(.+?){MATCH_END}")
# How much of an article's body ts_headline reads for the forms it matched:
# it parses all it is given, about 15 ms for 70,000 characters, for each of
# the twenty articles shown. A form found only further on is marked where
# it is also a typed word.
MARKED_BODY = 5000


def _stemmed_forms(words: tuple[str, ...], rows) -> tuple[str, ...]:
    """The forms full-text search matched in ``rows`` (their ``matched``
    headlines, on PostgreSQL) other than ``words``: "threatened" for
    "threatens", "negotiations" for "negotiation" (marked whole, not in
    part). Empty elsewhere."""
    forms = {word.casefold(): None for word in words}
    for row in rows:
        for form in MATCHED.findall(getattr(row, "matched", None) or ""):
            forms.setdefault(form.casefold(), form)
    return tuple(form for form in forms.values() if form is not None)


def _full_text(query: str, articles: QuerySet, positions: QuerySet, by_speaker: Q):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    def matched(*fields, query: SearchQuery, fragments: int | None = None):
        # The words PostgreSQL matched, marked; the rest of the text is not
        # needed, so a long one comes back as a few short fragments.
        return SearchHeadline(
            Concat(
                *(part for field in fields for part in (field, Value(" "))),
                output_field=TextField(),
            ),
            query,
            config="english",
            start_sel=MATCH_START,
            stop_sel=MATCH_END,
            highlight_all=fragments is None,
            max_fragments=fragments,
            max_words=None if fragments is None else 3,
            min_words=None if fragments is None else 1,
        )

    search = SearchQuery(query, search_type="websearch", config="english")
    article_vector = SearchVector(
        "title", "outlet", weight="A", config="english"
    ) + SearchVector("summary", "body", weight="B", config="english")
    # Matched with @@, every word required: a rank above 0 comes with any
    # one of them.
    articles = (
        articles.annotate(
            document=article_vector,
            rank=SearchRank(article_vector, search),
            matched=matched(
                "title",
                "outlet",
                "summary",
                Left("body", MARKED_BODY),
                query=search,
                fragments=10,
            ),
        )
        .filter(document=search)
        .order_by("-rank", "-published_on")
    )
    # The original is in another language: matched word for word, unstemmed.
    position_vector = SearchVector("quote", "note", config="english") + SearchVector(
        "quote_original", config="simple"
    )
    position_search = search | SearchQuery(
        query, search_type="websearch", config="simple"
    )
    positions = (
        positions.annotate(
            document=position_vector,
            rank=SearchRank(position_vector, position_search),
            matched=matched("quote", "note", "quote_original", query=position_search),
        )
        # Words of a language written without spaces between its particles
        # (Korean "조치를" holds "조치") are matched as parts of the original.
        .filter(
            Q(document=position_search)
            | every_word(search_words(query), "quote_original")
            | by_speaker
        )
        .order_by("-rank", "-stated_on", "-id")
    )
    return articles, positions
