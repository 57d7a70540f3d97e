from django.urls import path

from positions.feeds import (
    ActorChangesFeed,
    ChangesFeed,
    ProposalChangesFeed,
    RecordedFeed,
)
from positions.views import (
    actors,
    articles,
    changes,
    events,
    home,
    negotiations,
    positions,
    proposals,
    releases,
    search,
)

app_name = "positions"

urlpatterns = [
    path("", home.home, name="home"),
    path("negotiations/", negotiations.negotiation_list, name="negotiation-list"),
    path("proposals/", proposals.proposal_list, name="proposal-list"),
    path("actors/", actors.actor_list, name="actor-list"),
    path(
        "negotiations/<slug:slug>/",
        negotiations.negotiation_detail,
        name="negotiation-detail",
    ),
    path(
        "negotiations/<slug:slug>/compare/",
        negotiations.negotiation_compare,
        name="negotiation-compare",
    ),
    path("events/<slug:slug>/", events.event_detail, name="event-detail"),
    path("proposals/<slug:slug>/", proposals.proposal_detail, name="proposal-detail"),
    path(
        "proposals/<slug:slug>/chart.svg",
        proposals.proposal_chart,
        name="proposal-chart",
    ),
    path(
        "negotiations/<slug:slug>/gap.svg",
        negotiations.negotiation_gap_chart,
        name="negotiation-gap-chart",
    ),
    path("actors/<slug:slug>/", actors.actor_detail, name="actor-detail"),
    path("actors/<slug:slug>/feed/", ActorChangesFeed(), name="actor-feed"),
    path("proposals/<slug:slug>/feed/", ProposalChangesFeed(), name="proposal-feed"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/new/", articles.article_create, name="article-create"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/edit/", articles.article_edit, name="article-edit"),
    path("positions/<int:pk>/", positions.position_detail, name="position-detail"),
    path("releases/", releases.release_list, name="release-list"),
    path("releases/<slug:slug>/", releases.release_detail, name="release-detail"),
    path(
        "releases/<slug:slug>/files/<str:name>",
        releases.release_file,
        name="release-file",
    ),
    path("positions/<int:pk>/edit/", positions.position_edit, name="position-edit"),
    path(
        "positions/<int:pk>/delete/", positions.position_delete, name="position-delete"
    ),
    path("changes/", changes.change_list_page, name="change-list"),
    path("changes/feed/", ChangesFeed(), name="change-feed"),
    path("positions/feed/", RecordedFeed(), name="recorded-feed"),
    path("search/", search.search, name="search"),
]
