"""The record: negotiations and their proposals and events, the articles that
are its sources, and the positions read from them."""

from positions.models.articles import (
    PUBLICATION_SLACK,
    Article,
    ArticleQuerySet,
    normalize_article_url,
)
from positions.models.choices import (
    CONFIDENCE_KEYS,
    INVERSE_LINK_KINDS,
    LINK_KINDS_BY_INVERSE,
    NOT_THE_SIDES_VOICE,
    Attribution,
    Confidence,
    EventKind,
    LinkKind,
    QuoteCheck,
    Stance,
)
from positions.models.negotiations import (
    Event,
    EventQuerySet,
    LinkSeen,
    Negotiation,
    NegotiationQuerySet,
    Proposal,
    ProposalLink,
    ProposalQuerySet,
)
from positions.models.positions import (
    QUOTE_CHECK_FIELDS,
    Position,
    PositionQuerySet,
    condition_clause,
)
from positions.models.releases import Release
from positions.models.versions import DataVersion, DataVersionCounter

__all__ = [
    "CONFIDENCE_KEYS",
    "INVERSE_LINK_KINDS",
    "LINK_KINDS_BY_INVERSE",
    "NOT_THE_SIDES_VOICE",
    "PUBLICATION_SLACK",
    "QUOTE_CHECK_FIELDS",
    "Article",
    "ArticleQuerySet",
    "Attribution",
    "Confidence",
    "DataVersion",
    "DataVersionCounter",
    "Event",
    "EventKind",
    "EventQuerySet",
    "LinkKind",
    "LinkSeen",
    "Negotiation",
    "NegotiationQuerySet",
    "Position",
    "PositionQuerySet",
    "Proposal",
    "ProposalLink",
    "ProposalQuerySet",
    "QuoteCheck",
    "Release",
    "Stance",
    "condition_clause",
    "normalize_article_url",
]
