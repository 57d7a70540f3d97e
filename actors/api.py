from actors.filters import ActorFilter
from actors.models import Actor
from actors.selectors import actors_listed, as_actors
from actors.serializers import ActorSerializer
from config.lib.schema import resource_schema
from config.lib.snapshots import RecordedResourceViewSet


@resource_schema(ActorSerializer)
class ActorViewSet(RecordedResourceViewSet):
    queryset = Actor.objects.prefetch_related("affiliations__organization").order_by(
        "slug", "id"
    )
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"
    listed = staticmethod(actors_listed)
    as_read = staticmethod(as_actors)
