"""Streaming CSV for researchers: every matching row, never a whole file in memory.

The CSV is for programs, so it carries text exactly as stored (a quote
starting with ``=`` stays so); spreadsheet users get ``?format=xlsx``, whose
cells are typed and never formulas (``config/lib/xlsx.py``)."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer


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
            # None is written as an empty cell.
            yield writer.writerow(row)

    return _download(lines(), filename)


def csv_chunks_response(
    *, header: Sequence[str], chunks: Iterable[bytes], filename: str
) -> StreamingHttpResponse:
    """The CSV of ``header`` and of rows already written as CSV by the
    database (``COPY … TO STDOUT WITH (FORMAT csv)``, whole rows per chunk),
    byte for byte what ``csv_response`` writes of the same values."""
    writer = csv.writer(_Echo())

    def body():
        yield writer.writerow(header).encode()
        for chunk in chunks:
            yield crlf_rows(chunk)

    return _download(body(), filename)


def crlf_rows(data: bytes) -> bytes:
    """PostgreSQL's CSV rows ending in CRLF, as Python's csv module ends them;
    a line break inside a quoted field stays as it is. Split at the quote
    characters, the even pieces are outside quotes (an escaped quote ``""``
    closes and reopens one)."""
    pieces = data.split(b'"')
    pieces[0::2] = [piece.replace(b"\n", b"\r\n") for piece in pieces[0::2]]
    return b'"'.join(pieces)


def _download(content, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
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
        return getattr(self.request.accepted_renderer, "format", None) == "csv"

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
