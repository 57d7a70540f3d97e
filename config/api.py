"""API plumbing shared by both apps: permissions, pagination, errors, routes."""

from collections import Counter

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from config.keyset import InvalidCursor, keyset_page, selector_page

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

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class ReadOrModelPermission(permissions.DjangoModelPermissions):
    """Reads for anyone when PUBLIC_READ is on (else for logged-in users);
    writes need the model's Django permission (add_, change_, delete_)."""

    authenticated_users_only = False

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return settings.PUBLIC_READ or bool(
                request.user and request.user.is_authenticated
            )
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(view, "queryset", None) is None and not hasattr(
            view, "get_queryset"
        ):
            # A read-only analysis view: any other method is answered 405.
            return True
        return super().has_permission(request, view)


def django_validation_error_to_drf(
    error: DjangoValidationError,
) -> exceptions.ValidationError:
    """Keep the field keys of a model's ValidationError in DRF's error format."""
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_to_drf(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    return drf_exception_handler(exc, context)


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = (
        "The request body is too large. Send fewer rows at a time "
        "(the limit is DATA_UPLOAD_MAX_MEMORY_SIZE)."
    )
    default_code = "request_too_large"


class SignedInRateThrottle(UserRateThrottle):
    """The user rate, for signed-in users only. DRF's own also counts anonymous
    clients, by address, beside the anonymous rate: a second cache read and
    write on every anonymous request. Anonymous clients have the anonymous
    rate alone (THROTTLE_ANON, the lower one)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class KeysetPagination(BasePagination):
    """Keyset ("cursor") pagination over a view's ordering, without COUNT(*).

    The cursor holds the ordering values of the last row sent, so a page is
    an index range scan at any depth, and rows added meanwhile never shift a
    page: following ``next`` returns each row exactly once. The ordering must
    end with a unique column (``id``).
    """

    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        try:
            self.page = keyset_page(
                queryset,
                cursor=request.query_params.get(self.cursor_query_param),
                size=self.get_page_size(request),
            )
        except InvalidCursor:
            raise exceptions.ValidationError({"cursor": ["Invalid cursor."]}) from None
        return self.page.rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        if cursor == "":
            return remove_query_param(url, self.cursor_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        return self._link(self.page.next_cursor)

    def get_previous_link(self):
        return self._link(self.page.previous_cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position in the list, from `next` or `previous`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Saves through ``full_clean``, so model rules and constraints come back as
    400s with field keys instead of database errors, and records who saved it."""

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, instance, validated_data):
        many_to_many = {
            field.name: validated_data.pop(field.name)
            for field in instance._meta.many_to_many
            if field.name in validated_data
        }
        for name, value in validated_data.items():
            setattr(instance, name, value)
        with transaction.atomic():
            try:
                instance.full_clean()
            except DjangoValidationError as error:
                raise django_validation_error_to_drf(error) from None
            user = self.context["request"].user
            if user.is_authenticated:
                instance._history_user = user
            instance.save()
            for name, value in many_to_many.items():
                getattr(instance, name).set(value)
        return instance


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the stored data."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = (
        "If-Match does not match the stored version: someone changed it since you "
        "read it. Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


def quoted_etag(value: str) -> str:
    return f'"{value}"'


def _names_etag(header: str | None, current_etag: str) -> bool:
    if header is None:
        return False
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in offered or current_etag in offered


def if_match_allows(request, current_etag: str) -> bool:
    """True when there is no If-Match header or it names the current ETag."""
    header = request.headers.get("If-Match")
    return header is None or _names_etag(header, current_etag)


def if_none_match_matches(request, current_etag: str) -> bool:
    """True when a conditional GET names the current ETag: answer 304."""
    return _names_etag(request.headers.get("If-None-Match"), current_etag)


class ConcurrencyMixin:
    """ETag on single-object reads; If-Match checked before writes (412)."""

    def etag_for(self, obj) -> str:
        return quoted_etag(f"{obj.pk}-{obj.updated_at.timestamp():.6f}")

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = self.etag_for(instance)
        return response

    def check_if_match(self, request, instance) -> None:
        if not if_match_allows(request, self.etag_for(instance)):
            raise PreconditionFailed()

    def update(self, request, *args, **kwargs):
        self.check_if_match(request, self.get_object())
        return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.check_if_match(request, self.get_object())
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        user = self.request.user
        if user.is_authenticated:
            instance._history_user = user
        try:
            instance.delete()
        except ProtectedError as error:
            raise Conflict(
                protected_message(instance, error.protected_objects)
            ) from None


def protected_message(instance, protected_objects) -> str:
    """ "Not deleted: 3 positions cite this article." and the like."""
    counts = Counter(type(obj) for obj in protected_objects)
    parts = [
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in sorted(counts.items(), key=lambda item: item[0].__name__)
    ]
    verb = "refers to" if sum(counts.values()) == 1 else "refer to"
    return (
        f"Not deleted: {' and '.join(parts)} {verb} this "
        f"{instance._meta.verbose_name}. Delete or re-attribute them first."
    )


def paginate_selector(request, fetch, key_of, parse_key) -> tuple[list, str | None]:
    """A page of a selector that takes ``after`` and ``limit``, and the next link."""
    pagination = KeysetPagination()
    try:
        page, next_cursor = selector_page(
            cursor=request.query_params.get(pagination.cursor_query_param),
            size=pagination.get_page_size(request),
            fetch=fetch,
            key_of=key_of,
            parse_key=parse_key,
        )
    except InvalidCursor:
        raise exceptions.ValidationError({"cursor": ["Invalid cursor."]}) from None
    next_link = None
    if next_cursor is not None:
        next_link = replace_query_param(
            request.build_absolute_uri(), pagination.cursor_query_param, next_cursor
        )
    return page, next_link


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


def api_urls():
    """The v1 routes; built on call so that both apps' modules load first."""
    from django.urls import include, path
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
    from rest_framework.routers import DefaultRouter

    from actors.api import ActorViewSet
    from positions import api as positions_api

    router = DefaultRouter()
    router.register("actors", ActorViewSet, basename="actor")
    router.register(
        "negotiations", positions_api.NegotiationViewSet, basename="negotiation"
    )
    router.register("proposals", positions_api.ProposalViewSet, basename="proposal")
    router.register("articles", positions_api.ArticleViewSet, basename="article")
    router.register("positions", positions_api.PositionViewSet, basename="position")
    return [
        path("stances/", positions_api.StancesView.as_view(), name="stances"),
        path("timeline/", positions_api.TimelineView.as_view(), name="timeline"),
        path("changes/", positions_api.ChangesView.as_view(), name="changes"),
        path("gap/", positions_api.GapView.as_view(), name="gap"),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        # The split view serves its start-up script as a file: no inline script,
        # so the Content-Security-Policy holds on the docs page too.
        path(
            "docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"
        ),
        path("", include(router.urls)),
    ]


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is a 400 naming the parameter, not a 404."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            known = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise exceptions.ValidationError(
                {"format": [f"Unknown format “{format}”. Known here: {known}."]}
            )
        return matching


def public_reads_hook(result, generator, request, public):
    """Document that reads need no credentials while PUBLIC_READ is on."""
    if not settings.PUBLIC_READ:
        return result
    for operations in result.get("paths", {}).values():
        get = operations.get("get")
        if get is not None and get.get("security") and {} not in get["security"]:
            get["security"].append({})
    return result
