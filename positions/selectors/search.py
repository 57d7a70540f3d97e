"""Search across actors, proposals, articles and quotes."""

from dataclasses import dataclass

from django.db import connection

from actors.models import Actor
from positions.models import Article, Position, Proposal


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
            .select_related("actor", "proposal", "article", "speaker")
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
    position_vector = SearchVector("quote", "note", config="english")
    positions = list(
        Position.objects.annotate(rank=SearchRank(position_vector, search))
        .filter(rank__gt=0)
        .select_related("actor", "proposal", "article", "speaker")
        .order_by("-rank", "-stated_on")[:limit]
    )
    return articles, positions
