"""The columns of the dashboard's tables: a header, a kind and a key.

The kind says how a value is written and shown (page, CSV, XLSX, chart axis); the key is how
a chart names the column (`charts.Chart`), so nothing reads a row by position.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

TEXT, INT, DATE, MONTH, SHARE, SECONDS, NUMBER = (
    "text",
    "int",
    "date",
    "month",
    "share",
    "seconds",
    "number",
)


@dataclass(frozen=True)
class Column:
    header: str | Promise
    kind: str = INT
    key: str = ""
