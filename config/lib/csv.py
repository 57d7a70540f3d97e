"""Streaming CSV for researchers: every matching row, never a whole file in memory.

The CSV is for programs, so it carries text exactly as stored (a quote
starting with ``=`` stays so); spreadsheet users get ``?format=xlsx``, whose
cells are typed and never formulas (``config/lib/xlsx.py``)."""

import csv
from collections.abc import Collection, Iterable, Sequence

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer

from config.lib.pagination import check_paging_parameters
from config.lib.xlsx import XLSXRenderer, xlsx_response


class _Echo:
    def write(self, value):
        return value


# Rows end in a line feed, as PostgreSQL's COPY ends them (and pandas'
# to_csv): the database's CSV is sent as it comes, with no pass over it.
# Fields holding "\r" or "\n" are quoted, as COPY quotes them (the csv
# module quotes only the characters of its line terminator).


class _Rows:
    def __init__(self):
        self.writer = csv.writer(_Echo(), lineterminator="\r\n")

    def line(self, row: Sequence) -> str:
        # None is written as an empty cell.
        return self.writer.writerow(row)[:-2] + "\n"


def csv_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> StreamingHttpResponse:
    def lines():
        writer = _Rows()
        yield writer.line(header)
        for row in rows:
            yield writer.line(row)

    return _download(lines(), filename)


def csv_chunks_response(
    *, header: Sequence[str], chunks: Iterable[bytes], filename: str
) -> StreamingHttpResponse:
    """The CSV of ``header`` and of rows the database wrote as CSV (``COPY …
    TO STDOUT WITH (FORMAT csv)``, whole rows per chunk): byte for byte what
    ``csv_response`` writes of the same values."""

    def body():
        yield _Rows().line(header).encode()
        yield from chunks

    return _download(body(), filename)


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


# The downloads of every matching row: ``?format=csv`` and ``?format=xlsx``.
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_RENDERERS = [CSVRenderer, XLSXRenderer]


class CSVFormatMixin:
    """``?format=csv`` and ``?format=xlsx`` on a view: ``export_response``
    writes whichever was asked for."""

    def export_format(self) -> str | None:
        format = getattr(self.request.accepted_renderer, "format", None)
        return format if format in EXPORT_FORMATS else None

    def wants_csv(self) -> bool:
        return self.export_format() == "csv"

    def wants_export(self) -> bool:
        """An export (CSV or XLSX); its paging parameters, unused, are still
        checked."""
        wanted = self.export_format() is not None
        if wanted:
            check_paging_parameters(self.request)
        return wanted

    def export_response(
        self,
        *,
        header: Sequence[str],
        rows: Iterable[Sequence],
        filename: str,
        date_columns: Collection[str] = (),
    ):
        """The download of ``rows``; ``filename`` is the CSV's (``.csv``)."""
        if self.export_format() == "xlsx":
            return xlsx_response(
                header=header,
                rows=rows,
                filename=filename.removesuffix(".csv") + ".xlsx",
                date_columns=date_columns,
            )
        return csv_response(header=header, rows=rows, filename=filename)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (400, 403…) of a CSV or XLSX request are still JSON, as everywhere.
        if getattr(request, "accepted_renderer", None) and (
            request.accepted_renderer.format in EXPORT_FORMATS
            and not isinstance(response, StreamingHttpResponse)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _cell(value):
    # A list of ids (a diff's positions_between) is one cell, space-separated.
    return " ".join(map(str, value)) if isinstance(value, list) else value


def serializer_date_columns(serializer_class) -> set[str]:
    """The fields of a flat serializer that hold a date (typed so in XLSX)."""
    return {
        name
        for name, field in serializer_class().fields.items()
        if isinstance(field, serializers.DateField)
    }


def serializer_csv(serializer_class, items):
    """Header and rows of a flat serializer's output, for the small analysis lists."""
    header = list(serializer_class().fields)
    rows = (
        [_cell(item[name]) for name in header]
        for item in serializer_class(items, many=True).data
    )
    return header, rows
