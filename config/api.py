"""The v1 routes: the resources' router, the analyses and the schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from actors.api import ActorViewSet
from positions import api as positions_api


class APIRouter(DefaultRouter):
    """The root lists the analyses and the schema beside the resources."""

    # Name in the root: URL name. An actor's summary needs its slug: it is
    # listed in the schema and in the actors' `url`s.
    endpoints = {
        "stances": "stances",
        "timeline": "timeline",
        "changes": "changes",
        "gap": "gap",
        "diff": "diff",
        "schema": "schema",
        "docs": "docs",
    }

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        root = {
            prefix: list_name.format(basename=basename)
            for prefix, _, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict=root | self.endpoints)


router = APIRouter()
router.register("actors", ActorViewSet, basename="actor")
router.register(
    "negotiations", positions_api.NegotiationViewSet, basename="negotiation"
)
router.register("proposals", positions_api.ProposalViewSet, basename="proposal")
router.register("articles", positions_api.ArticleViewSet, basename="article")
router.register("events", positions_api.EventViewSet, basename="event")
router.register("positions", positions_api.PositionViewSet, basename="position")
router.register("releases", positions_api.ReleaseViewSet, basename="release")

urlpatterns = [
    path("stances/", positions_api.StancesView.as_view(), name="stances"),
    path("timeline/", positions_api.TimelineView.as_view(), name="timeline"),
    path("changes/", positions_api.ChangesView.as_view(), name="changes"),
    path("gap/", positions_api.GapView.as_view(), name="gap"),
    path("diff/", positions_api.DiffView.as_view(), name="diff"),
    path("deletions/", positions_api.DeletionsView.as_view(), name="deletions"),
    # Before the router, whose actor detail route would take "summary" for
    # nothing; the view is the positions app's, as actors never imports it.
    path(
        "actors/<slug:slug>/summary/",
        positions_api.ActorSummaryView.as_view(),
        name="actor-summary",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script,
    # so the Content-Security-Policy holds on the docs page too.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include(router.urls)),
]
