"""REST endpoints of the positions app: resources and the analysis views."""

from itertools import groupby

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    ERRORS,
    ConcurrencyMixin,
    Conflict,
    PreconditionFailed,
    django_validation_error_to_drf,
    if_match_allows,
    if_none_match_matches,
    paginate_selector,
    quoted_etag,
    resource_schema,
)
from config.csv_export import CSVFormatMixin, CSVRenderer, csv_response
from positions import selectors
from positions.exports import POSITION_CSV_HEADER, position_csv_rows, serializer_csv
from positions.filters import (
    ArticleFilter,
    NegotiationFilter,
    PositionFilter,
    ProposalFilter,
)
from positions.models import Article, Confidence, Negotiation, Position, Proposal
from positions.parameters import (
    ChangesParameters,
    GapParameters,
    StancesParameters,
    TimelineParameters,
    change_cursor_key,
    parse,
    stance_cursor_key,
)
from positions.serializers import (
    ArticleSerializer,
    BulkErrorSerializer,
    ChangeSerializer,
    GapSerializer,
    NegotiationSerializer,
    PositionSerializer,
    PositionVersionSerializer,
    ProposalSerializer,
    StanceSerializer,
    TimelineSerializer,
    position_representations,
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
    enum=["json", "csv"],
    description="`csv`: every matching row (not one page) as a CSV download.",
)


@resource_schema(NegotiationSerializer)
class NegotiationViewSet(ConcurrencyMixin, viewsets.ModelViewSet):
    queryset = Negotiation.objects.prefetch_related("participants").order_by(
        "slug", "id"
    )
    serializer_class = NegotiationSerializer
    filterset_class = NegotiationFilter
    lookup_field = "slug"


@resource_schema(ProposalSerializer)
class ProposalViewSet(ConcurrencyMixin, viewsets.ModelViewSet):
    queryset = Proposal.objects.select_related("negotiation", "originated_by").order_by(
        "slug", "id"
    )
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    lookup_field = "slug"


@resource_schema(ArticleSerializer)
class ArticleViewSet(ConcurrencyMixin, viewsets.ModelViewSet):
    queryset = Article.objects.with_position_count().order_by("-published_on", "-id")
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter


@resource_schema(PositionSerializer)
@extend_schema_view(
    list=extend_schema(
        parameters=[CSV_PARAMETER],
        responses={
            (200, "application/json"): PositionSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
)
class PositionViewSet(CSVFormatMixin, ConcurrencyMixin, viewsets.ModelViewSet):
    queryset = Position.objects.select_related(
        "actor", "proposal__negotiation", "speaker"
    ).order_by("stated_on", "id")
    serializer_class = PositionSerializer
    filterset_class = PositionFilter
    renderer_classes = [*viewsets.ModelViewSet.renderer_classes, CSVRenderer]

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

    def etag_for(self, position) -> str:
        return _position_etag(position.pk, position.version)

    def list(self, request, *args, **kwargs):
        positions = self.filter_queryset(self.get_queryset())
        prefix = request.build_absolute_uri(reverse("position-list"))
        if self.wants_csv():
            return csv_response(
                header=POSITION_CSV_HEADER,
                rows=position_csv_rows(
                    selectors.positions_for_export(positions),
                    position_url_prefix=prefix,
                ),
                filename="positions.csv",
            )
        page = self.paginate_queryset(selectors.position_read_rows(positions))
        return self.get_paginated_response(
            position_representations(page, url_prefix=prefix)
        )

    def retrieve(self, request, *args, **kwargs):
        if set(request.query_params) - {"format"}:
            # The FilterSet's checks (and 400s) apply to a detail URL too.
            return super().retrieve(request, *args, **kwargs)
        row = selectors.position_read_row(_position_id(kwargs["pk"]))
        if row is None:
            raise exceptions.NotFound()
        etag = _position_etag(row["id"], row["version"])
        if if_none_match_matches(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        prefix = request.build_absolute_uri(reverse("position-list"))
        response = Response(position_representations([row], url_prefix=prefix)[0])
        response["ETag"] = etag
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

    def update(self, request, *args, **kwargs):
        position = self.get_object()
        if_match = request.headers.get("If-Match")
        if not if_match_allows(request, self.etag_for(position)):
            raise PreconditionFailed()
        serializer = self.get_serializer(
            position, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        changes = {
            field: value
            for field, value in serializer.validated_data.items()
            if field in POSITION_EDITABLE_FIELDS
        }
        expected = serializer.validated_data.get("version", position.version)
        try:
            saved = position_update(
                position_id=position.pk,
                expected_version=expected,
                changes=changes,
                by=request.user,
            )
        except VersionConflict as conflict:
            if if_match is not None and "version" not in serializer.validated_data:
                raise PreconditionFailed() from None
            raise Conflict(str(conflict)) from None
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error) from None
        response = Response(self.get_serializer(saved).data)
        response["ETag"] = self.etag_for(saved)
        return response

    def destroy(self, request, *args, **kwargs):
        position = self.get_object()
        if not if_match_allows(request, self.etag_for(position)):
            raise PreconditionFailed()
        try:
            position_delete(
                position_id=position.pk,
                expected_version=position.version,
                by=request.user,
            )
        except VersionConflict:
            raise PreconditionFailed() from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: PositionVersionSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Every recorded version, also of a deleted position."""
        try:
            position_id = int(pk)
        except ValueError:
            raise exceptions.NotFound() from None
        records = list(selectors.position_history(position_id=position_id))
        if not records:
            raise exceptions.NotFound()
        return Response(
            PositionVersionSerializer(
                [_version_item(record) for record in records], many=True
            ).data
        )

    @extend_schema(
        request=PositionSerializer(many=True),
        responses={201: PositionSerializer(many=True), 400: BulkErrorSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        pagination_class=None,
        filterset_class=None,
        parser_classes=[JSONParser],
        renderer_classes=[JSONRenderer],
    )
    def bulk(self, request):
        """Create many positions: all of them, or none and the errors of every bad row."""
        if not isinstance(request.data, list):
            return Response(
                {
                    "errors": {
                        "request": {
                            "non_field_errors": ["Send a JSON list of positions."]
                        }
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = self.get_serializer(data=request.data, many=True)
        if not serializer.is_valid():
            # DRF gives a list serializer's errors as {index: errors} or as a
            # list aligned with the rows, depending on its settings.
            row_errors = serializer.errors
            if isinstance(row_errors, list):
                row_errors = dict(enumerate(row_errors))
            errors = {
                # A row that is not an object (null, a number) has a plain list.
                str(index): errors
                if isinstance(errors, dict)
                else {"non_field_errors": errors}
                for index, errors in row_errors.items()
                if errors
            }
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        rows = [
            {k: v for k, v in row.items() if k != "version"}
            for row in serializer.validated_data
        ]
        try:
            created = positions_bulk_create(rows=rows, recorded_by=request.user)
        except BulkValidationError as error:
            errors = {str(index): messages for index, messages in error.errors.items()}
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
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
    if not 0 < position_id < 2**63:
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


_CHANGE_NAMES = {"+": "created", "~": "changed", "-": "deleted"}


def _version_item(record) -> dict:
    return {
        "version": record.version,
        "changed_at": record.history_date,
        "changed_by": record.history_user.get_username()
        if record.history_user
        else None,
        "change": _CHANGE_NAMES[record.history_type],
        "fields": {
            "actor": record.actor.slug if record.actor else None,
            "proposal": record.proposal.slug if record.proposal else None,
            "stance": record.stance,
            "stated_on": record.stated_on.isoformat(),
            "article": record.article_id,
            "speaker": record.speaker.slug if record.speaker else None,
            "quote": record.quote,
            "note": record.note,
            "confidence": Confidence(record.confidence).label,
        },
    }


def _scope_parameters(*extra):
    return [
        OpenApiParameter(
            "actor", str, many=True, description="Actor slug (repeat for OR)."
        ),
        OpenApiParameter(
            "proposal", str, many=True, description="Proposal slug (repeat for OR)."
        ),
        OpenApiParameter(
            "negotiation",
            str,
            many=True,
            description="Negotiation slug (repeat for OR).",
        ),
        *extra,
    ]


def _date_parameter(name, description):
    return OpenApiParameter(name, OpenApiTypes.DATE, description=description)


def _page_parameters():
    return [
        OpenApiParameter("cursor", str, description="From `next`."),
        OpenApiParameter("page_size", int, description="1 to 500, default 50."),
    ]


def inline_list_page(name, serializer_class):
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class StancesView(CSVFormatMixin, APIView):
    renderer_classes = [*APIView.renderer_classes, CSVRenderer]

    @extend_schema(
        summary="As-of stances (the matrix)",
        description=selectors.RESOLUTION_RULE,
        parameters=_scope_parameters(
            _date_parameter("as_of", "Inclusive; default today."),
            *_page_parameters(),
            CSV_PARAMETER,
        ),
        responses={
            (200, "application/json"): inline_list_page("StancePage", StanceSerializer),
            (200, "text/csv"): OpenApiTypes.STR,
            400: ERRORS[400],
        },
    )
    def get(self, request):
        parameters = parse(StancesParameters, request)
        scope = parameters.scope() | {"on": parameters.as_of_date()}
        if self.wants_csv():
            header, rows = serializer_csv(
                StanceSerializer, selectors.stances_as_of(**scope)
            )
            return csv_response(header=header, rows=rows, filename="stances.csv")
        page, next_link = paginate_selector(
            request,
            lambda after, limit: selectors.stances_as_of(
                **scope, after=after, limit=limit
            ),
            key_of=lambda row: [row.actor_slug, row.proposal_slug],
            parse_key=stance_cursor_key,
        )
        return Response(
            {
                "next": next_link,
                "previous": None,
                "results": StanceSerializer(page, many=True).data,
            }
        )


class TimelineView(APIView):
    @extend_schema(
        summary="Timeline of each (actor, proposal) pair",
        description="Every position of each pair, ordered by stated_on then id.",
        parameters=_scope_parameters(
            _date_parameter("stated_after", "Inclusive."),
            _date_parameter("stated_before", "Inclusive."),
        ),
        responses={200: TimelineSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        parameters = parse(TimelineParameters, request)
        positions = selectors.position_timeline(
            **parameters.scope(),
            stated_after=parameters.cleaned_data["stated_after"],
            stated_before=parameters.cleaned_data["stated_before"],
        )
        series = [
            {
                "actor": actor_slug,
                "proposal": proposal_slug,
                "points": list(points),
            }
            for (actor_slug, proposal_slug), points in groupby(
                positions, key=lambda p: (p.actor.slug, p.proposal.slug)
            )
        ]
        return Response(TimelineSerializer({"series": series}).data)


class ChangesView(CSVFormatMixin, APIView):
    renderer_classes = [*APIView.renderer_classes, CSVRenderer]

    @extend_schema(
        summary="Stance changes, newest first",
        description="A change is a date whose resolved stance differs from the "
        "pair's previous date's: `reversal` when the sign flips, `shift` otherwise, "
        "`initial` for a pair's first date (listed only with `kind=initial`). "
        + selectors.RESOLUTION_RULE,
        parameters=_scope_parameters(
            _date_parameter("since", "Inclusive."),
            _date_parameter("until", "Inclusive."),
            OpenApiParameter(
                "kind",
                str,
                many=True,
                enum=list(selectors.CHANGE_KINDS),
                description="Default: shift and reversal.",
            ),
            *_page_parameters(),
            CSV_PARAMETER,
        ),
        responses={
            (200, "application/json"): inline_list_page("ChangePage", ChangeSerializer),
            (200, "text/csv"): OpenApiTypes.STR,
            400: ERRORS[400],
        },
    )
    def get(self, request):
        parameters = parse(ChangesParameters, request)
        data = parameters.cleaned_data
        arguments = parameters.scope() | {
            "since": data["since"],
            "until": data["until"],
            "kinds": data["kind"] or selectors.DEFAULT_CHANGE_KINDS,
        }
        if self.wants_csv():
            header, rows = serializer_csv(
                ChangeSerializer, selectors.change_list(**arguments)
            )
            return csv_response(header=header, rows=rows, filename="changes.csv")
        page, next_link = paginate_selector(
            request,
            lambda after, limit: selectors.change_list(
                **arguments, after=after, limit=limit
            ),
            key_of=lambda row: [row.changed_on.isoformat(), row.to_position_id],
            parse_key=change_cursor_key,
        )
        return Response(
            {
                "next": next_link,
                "previous": None,
                "results": ChangeSerializer(page, many=True).data,
            }
        )


class GapView(APIView):
    @extend_schema(
        summary="Gap between two actors over time",
        description="One point per date on which either side's as-of stance "
        "changes: the mean absolute difference of their stances over the proposals "
        "both have one on (`proposals`); `gap` is null when there is none.",
        parameters=[
            OpenApiParameter("a", str, required=True, description="Actor slug."),
            OpenApiParameter("b", str, required=True, description="Actor slug."),
            OpenApiParameter(
                "negotiation", str, many=True, description="Negotiation slug."
            ),
            _date_parameter("since", "Inclusive."),
            _date_parameter("until", "Inclusive."),
        ],
        responses={200: GapSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        parameters = parse(GapParameters, request)
        data = parameters.cleaned_data
        points = selectors.gap_series(
            a=data["a"],
            b=data["b"],
            negotiations=data["negotiation"],
            since=data["since"],
            until=data["until"],
        )
        return Response(
            GapSerializer(
                {"a": data["a"].slug, "b": data["b"].slug, "points": points}
            ).data
        )
