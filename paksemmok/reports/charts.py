"""The dashboard's charts: each table declares what it plots (`tables.TABLES`, a `Chart`);
`draw()` turns that table's rows into the Chart.js data of `static/js/dashboard.js` and one
sentence that summarises the chart for screen readers.

A chart names its table's columns by key, never by position, so a column added to a table
cannot shift what a chart reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .columns import DATE, MONTH, NUMBER
from .figures import Period
from .templatetags.report_format import percent

if TYPE_CHECKING:
    from .tables import Table

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, PURPLE, GREEN, SKY = "#0072B2", "#E69F00", "#CC79A7", "#009E73", "#56B4E9"

# How an axis label is written, by the kind of its column.
LABEL_FORMATS = {DATE: "j M", MONTH: "M Y"}


@dataclass(frozen=True)
class Series:
    label: str | Promise
    column: str
    color: str
    # "line": drawn over the bars (a share of them, such as "within the deadline").
    kind: str | None = None


@dataclass(frozen=True)
class Plot:
    """The rows a chart shows, as labels and one list per column key: what a summary reads."""

    labels: list[str]
    columns: dict[str, list[Any]]
    period: Period

    def __getitem__(self, key: str) -> list[Any]:
        return self.columns[key]

    def sum(self, key: str) -> Any:
        return sum(self.columns[key])


@dataclass(frozen=True)
class Chart:
    label: str  # the column whose values label the axis
    series: tuple[Series, ...]
    summary: Callable[[Plot], str]
    kind: str = "bar"
    horizontal: bool = False
    stacked: bool = False
    # A second column shown in brackets after the label ("Purwosari (Kota Kudus)").
    label_detail: str | None = None
    # Only the rows with the highest first series, zeros left out (hundreds of villages).
    top: int | None = None


def draw(table: Table, rows: Sequence[tuple[Any, ...]], period: Period) -> tuple[dict | None, str]:
    """The chart of one table and the sentence that summarises it for screen readers."""
    chart = table.chart
    if chart is None:
        return None, ""
    kinds = {c.key: c.kind for c in table.columns}
    records = [dict(zip(kinds, row, strict=True)) for row in rows]
    if chart.top is not None:
        ranked = chart.series[0].column
        records = sorted(
            (r for r in records if r[ranked]), key=lambda r: (-r[ranked], r[chart.label])
        )[: chart.top]
    labels = [_label(r, chart, kinds[chart.label]) for r in records]
    plot = Plot(labels, {key: [r[key] for r in records] for key in kinds}, period)
    data = {
        "type": chart.kind,
        "labels": labels,
        "datasets": [_dataset(s, plot[s.column], kinds[s.column]) for s in chart.series],
        "horizontal": chart.horizontal,
        "stacked": chart.stacked,
    }
    return data, f"{chart.summary(plot)} {_('Angka lengkap ada di tabel.')}"


def _label(record: dict[str, Any], chart: Chart, kind: str) -> str:
    value = record[chart.label]
    text = date_format(value, LABEL_FORMATS[kind]) if kind in LABEL_FORMATS else str(value)
    if chart.label_detail is not None:
        return f"{text} ({record[chart.label_detail]})"
    return text


def _dataset(series: Series, values: list[Any], kind: str) -> dict[str, Any]:
    if kind == NUMBER:  # scores: two decimals are what the table shows
        values = [None if v is None else round(v, 2) for v in values]
    return {
        "label": str(series.label),
        "data": values,
        "color": series.color,
        **({"type": series.kind} if series.kind else {}),
    }


def _top(plot: Plot, key: str) -> str:
    values = plot[key]
    if not values or max(values) == 0:
        return _("semua nol")
    i = max(range(len(values)), key=values.__getitem__)
    return _("tertinggi %(label)s (%(value)s)") % {
        "label": plot.labels[i],
        "value": number_format(values[i], force_grouping=True),
    }


def _grouped(value: Any) -> str:
    return number_format(value, force_grouping=True)


# --- the sentences -----------------------------------------------------------------------------


def applications_per_day(plot: Plot) -> str:
    total, days = plot.sum("count"), plot.period.days
    return _(
        "Permohonan per hari: %(n)s dalam %(days)s hari, rata-rata %(avg)s per hari, %(top)s."
    ) % {
        "n": _grouped(total),
        "days": days,
        "avg": number_format(total / days, 1),
        "top": _top(plot, "count"),
    }


def applications_per_variant(plot: Plot) -> str:
    return _("Permohonan per jenis layanan, %(top)s.") % {"top": _top(plot, "count")}


def applications_per_kecamatan(plot: Plot) -> str:
    return _("Permohonan per kecamatan, %(top)s.") % {"top": _top(plot, "count")}


def top_villages(plot: Plot) -> str:
    return _("%(n)s desa/kelurahan dengan permohonan terbanyak, %(top)s.") % {
        "n": len(plot.labels),
        "top": _top(plot, "count"),
    }


def decisions_per_day(plot: Plot) -> str:
    total = plot.sum("total")
    return _(
        "Keputusan per hari: %(n)s keputusan (%(a)s disetujui, %(r)s dikembalikan, "
        "%(j)s ditolak), %(share)s dalam batas waktu."
    ) % {
        "n": total,
        "a": plot.sum("approved"),
        "r": plot.sum("returned"),
        "j": plot.sum("rejected"),
        "share": percent(plot.sum("within") / total if total else None),
    }


def top_reasons(plot: Plot) -> str:
    return _("Alasan kekurangan terbanyak, %(top)s.") % {"top": _top(plot, "count")}


def officers(plot: Plot) -> str:
    return _("Keputusan per petugas, %(top)s.") % {"top": _top(plot, "decisions")}


def perekaman(plot: Plot) -> str:
    return _("Perekaman per tempat: kuota %(cap)s, dipesan %(booked)s, hadir %(present)s.") % {
        "cap": _grouped(plot.sum("capacity")),
        "booked": _grouped(plot.sum("booked")),
        "present": _grouped(plot.sum("present")),
    }


def ikm_per_service(plot: Plot) -> str:
    return _("Nilai IKM per layanan (0–100).")


def ikm_per_month(plot: Plot) -> str:
    return _("Nilai IKM per bulan (0–100).")
