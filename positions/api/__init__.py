"""REST endpoints of the positions app: ``resources`` (negotiations,
proposals, articles), ``positions``, ``analysis`` and ``movement``."""

from positions.api.analysis import ChangesView, GapView, StancesView, TimelineView
from positions.api.movement import ActorSummaryView, DiffView
from positions.api.positions import PositionViewSet
from positions.api.resources import ArticleViewSet, NegotiationViewSet, ProposalViewSet

__all__ = [
    "ActorSummaryView",
    "DiffView",
    "ArticleViewSet",
    "ChangesView",
    "GapView",
    "NegotiationViewSet",
    "PositionViewSet",
    "ProposalViewSet",
    "StancesView",
    "TimelineView",
]
