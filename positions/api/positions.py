"""The positions resource: reads from plain rows, writes through the services."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.lib import response_cache
from config.lib.concurrency import ConcurrencyMixin, quoted_etag, tagged_response
from config.lib.csv import (
    EXPORT_RENDERERS,
    CSVFormatMixin,
    csv_chunks_response,
)
from config.lib.filtering import refuse_unknown_parameters
from config.lib.limits import is_id
from config.lib.rest import (
    BoundedJSONParser,
    Conflict,
    PreconditionFailed,
    RequestTooLarge,
    django_validation_error_to_drf,
)
from config.lib.schema import (
    CSV_COLUMNS_EXTENSION,
    ERRORS,
    csv_schema,
    resource_schema,
)
from config.lib.snapshots import (
    VERSION_PARAMETERS,
    VersionedReadMixin,
    snapshot_headers,
    snapshot_of,
)
from config.lib.throttling import EXPENSIVE_THROTTLES
from config.lib.versions import reading
from config.lib.xlsx import XLSX_MEDIA_TYPE, check_row_count
from positions import selectors
from positions.api.examples import POSITIONS_PAGE
from positions.filters import PositionFilter
from positions.models import Position
from positions.position_fields import (
    EXPORT_DATE_FIELD_NAMES,
    EXPORT_FIELD_NAMES,
    Context,
    export_row,
    represent,
)
from positions.serializers import (
    BulkErrorSerializer,
    PositionSerializer,
    PositionVersionSerializer,
)
from positions.services import (
    POSITION_EDITABLE_FIELDS,
    BulkValidationError,
    VersionConflict,
    position_create,
    position_delete,
    position_update,
    positions_bulk_create,
)

CSV_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "xlsx"],
    description="`csv`: every matching row (not one page) as a CSV download, "
    "text exactly as stored. `xlsx`: the same rows as a spreadsheet whose cells "
    "are typed (text, number, date), never formulas; more rows than a sheet "
    "holds (1,048,575) is a 400.",
)


def _bulk_errors(errors: dict) -> Response:
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


@resource_schema(PositionSerializer)
@extend_schema_view(
    list=extend_schema(
        parameters=[CSV_PARAMETER],
        responses={
            (200, "application/json"): PositionSerializer(many=True),
            # A list's responses are paged: the hook unwraps the CSV one.
            (200, "text/csv"): csv_schema(EXPORT_FIELD_NAMES),
            (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
            **ERRORS,
        },
        extensions={CSV_COLUMNS_EXTENSION: list(EXPORT_FIELD_NAMES)},
        examples=[POSITIONS_PAGE],
    )
)
class PositionViewSet(
    VersionedReadMixin, CSVFormatMixin, ConcurrencyMixin, viewsets.ModelViewSet
):
    queryset = Position.objects.select_related(
        "actor", "proposal__negotiation", "speaker"
    ).order_by("stated_on", "id")
    serializer_class = PositionSerializer
    filterset_class = PositionFilter
    renderer_classes = [*viewsets.ModelViewSet.renderer_classes, *EXPORT_RENDERERS]

    def finalize_response(self, request, response, *args, **kwargs):
        if (
            self.action == "bulk"
            and response.status_code == 400
            and isinstance(response.data, dict)
            and "errors" not in response.data
        ):
            # A body that could not even be read (bad JSON, a bad parameter)
            # gets the documented bulk error shape too.
            response.data = {"errors": {"request": _as_field_errors(response.data)}}
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        if self.action == "list":
            return selectors.positions_listed()
        return super().get_queryset()

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "list" and self.wants_export():
            throttles += [throttle() for throttle in EXPENSIVE_THROTTLES]
        return throttles

    def etag_for(self, position) -> str:
        return _position_etag(position.pk, position.version)

    def _context(self) -> Context:
        return Context.for_prefix(
            self.request.build_absolute_uri(reverse("position-list"))
        )

    def list(self, request, *args, **kwargs):
        positions = self.filter_queryset(self.get_queryset())
        context = self._context()
        if self.wants_csv():
            chunks = selectors.positions_csv_chunks(positions, context)
            if chunks is not None:
                return csv_chunks_response(
                    header=EXPORT_FIELD_NAMES, chunks=chunks, filename="positions.csv"
                )
        if self.wants_export():
            if self.export_format() == "xlsx":
                check_row_count(positions.count())
            return self.export_response(
                header=EXPORT_FIELD_NAMES,
                rows=(
                    export_row(row, context)
                    for row in selectors.positions_for_export(positions)
                ),
                filename="positions.csv",
                date_columns=EXPORT_DATE_FIELD_NAMES,
            )
        page = self.paginate_queryset(selectors.position_read_rows(positions))
        return self.get_paginated_response([represent(row, context) for row in page])

    # known_at and release on one position: it as it stood then.
    reads_one_in_the_past = True

    def retrieve(self, request, *args, **kwargs):
        if VERSION_PARAMETERS & set(request.query_params):
            return self._retrieve_as_of(request, _position_id(kwargs["pk"]))
        if set(request.query_params) - {"format"}:
            # The FilterSet's checks (and 400s) apply to a detail URL too.
            return super().retrieve(request, *args, **kwargs)
        response_cache.offer_current(request)
        row = selectors.position_read_row(_position_id(kwargs["pk"]))
        if row is None:
            raise exceptions.NotFound()
        return tagged_response(
            request,
            _position_etag(row["id"], row["version"]),
            lambda: represent(row, self._context()),
        )

    def _retrieve_as_of(self, request, position_id: int):
        refuse_unknown_parameters(request.query_params, VERSION_PARAMETERS | {"format"})
        snapshot = snapshot_of(request.query_params)
        with reading(snapshot):
            row = selectors.position_row_as_read(position_id)
        if row is None:
            raise exceptions.NotFound()
        response = Response(
            represent(row, self._context()), headers=snapshot_headers(snapshot)
        )
        response["ETag"] = _position_etag(row["id"], row["version"])
        return response

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("version", None)
        try:
            serializer.instance = position_create(
                recorded_by=self.request.user, **fields
            )
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error) from None

    def perform_update(self, serializer):
        position = serializer.instance
        data = serializer.validated_data
        try:
            serializer.instance = position_update(
                position_id=position.pk,
                expected_version=data.get("version", position.version),
                changes={
                    field: value
                    for field, value in data.items()
                    if field in POSITION_EDITABLE_FIELDS
                },
                by=self.request.user,
            )
        except VersionConflict as conflict:
            # Stale by If-Match alone (no version in the body): a precondition.
            if "If-Match" in self.request.headers and "version" not in data:
                raise PreconditionFailed() from None
            raise Conflict(str(conflict)) from None
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error) from None

    def perform_destroy(self, position):
        try:
            position_delete(
                position_id=position.pk,
                expected_version=position.version,
                by=self.request.user,
            )
        except VersionConflict:
            raise PreconditionFailed() from None

    @extend_schema(responses={200: PositionVersionSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Every recorded version, also of a deleted position."""
        # known_at included: the history is every version already.
        refuse_unknown_parameters(request.query_params, {"format"})
        records = list(selectors.position_history(position_id=_position_id(pk)))
        if not records:
            raise exceptions.NotFound()
        return Response(
            PositionVersionSerializer(
                records, many=True, context={"request": request}
            ).data
        )

    @extend_schema(
        request=PositionSerializer(many=True),
        responses={
            201: PositionSerializer(many=True),
            400: BulkErrorSerializer,
            413: OpenApiResponse(description="More rows than BULK_MAX_ROWS."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        pagination_class=None,
        filterset_class=None,
        parser_classes=[BoundedJSONParser],
        renderer_classes=[JSONRenderer],
    )
    def bulk(self, request):
        """Create many positions: all of them, or none and the errors of every bad row."""
        if not isinstance(request.data, list):
            return _bulk_errors(
                {"request": {"non_field_errors": ["Send a JSON list of positions."]}}
            )
        if len(request.data) > settings.BULK_MAX_ROWS:
            raise RequestTooLarge(
                f"Send at most {settings.BULK_MAX_ROWS:,} positions per request; "
                f"this one has {len(request.data):,}. Nothing was saved."
            )
        serializer = self.get_serializer(
            data=request.data,
            many=True,
            context=self.get_serializer_context()
            | {"preloaded": selectors.bulk_references(request.data)},
        )
        if not serializer.is_valid():
            # DRF gives a list serializer's errors as {index: errors} or as a
            # list aligned with the rows, depending on its settings.
            row_errors = serializer.errors
            if isinstance(row_errors, list):
                row_errors = dict(enumerate(row_errors))
            return _bulk_errors(
                {
                    # A row that is not an object (null, a number) has a plain list.
                    str(index): errors
                    if isinstance(errors, dict)
                    else {"non_field_errors": errors}
                    for index, errors in row_errors.items()
                    if errors
                }
            )
        rows = [
            {k: v for k, v in row.items() if k != "version"}
            for row in serializer.validated_data
        ]
        try:
            created = positions_bulk_create(rows=rows, recorded_by=request.user)
        except BulkValidationError as error:
            return _bulk_errors(
                {str(index): messages for index, messages in error.errors.items()}
            )
        return Response(
            self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED
        )


def _position_etag(position_id: int, version: int) -> str:
    return quoted_etag(f"{position_id}-v{version}")


def _position_id(raw: str) -> int:
    try:
        position_id = int(raw)
    except ValueError:
        raise exceptions.NotFound() from None
    if not is_id(position_id):
        raise exceptions.NotFound()
    return position_id


def _as_field_errors(data: dict) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if field == "detail" else field): (
            [str(m) for m in messages]
            if isinstance(messages, list)
            else [str(messages)]
        )
        for field, messages in data.items()
    }
