"""The negotiation, proposal and article resources."""

from rest_framework import viewsets

from config.lib.concurrency import ConcurrencyMixin
from config.lib.schema import resource_schema
from config.lib.snapshots import RecordedResourceViewSet, VersionedReadMixin
from positions import selectors
from positions.filters import ArticleFilter, NegotiationFilter, ProposalFilter
from positions.models import Article, Negotiation, Proposal
from positions.proposal_serializers import ProposalSerializer
from positions.serializers import ArticleSerializer, NegotiationSerializer


@resource_schema(NegotiationSerializer)
class NegotiationViewSet(RecordedResourceViewSet):
    queryset = Negotiation.objects.prefetch_related("participants").order_by(
        "slug", "id"
    )
    serializer_class = NegotiationSerializer
    filterset_class = NegotiationFilter
    lookup_field = "slug"
    listed = staticmethod(selectors.negotiations_listed)
    as_read = staticmethod(selectors.as_negotiations)


@resource_schema(ProposalSerializer)
class ProposalViewSet(RecordedResourceViewSet):
    queryset = (
        Proposal.objects.select_related("negotiation", "originated_by")
        .with_links()
        .order_by("slug", "id")
    )
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    lookup_field = "slug"
    listed = staticmethod(selectors.proposals_listed)
    as_read = staticmethod(selectors.as_proposals)


@resource_schema(ArticleSerializer)
class ArticleViewSet(VersionedReadMixin, ConcurrencyMixin, viewsets.ModelViewSet):
    queryset = Article.objects.newest_first()
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.articles_listed()
        return super().get_queryset()

    def paginate_queryset(self, queryset):
        return selectors.as_articles(super().paginate_queryset(queryset))
