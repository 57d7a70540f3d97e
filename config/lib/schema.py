"""What the OpenAPI schema says beyond what drf-spectacular infers."""

from django.conf import settings
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

ERRORS = {
    400: OpenApiResponse(description="Invalid parameter or body; the body names it."),
    404: OpenApiResponse(description="Not found."),
}
CONFLICTS = {
    409: OpenApiResponse(
        description="Conflict: a stale version, or still referred to."
    ),
    412: OpenApiResponse(description="If-Match no longer matches the stored ETag."),
}


def resource_schema(serializer_class):
    """Document a resource ViewSet's responses, errors included (fuzzers check them)."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer_class(many=True), **ERRORS}),
        retrieve=extend_schema(responses={200: serializer_class, **ERRORS}),
        create=extend_schema(responses={201: serializer_class, **ERRORS}),
        update=extend_schema(responses={200: serializer_class, **ERRORS, **CONFLICTS}),
        partial_update=extend_schema(
            responses={200: serializer_class, **ERRORS, **CONFLICTS}
        ),
        destroy=extend_schema(responses={204: None, **ERRORS, **CONFLICTS}),
    )


def list_page_schema(name: str, serializer_class):
    """A page of an analysis list: ``next``, ``previous`` and ``results``."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def public_reads_hook(result, generator, request, public):
    """Document that reads need no credentials while PUBLIC_READ is on."""
    if not settings.PUBLIC_READ:
        return result
    for operations in result.get("paths", {}).values():
        get = operations.get("get")
        if get is not None and get.get("security") and {} not in get["security"]:
            get["security"].append({})
    return result
