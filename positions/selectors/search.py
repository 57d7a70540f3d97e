"""Search across actors, proposals, articles and quotes."""

from dataclasses import dataclass

from django.db import connection

from actors.models import Actor
from positions.models import Article, Position, Proposal
from positions.selectors.positions import ROW_RELATIONS


@dataclass(frozen=True)
class SearchResults:
    actors: list
    proposals: list
    articles: list
    positions: list

    @property
    def total(self) -> int:
        return sum(
            map(len, (self.actors, self.proposals, self.articles, self.positions))
        )


def search_everything(*, query: str, limit: int = 20) -> SearchResults:
    """Actors (names and aliases), proposals, articles and quotes matching ``query``.

    A position matches by its quote, its quote in the original language or
    its note.

    On PostgreSQL articles and quotes use full-text search (stemmed, ranked);
    on SQLite a case-insensitive substring match stands in. One code path,
    chosen by the database in use.
    """
    query = query.strip()
    if not query:
        return SearchResults([], [], [], [])
    if connection.vendor == "postgresql":
        articles, positions = _full_text(query, limit)
    else:
        articles = list(Article.objects.search(query)[:limit])
        positions = list(
            Position.objects.search(query)
            .select_related("actor", "proposal", "article", *ROW_RELATIONS)
            .order_by("-stated_on", "-id")[:limit]
        )
    return SearchResults(
        actors=list(Actor.objects.search(query)[:limit]),
        proposals=list(
            Proposal.objects.search(query).select_related("negotiation")[:limit]
        ),
        articles=articles,
        positions=positions,
    )


def _full_text(query: str, limit: int):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    search = SearchQuery(query, search_type="websearch", config="english")
    article_vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "summary", "body", weight="B", config="english"
    )
    articles = list(
        Article.objects.annotate(rank=SearchRank(article_vector, search))
        .filter(rank__gt=0)
        .order_by("-rank", "-published_on")[:limit]
    )
    # The original is in another language: matched word for word, unstemmed.
    position_vector = SearchVector("quote", "note", config="english") + SearchVector(
        "quote_original", config="simple"
    )
    position_search = search | SearchQuery(
        query, search_type="websearch", config="simple"
    )
    positions = list(
        Position.objects.annotate(rank=SearchRank(position_vector, position_search))
        .filter(rank__gt=0)
        .select_related("actor", "proposal", "article", *ROW_RELATIONS)
        .order_by("-rank", "-stated_on")[:limit]
    )
    return articles, positions
