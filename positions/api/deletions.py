"""``/api/v1/deletions/``: what was deleted, when and by whom, from history."""

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from config.lib.filtering import (
    VERSION_OR_INSTANT_SCHEMA,
    ParameterForm,
    VersionOrInstantField,
)
from config.lib.limits import is_id
from config.lib.pagination import KeysetPagination
from config.lib.schema import ERRORS, list_page_schema
from config.lib.snapshots import VersionedReadMixin
from positions.api.analysis import PAGE_PARAMETERS
from positions.parameters import CursorKey, parse
from positions.position_fields import as_aware
from positions.selectors.deletions import DELETABLE, deletions_since


class DeletionsParameters(ParameterForm):
    since = VersionOrInstantField(required=False)
    model = forms.MultipleChoiceField(
        choices=[(name, name) for name in DELETABLE], required=False
    )


def _after(key) -> tuple[int, str, int]:
    version, model, row_id = key
    if not (isinstance(version, int) and model in DELETABLE and is_id(row_id)):
        raise ValueError("a deletion key expected")
    return version, model, row_id


DELETION_CURSOR = CursorKey(
    of=lambda row: [row.data_version, row.model, row.id], parse=_after
)


class DeletionSerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=list(DELETABLE))
    id = serializers.IntegerField()
    slug = serializers.CharField(allow_null=True)
    deleted_at = serializers.DateTimeField()
    deleted_by = serializers.CharField(allow_null=True)
    data_version = serializers.IntegerField()


class DeletionsView(VersionedReadMixin, APIView):
    # The feed is of changes after a version: known_at has no meaning here.
    reads_the_past = False

    @extend_schema(
        summary="Deletions since a data version",
        description="Every deletion recorded after `since` (a data version, as "
        "`X-Data-Version` gives it, or an ISO date-time), oldest first, of rows "
        "that do not exist now. With `updated_since` on each list, a mirror "
        "stays exact.",
        parameters=[
            OpenApiParameter(
                "since",
                VERSION_OR_INSTANT_SCHEMA,
                description="A data version or an ISO date-time; default: all.",
            ),
            OpenApiParameter(
                "model",
                str,
                many=True,
                enum=list(DELETABLE),
                description="Only these resources (repeat for OR).",
            ),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: list_page_schema("DeletionPage", DeletionSerializer),
            400: ERRORS[400],
        },
    )
    def get(self, request):
        parameters = parse(DeletionsParameters, request)
        since = parameters.cleaned_data["since"] or 0
        models = parameters.cleaned_data["model"] or None
        pagination = KeysetPagination()
        rows = pagination.paginate_selector(
            request,
            fetch=lambda after, limit: deletions_since(
                since=since, models=models, after=after, limit=limit
            ),
            key_of=DELETION_CURSOR.of,
            parse_key=DELETION_CURSOR.parse,
        )
        return pagination.get_paginated_response(
            [
                {
                    "model": row.model,
                    "id": row.id,
                    "slug": row.slug,
                    "deleted_at": as_aware(row.deleted_at).isoformat(),
                    "deleted_by": row.deleted_by,
                    "data_version": row.data_version,
                }
                for row in rows
            ]
        )
