"""The analysis endpoints: as-of stances, changes, timelines and gaps."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.lib.csv import (
    EXPORT_RENDERERS,
    CSVFormatMixin,
    serializer_csv,
    serializer_date_columns,
)
from config.lib.limits import MAX_PAGE_SIZE, PAGE_SIZE
from config.lib.pagination import KeysetPagination
from config.lib.schema import ERRORS, csv_schema, list_page_schema
from config.lib.snapshots import VersionedReadMixin
from config.lib.throttling import EXPENSIVE_THROTTLES
from config.lib.xlsx import XLSX_MEDIA_TYPE
from positions import selectors
from positions.api.examples import CHANGES_PAGE, GAP, STANCES_PAGE, TIMELINE_PAGE
from positions.api.positions import CSV_PARAMETER
from positions.models import Attribution
from positions.parameters import (
    CHANGE_CURSOR,
    STANCE_CURSOR,
    TIMELINE_CURSOR,
    ChangesParameters,
    GapParameters,
    StancesParameters,
    TimelineParameters,
    parse,
)
from positions.selectors.positions import EXPORT_CHUNK
from positions.serializers import (
    TIMELINE_BY_SPEAKER_CSV_HEADER,
    TIMELINE_CSV_HEADER,
    ChangeSerializer,
    GapSerializer,
    StanceSerializer,
    TimelineBySpeakerSerializer,
    TimelineSerializer,
)


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
        ATTRIBUTION_PARAMETER,
        *extra,
    ]


ATTRIBUTION_PARAMETER = OpenApiParameter(
    "attribution",
    str,
    many=True,
    enum=list(Attribution.values),
    description="Only positions known this way take part (repeat for OR): "
    "`attribution=stated` asks what each side said itself.",
)


def date_parameter(name, description):
    return OpenApiParameter(name, OpenApiTypes.DATE, description=description)


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="From `next`."),
    OpenApiParameter(
        "page_size", int, description=f"1 to {MAX_PAGE_SIZE}, default {PAGE_SIZE}."
    ),
]
COUNT_PARAMETER = OpenApiParameter(
    "count",
    str,
    enum=["true", "false"],
    description="`true` adds `count`, the number of all rows (counted only then).",
)


def paged_schema(
    *, summary, description, parameters, name, serializer_class, examples=()
):
    return extend_schema(
        summary=summary,
        description=description,
        examples=list(examples),
        parameters=_scope_parameters(
            *parameters, *PAGE_PARAMETERS, COUNT_PARAMETER, CSV_PARAMETER
        ),
        responses={
            (200, "application/json"): list_page_schema(name, serializer_class),
            (200, "text/csv"): csv_schema(list(serializer_class().fields)),
            (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
            400: ERRORS[400],
        },
    )


class AnalysisView(VersionedReadMixin, APIView):
    """Each analysis may read much of the database: a rate of its own. It
    answers from one data version (current, ``known_at`` or ``release``)."""

    throttle_classes = [*APIView.throttle_classes, *EXPENSIVE_THROTTLES]


class PagedAnalysisView(CSVFormatMixin, AnalysisView):
    """An analysis list: its parameters give the selector's arguments; JSON
    is paged forwards by ``cursor``, ``?format=csv`` streams every row."""

    renderer_classes = [*APIView.renderer_classes, *EXPORT_RENDERERS]
    parameters_class = None
    serializer_class = None
    cursor_key = None
    csv_filename = ""

    def select(self, **arguments) -> list:
        raise NotImplementedError

    def get(self, request):
        arguments = parse(self.parameters_class, request).arguments()
        if self.wants_export():
            header, rows = serializer_csv(
                self.serializer_class, self.select(**arguments)
            )
            return self.export_response(
                header=header,
                rows=rows,
                filename=self.csv_filename,
                date_columns=serializer_date_columns(self.serializer_class),
            )
        pagination = KeysetPagination()
        rows = pagination.paginate_selector(
            request,
            fetch=lambda after, limit: self.select(
                **arguments, after=after, limit=limit
            ),
            key_of=self.cursor_key.of,
            parse_key=self.cursor_key.parse,
            count=lambda: len(self.select(**arguments)),
        )
        return pagination.get_paginated_response(self.shape(rows))

    def shape(self, rows: list) -> list:
        """The JSON of a page's rows: what ``serializer_class`` says."""
        return self.serializer_class(rows, many=True).data


class StancesView(PagedAnalysisView):
    parameters_class = StancesParameters
    serializer_class = StanceSerializer
    cursor_key = STANCE_CURSOR
    csv_filename = "stances.csv"

    def select(self, **arguments):
        return selectors.stances_as_of(**arguments)

    def shape(self, rows):
        # As StanceSerializer says (a test holds them equal), built directly:
        # the serializer cost more than the query on a page of 100 stances.
        return [
            {
                "actor": row.actor_slug,
                "proposal": row.proposal_slug,
                "stance": row.stance,
                "stance_label": row.stance_label,
                "stated_on": row.stated_on.isoformat(),
                "position": row.position_id,
                "disputed": row.disputed,
                "resolution": row.resolution,
                "day_stance_min": row.day_stance_min,
                "day_stance_max": row.day_stance_max,
                "day_positions": row.day_positions,
            }
            for row in rows
        ]

    @paged_schema(
        summary="As-of stances (the matrix)",
        description=selectors.RESOLUTION_RULE,
        parameters=[date_parameter("as_of", "Inclusive; default today.")],
        name="StancePage",
        serializer_class=StanceSerializer,
        examples=[STANCES_PAGE],
    )
    def get(self, request):
        return super().get(request)


class ChangesView(PagedAnalysisView):
    parameters_class = ChangesParameters
    serializer_class = ChangeSerializer
    cursor_key = CHANGE_CURSOR
    csv_filename = "changes.csv"

    def select(self, **arguments):
        return selectors.change_list(**arguments)

    @paged_schema(
        summary="Stance changes, newest first",
        description="A change is a date whose resolved stance differs from the "
        "pair's previous date's: `reversal` when the sign flips, `shift` otherwise, "
        "`initial` for a pair's first date (listed only with `kind=initial`). "
        + selectors.RESOLUTION_RULE,
        parameters=[
            date_parameter("since", "Inclusive."),
            date_parameter("until", "Inclusive."),
            OpenApiParameter(
                "kind",
                str,
                many=True,
                enum=list(selectors.CHANGE_KINDS),
                description="Default: shift and reversal.",
            ),
        ],
        name="ChangePage",
        serializer_class=ChangeSerializer,
        examples=[CHANGES_PAGE],
    )
    def get(self, request):
        return super().get(request)


class TimelineView(CSVFormatMixin, AnalysisView):
    renderer_classes = [*APIView.renderer_classes, *EXPORT_RENDERERS]

    @extend_schema(
        summary="Timeline of each (actor, proposal) pair",
        description="Every position of each pair, ordered by stated_on then id. "
        "Paged by series (pairs by actor, then proposal slug); "
        "`?format=csv` gives every point of every series, one per line.",
        parameters=_scope_parameters(
            date_parameter("stated_after", "Inclusive; on or before stated_before."),
            date_parameter("stated_before", "Inclusive."),
            OpenApiParameter(
                "by",
                str,
                enum=["speaker"],
                description="`speaker`: one series per (actor, proposal, speaker), "
                "each naming its `speaker` (null for positions without one); a "
                "page holds the series of `page_size` pairs. The CSV gains a "
                "`speaker` column.",
            ),
            *PAGE_PARAMETERS,
            COUNT_PARAMETER,
            CSV_PARAMETER,
        ),
        responses={
            # One shape: series carry `speaker` only with by=speaker.
            (200, "application/json"): TimelineBySpeakerSerializer,
            # `speaker` is the last column with by=speaker only.
            (200, "text/csv"): csv_schema(TIMELINE_BY_SPEAKER_CSV_HEADER),
            (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
            400: ERRORS[400],
        },
        examples=[TIMELINE_PAGE],
    )
    def get(self, request):
        parameters = parse(TimelineParameters, request)
        arguments = parameters.arguments()
        by_speaker = parameters.by_speaker
        if self.wants_export():
            columns = ["actor__slug", "proposal__slug", "stated_on", "stance", "id"]
            if by_speaker:
                columns.append("speaker__slug")
            return self.export_response(
                header=(
                    TIMELINE_BY_SPEAKER_CSV_HEADER
                    if by_speaker
                    else TIMELINE_CSV_HEADER
                ),
                rows=selectors.position_timeline(**arguments)
                .values_list(*columns)
                .iterator(chunk_size=EXPORT_CHUNK),
                filename="timeline.csv",
            )
        pagination = KeysetPagination()
        series = pagination.paginate_selector(
            request,
            fetch=lambda after, limit: selectors.timeline_series(
                **arguments, by_speaker=by_speaker, after=after, limit=limit
            ),
            key_of=TIMELINE_CURSOR.of,
            parse_key=TIMELINE_CURSOR.parse,
            count=lambda: len(selectors.timeline_series(**arguments, limit=None)),
        )
        if by_speaker:
            series = selectors.lines_by_speaker(series)
        serializer = TimelineBySpeakerSerializer if by_speaker else TimelineSerializer
        return Response(
            serializer(pagination.page_body(series=series)).data,
            headers=pagination.page_headers(),
        )


class GapView(AnalysisView):
    @extend_schema(
        summary="Gap between two actors over time",
        description="One point per date on which either side's as-of stance "
        "changes: the mean absolute difference of their stances over the proposals "
        "both have one on (`proposals`, listed in `terms`); `gap` is null when there "
        "is none. Against the previous point, `moved_a + moved_b + composition` is "
        "the change of the gap: each side's contribution (the Shapley split of the "
        "movement over the proposals shared before) and what proposals entering the "
        "shared set add. With `since`, the first point is the level on `since`. "
        "A person is never a side: `a` or `b` naming one is a 400.",
        parameters=[
            OpenApiParameter("a", str, required=True, description="Side slug."),
            OpenApiParameter("b", str, required=True, description="Side slug."),
            OpenApiParameter(
                "negotiation", str, many=True, description="Negotiation slug."
            ),
            OpenApiParameter(
                "proposal",
                str,
                many=True,
                description="Proposal slug (repeat for OR): only these count.",
            ),
            date_parameter("since", "The first point is the level on this date."),
            OpenApiParameter(
                "terms",
                str,
                enum=["true", "false"],
                description="`false` leaves each point's `terms` empty (default "
                "`true`): a long series over many shared proposals has millions.",
            ),
            date_parameter("until", "Inclusive."),
            ATTRIBUTION_PARAMETER,
        ],
        responses={200: GapSerializer, 400: ERRORS[400]},
        examples=[GAP],
    )
    def get(self, request):
        arguments = parse(GapParameters, request).arguments()
        points = selectors.gap_series(**arguments)
        return Response(
            gap_data(a=arguments["a"].slug, b=arguments["b"].slug, points=points)
        )


def gap_data(*, a: str, b: str, points) -> dict:
    """``GapSerializer({"a": a, "b": b, "points": points}).data``, built
    directly: a long series has millions of terms, and consecutive points
    share their unchanged terms (the same objects), so each is shaped once."""
    shaped: dict[int, dict] = {}

    def term_data(term) -> dict:
        data = shaped.get(id(term))
        if data is None:
            data = shaped[id(term)] = {
                "proposal": term.proposal,
                "a_stance": term.a_stance,
                "b_stance": term.b_stance,
                "a_stated_on": term.a_stated_on.isoformat(),
                "b_stated_on": term.b_stated_on.isoformat(),
                "a_position": term.a_position,
                "b_position": term.b_position,
            }
        return data

    return {
        "a": a,
        "b": b,
        "points": [
            {
                "date": point.date.isoformat(),
                "gap": point.gap,
                "proposals": point.proposals,
                "terms": [term_data(term) for term in point.terms],
                "moved_a": point.moved_a,
                "moved_b": point.moved_b,
                "composition": point.composition,
                "changed": list(point.changed),
            }
            for point in points
        ],
    }
