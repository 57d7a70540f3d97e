"""Spreadsheet downloads (``?format=xlsx``) beside every CSV export.

The CSV is for programs and carries text as stored; a spreadsheet runs a
CSV cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (ASVS
1.2.10). Here every cell is typed: text as text (``=SUM(A1)`` stays the
text it is, never a formula), numbers as numbers, dates as dates.
openpyxl's write-only mode keeps memory flat; the file is built in a
temporary file and then sent.
"""

import datetime
import tempfile
from collections.abc import Collection, Iterable, Sequence

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer, JSONRenderer

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The rows one sheet holds, its header included.
MAX_SHEET_ROWS = 1_048_576
DATE_FORMAT = "yyyy-mm-dd"


class XLSXRenderer(BaseRenderer):
    """Lets ``?format=xlsx`` through content negotiation; the view sends the file."""

    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class TooManyRows(exceptions.ValidationError):
    def __init__(self):
        super().__init__(
            {
                "format": [
                    f"A spreadsheet holds {MAX_SHEET_ROWS - 1:,} rows below its "
                    "header; more rows match. Ask for format=csv, or narrow the "
                    "filters."
                ]
            }
        )


def check_row_count(count: int) -> None:
    """400 before any work when ``count`` rows would not fit in one sheet."""
    if count > MAX_SHEET_ROWS - 1:
        raise TooManyRows()


def xlsx_response(
    *,
    header: Sequence[str],
    rows: Iterable[Sequence],
    filename: str,
    date_columns: Collection[str] = (),
) -> FileResponse:
    """One sheet: ``header``, then ``rows``; the values of ``date_columns``
    (ISO dates as text, or dates) become date cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename.rsplit(".", 1)[0][:31] or "data")
    sheet.append([_text(sheet, name) for name in header])
    dates = [name in date_columns for name in header]
    for count, row in enumerate(rows, start=1):
        if count > MAX_SHEET_ROWS - 1:
            sheet.close()  # its temporary file, before the workbook is dropped
            raise TooManyRows()
        sheet.append(
            [
                _cell(sheet, value, is_date)
                for value, is_date in zip(row, dates, strict=True)
            ]
        )
    # Spooled: a small file stays in memory, a large one goes to disk.
    body = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(body)
    body.seek(0)
    return FileResponse(
        body, as_attachment=True, filename=filename, content_type=XLSX_MEDIA_TYPE
    )


def _cell(sheet, value, is_date: bool):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return _date(sheet, value)
    if is_date and isinstance(value, str) and value:
        return _date(sheet, datetime.date.fromisoformat(value))
    if isinstance(value, list):
        value = " ".join(map(str, value))
    return _text(sheet, str(value))


def _date(sheet, value: datetime.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def _text(sheet, value: str) -> WriteOnlyCell:
    # A sheet cannot hold control characters other than tab and line breaks.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    # openpyxl takes a string starting with "=" for a formula: it is text.
    cell.data_type = "s"
    return cell
