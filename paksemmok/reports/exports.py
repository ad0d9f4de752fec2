"""CSV and XLSX files of the dashboard's tables (tables.TABLES).

XLSX is the primary format (typed cells, number formats). CSV is for Excel set to
Indonesian, the spreadsheet of the offices: semicolons between fields and decimal commas
(the regional list separator and decimal mark, so a double click opens it in columns with
numbers as numbers; no `sep=` hint, which makes Excel ignore the byte-order mark), and UTF-8
with a byte-order mark, because Excel otherwise reads a legacy code page and garbles names.
No thousands grouping. Text that a spreadsheet would
run as a formula (starting with = + - @, tab or CR) is prefixed with an apostrophe, in both
formats: village, officer and reason names come from data people can edit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .figures import Period
from .tables import (
    DATE,
    INT,
    MONTH,
    NUMBER,
    SECONDS,
    SHARE,
    TEXT,
    Table,
    as_date,
    hours,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: Any) -> str:
    text = "" if value is None else str(value)
    # Control characters (a label pasted from elsewhere) are not allowed in XLSX; openpyxl
    # would refuse the whole file. Tab, newline and carriage return are kept.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def plain_value(kind: str, value: Any) -> Any:
    """The value as exported: shares in percent, times in hours, rounded to 2 decimals."""
    if value is None:
        return None
    if kind == TEXT:
        return safe_text(value)
    if kind == INT:
        return int(value)
    if kind in (DATE, MONTH):
        return as_date(value)
    if kind == SHARE:
        return round(value * 100, 2)
    if kind == SECONDS:
        return hours(value)
    if kind == NUMBER:
        return round(float(value), 2)
    return value


def filename(table: Table, period: Period, ext: str) -> str:
    return f"pak-semmok-{table.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{ext}"


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # staff data: never in a shared cache
    return response


def to_csv(table: Table, rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(str(c.header)) for c in table.columns])
    for row in rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            v = plain_value(column.kind, value)
            cells.append(_csv_cell(v))
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).replace(".", ",")  # Indonesian decimal comma
    return value


def csv_response(table: Table, rows: Sequence[Sequence[Any]], period: Period) -> HttpResponse:
    return _attachment(
        to_csv(table, rows), "text/csv; charset=utf-8", filename(table, period, "csv")
    )


def sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\ .
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31].strip() or "Data"


NUMBER_FORMATS = {
    INT: "0",
    SHARE: "0.0%",
    SECONDS: "0.00",
    NUMBER: "0.00",
    DATE: "yyyy-mm-dd",
    MONTH: "yyyy-mm",
}


def to_xlsx(table: Table, rows: Sequence[Sequence[Any]], period: Period) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(safe_text(table.title))
    wb.properties.title = (
        f"{safe_text(table.title)} {period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"
    )
    wb.properties.creator = "Pak Semmok"
    headers = [safe_text(c.header) for c in table.columns]
    ws.append(headers)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    widths = [len(h) for h in headers]
    for r, row in enumerate(rows, start=2):
        for c, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            v = plain_value(column.kind, value)
            if column.kind == SHARE and value is not None:
                v = value  # a fraction, shown as a percentage by the number format
            cell = ws.cell(row=r, column=c, value=v)
            if column.kind == TEXT and v is not None:
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            widths[c - 1] = max(widths[c - 1], len(str(v)) if v is not None else 0)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(table: Table, rows: Sequence[Sequence[Any]], period: Period) -> HttpResponse:
    return _attachment(to_xlsx(table, rows, period), XLSX_TYPE, filename(table, period, "xlsx"))
