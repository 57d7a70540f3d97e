"""Streaming CSV for researchers: every matching row, never a whole file in memory."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

from config.lib.pagination import check_paging_parameters

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell that a spreadsheet shows as text, never evaluates."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CSVRenderer(BaseRenderer):
    """Lets ``?format=csv`` through content negotiation; the view streams the body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class CSVFormatMixin:
    def wants_csv(self) -> bool:
        """A CSV export; its paging parameters, unused, are still checked."""
        wanted = getattr(self.request.accepted_renderer, "format", None) == "csv"
        if wanted:
            check_paging_parameters(self.request)
        return wanted

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (400, 403…) of a CSV request are still JSON, as everywhere.
        if getattr(request, "accepted_renderer", None) and (
            request.accepted_renderer.format == "csv"
            and not isinstance(response, StreamingHttpResponse)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _cell(value):
    # A list of ids (a diff's positions_between) is one cell, space-separated.
    return " ".join(map(str, value)) if isinstance(value, list) else value


def serializer_csv(serializer_class, items):
    """Header and rows of a flat serializer's output, for the small analysis lists."""
    header = list(serializer_class().fields)
    rows = (
        [_cell(item[name]) for name in header]
        for item in serializer_class(items, many=True).data
    )
    return header, rows
