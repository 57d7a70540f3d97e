"""REST endpoints of the positions app: ``resources`` (negotiations,
proposals, articles), ``events``, ``positions``, ``analysis`` and ``movement``."""

from positions.api.analysis import ChangesView, GapView, StancesView, TimelineView
from positions.api.deletions import DeletionsView
from positions.api.events import EventViewSet
from positions.api.movement import ActorSummaryView, DiffView
from positions.api.positions import PositionViewSet
from positions.api.releases import ReleaseViewSet
from positions.api.resources import ArticleViewSet, NegotiationViewSet, ProposalViewSet

__all__ = [
    "ActorSummaryView",
    "DiffView",
    "ArticleViewSet",
    "ChangesView",
    "DeletionsView",
    "EventViewSet",
    "GapView",
    "NegotiationViewSet",
    "PositionViewSet",
    "ProposalViewSet",
    "ReleaseViewSet",
    "StancesView",
    "TimelineView",
]
