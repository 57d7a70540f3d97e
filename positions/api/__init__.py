"""REST endpoints of the positions app: ``resources`` (negotiations,
proposals, articles), ``positions`` and ``analysis``."""

from positions.api.analysis import ChangesView, GapView, StancesView, TimelineView
from positions.api.positions import PositionViewSet
from positions.api.resources import ArticleViewSet, NegotiationViewSet, ProposalViewSet

__all__ = [
    "ArticleViewSet",
    "ChangesView",
    "GapView",
    "NegotiationViewSet",
    "PositionViewSet",
    "ProposalViewSet",
    "StancesView",
    "TimelineView",
]
