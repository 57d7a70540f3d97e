from rest_framework import viewsets

from actors.filters import ActorFilter
from actors.models import Actor
from actors.selectors import actors_listed, as_actors
from actors.serializers import ActorSerializer
from config.lib.concurrency import ConcurrencyMixin
from config.lib.rest import SlugOrIdLookupMixin
from config.lib.schema import resource_schema
from config.lib.slugs import RenamedSlugMixin
from config.lib.snapshots import RecordedResourceMixin, VersionedReadMixin


@resource_schema(ActorSerializer)
class ActorViewSet(
    RecordedResourceMixin,
    RenamedSlugMixin,
    SlugOrIdLookupMixin,
    VersionedReadMixin,
    ConcurrencyMixin,
    viewsets.ModelViewSet,
):
    queryset = Actor.objects.prefetch_related("affiliations__organization").order_by(
        "slug", "id"
    )
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"
    listed = staticmethod(actors_listed)
    as_read = staticmethod(as_actors)
