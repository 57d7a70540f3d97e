"""The events resource: the dated happenings of a negotiation.

Its serializer sits here rather than in ``positions/serializers.py``, which
is near the 500 lines a module may have.
"""

from django.db.models import Prefetch
from rest_framework import serializers

from config.lib.rest import ValidatedModelSerializer
from config.lib.schema import resource_schema
from config.lib.snapshots import RecordedResourceViewSet
from positions import selectors
from positions.filters import EventFilter
from positions.models import Article, Event, Negotiation


class EventSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="event-detail", lookup_field="slug"
    )
    negotiation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Negotiation.objects.all()
    )
    articles = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Article.objects.all(),
        required=False,
        help_text="Ids of the articles reporting the event. A PUT or PATCH "
        "replaces the list.",
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "starts_on",
            "ends_on",
            "place",
            "description",
            "negotiation",
            "articles",
            "url",
        ]
        extra_kwargs = {"slug": {"required": False}}


@resource_schema(EventSerializer)
class EventViewSet(RecordedResourceViewSet):
    # Two queries a page: the events with their negotiation, and the ids of
    # their articles (only the ids: an article's body can be long).
    queryset = (
        Event.objects.select_related("negotiation")
        .prefetch_related(
            Prefetch("articles", queryset=Article.objects.only("id").order_by("id"))
        )
        .order_by("starts_on", "id")
    )
    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_field = "slug"
    listed = staticmethod(selectors.events_listed)
    as_read = staticmethod(selectors.as_events)
