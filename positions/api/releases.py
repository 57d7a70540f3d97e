"""Releases: everyone reads them, curators create them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets

from config.lib.rest import KnownFieldsOnly, django_validation_error_to_drf
from config.lib.schema import ERRORS
from config.lib.snapshots import VersionedReadMixin
from positions import citations
from positions.filters import ReleaseFilter
from positions.models import Release
from positions.selectors.releases import releases_listed
from positions.services import release_create


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()
    bytes = serializers.IntegerField()
    sha256 = serializers.CharField()


class CiteSerializer(serializers.Serializer):
    text = serializers.CharField()
    apa = serializers.CharField()
    bibtex = serializers.CharField()


class ReleaseSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="release-detail", lookup_field="slug"
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    files = serializers.SerializerMethodField()
    cite = serializers.SerializerMethodField()
    known_at = serializers.DateTimeField(
        required=False,
        help_text="The instant whose data the release holds; default: now.",
    )

    class Meta:
        model = Release
        fields = [
            "name",
            "slug",
            "data_version",
            "known_at",
            "rules_version",
            "notes",
            "created_by",
            "created_at",
            "files",
            "cite",
            "url",
        ]
        read_only_fields = ["slug", "data_version", "rules_version", "created_at"]

    def _page(self, release) -> str:
        return self.context["request"].build_absolute_uri(release.get_absolute_url())

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, release) -> list[dict]:
        request = self.context["request"]
        return [
            {
                **file,
                "url": request.build_absolute_uri(
                    reverse(
                        "positions:release-file",
                        kwargs={"slug": release.slug, "name": file["name"]},
                    )
                ),
            }
            for file in release.files
        ]

    @extend_schema_field(CiteSerializer)
    def get_cite(self, release) -> dict:
        return citations.release_citation(release, self._page(release))

    def create(self, validated_data):
        user = self.context["request"].user
        try:
            return release_create(by=user, **validated_data)
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error) from None


@extend_schema(responses={200: ReleaseSerializer, **ERRORS})
@extend_schema_view(
    create=extend_schema(responses={201: ReleaseSerializer, **ERRORS}),
)
class ReleaseViewSet(
    VersionedReadMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    # A release is not data as of a data version: it names one.
    reads_the_past = False
    queryset = releases_listed()
    serializer_class = ReleaseSerializer
    lookup_field = "slug"
    filterset_class = ReleaseFilter
