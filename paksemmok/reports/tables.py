"""The dashboard's tables: each one a title, typed columns, rows taken from `figures` and the
chart drawn beside it.

One definition serves the page (table beside its chart) and both exports (CSV, XLSX), so
what a supervisor reads on screen and what lands in a spreadsheet cannot drift apart. Rows
hold raw values (ints, fractions 0-1, seconds, dates); the page and the writers format them
by the column's kind. Nothing here reads fact rows in Python: every row comes from one of
the GROUP BY figures in `figures.py` (or the survey's scoring), so a table has at most as
many rows as there are days, services, areas, officers or places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import charts, figures
from .charts import BLUE, GREEN, ORANGE, PURPLE, SKY, Chart, Series
from .columns import DATE, INT, MONTH, NUMBER, SECONDS, SHARE, TEXT, Column
from .figures import Filters, Period

__all__ = [
    "DATE",
    "INT",
    "MONTH",
    "NUMBER",
    "SECONDS",
    "SHARE",
    "TABLES",
    "TEXT",
    "Column",
    "Table",
    "as_date",
    "available_tables",
    "hours",
    "ikm_overall",
    "survey_available",
]

# The villages a chart shows (the table lists all of them).
TOP_VILLAGES = 15


@dataclass(frozen=True)
class Table:
    slug: str
    title: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[Period, Filters], list[tuple[Any, ...]]]
    # Names of staff are personal data: such tables are for supervisors and admins only
    # (the whole dashboard is, today; the flag keeps that visible if operators get a view).
    personal: bool = False
    needs_survey: bool = False
    chart: Chart | None = None


def survey_available() -> bool:
    return apps.is_installed("paksemmok.survey")


# --- rows --------------------------------------------------------------------------------------


def _standard_row(label: str, s: figures.Standard) -> tuple[Any, ...]:
    return (
        label,
        s.applications,
        s.decisions,
        s.approved,
        s.returned,
        s.rejected,
        s.within_deadline,
        s.within_share,
        s.returned_share,
        s.median_seconds,
        s.p90_seconds,
    )


def standard_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    total = figures.standard(period, filters)
    rows = [
        _standard_row(service.name, s)
        for service, s in figures.standard_by_service(period, filters)
    ]
    return [*rows, _standard_row(str(_("Semua layanan")), total)]


def per_day_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [(d.day, d.count) for d in figures.applications_per_day(period, filters)]


def variant_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [
        (v.service, v.variant, v.count) for v in figures.applications_by_variant(period, filters)
    ]


def kecamatan_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [
        (a.kecamatan, a.count)
        for a in figures.applications_by_area(period, filters, level="kecamatan")
    ]


def village_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [
        (a.kecamatan, a.village, a.count)
        for a in figures.applications_by_area(period, filters, level="village")
    ]


def decision_day_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [
        (
            d.day,
            d.approved,
            d.returned,
            d.rejected,
            d.total,
            d.within_deadline,
            d.within_deadline / d.total if d.total else None,
        )
        for d in figures.decisions_per_day(period, filters)
    ]


def reason_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    # The reason in words first; the code last, for joining with other data (issue 15).
    return [(r.name, r.count, r.share, r.code) for r in figures.top_reasons(period, filters)]


def officer_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [
        (
            o.name,
            o.username,
            o.decisions,
            o.approved,
            o.returned,
            o.rejected,
            o.within_deadline,
            o.within_deadline / o.decisions if o.decisions else None,
            o.median_seconds,
        )
        for o in figures.officer_workload(period, filters)
    ]


def perekaman_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    # Perekaman is not per service or kecamatan application: the filters do not apply.
    return [
        (
            p.place,
            p.capacity,
            p.booked,
            p.present,
            p.recorded,
            p.no_show,
            p.cancelled,
            p.booked_share,
            p.attendance_share,
        )
        for p in figures.perekaman_load(period)
    ]


def _ikm_row(label: Any, r: Any) -> tuple[Any, ...]:
    return (label, r.count, r.score, r.grade or "", r.grade_label or "")


def _ikm_services(period: Period, filters: Filters) -> list[tuple[Any, Any]]:
    """(service or None for all, IkmResult); with a service filter, that service only.
    The survey has no area, so the kecamatan filter does not apply to IKM."""
    from paksemmok.survey import scoring

    rows = scoring.ikm_by_service(period.start, period.end)
    if filters.service is None:
        return rows
    return [(s, r) for s, r in rows if s is not None and s.pk == filters.service.pk]


def ikm_service_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    return [
        _ikm_row(s.name if s is not None else str(_("Semua layanan")), r)
        for s, r in _ikm_services(period, filters)
    ]


def ikm_month_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    # All services: the survey module counts months over every response.
    from paksemmok.survey import scoring

    return [
        _ikm_row(start, result)
        for start, result in scoring.ikm_by_period(period.start, period.end, period="month")
    ]


def ikm_overall(period: Period, filters: Filters = figures.NO_FILTERS) -> Any:
    """The IkmResult shown as the headline: all services, or the filtered service."""
    from paksemmok.survey import scoring

    if filters.service is not None:
        return scoring.ikm(
            scoring.between(period.start, period.end).filter(service=filters.service)
        )
    return scoring.ikm(scoring.between(period.start, period.end))


def ikm_element_rows(period: Period, filters: Filters) -> list[tuple[Any, ...]]:
    from paksemmok.survey.questions import ELEMENTS

    result = ikm_overall(period, filters)
    nrr = result.nrr or (None,) * len(ELEMENTS)
    return [(e.field.upper(), str(e.name), value) for e, value in zip(ELEMENTS, nrr, strict=True)]


# --- the registry ------------------------------------------------------------------------------

# Column groups that several tables share (same header, kind and key everywhere).
_OUTCOMES = (
    Column(_("Disetujui"), INT, "approved"),
    Column(_("Dikembalikan"), INT, "returned"),
    Column(_("Ditolak"), INT, "rejected"),
)
_WITHIN = (
    Column(_("Dalam batas waktu"), INT, "within"),
    Column(_("Dalam batas waktu (%)"), SHARE, "within_share"),
)
_MEDIAN = Column(_("Median waktu keputusan (jam)"), SECONDS, "median")
_SERVICE = Column(_("Layanan"), TEXT, "service")
_KECAMATAN = Column(_("Kecamatan"), TEXT, "kecamatan")
_APPLICATIONS = Column(_("Permohonan"), INT, "count")
_IKM = (
    Column(_("Responden"), INT, "respondents"),
    Column(_("Nilai IKM"), NUMBER, "score"),
    Column(_("Mutu"), TEXT, "grade"),
    Column(_("Kinerja"), TEXT, "grade_label"),
)
_OUTCOME_SERIES = (
    Series(_("Disetujui"), "approved", BLUE),
    Series(_("Dikembalikan"), "returned", ORANGE),
    Series(_("Ditolak"), "rejected", PURPLE),
)
_APPLICATIONS_SERIES = (Series(_("Permohonan"), "count", BLUE),)
_IKM_SERIES = (Series(_("Nilai IKM"), "score", BLUE),)

TABLES: dict[str, Table] = {
    t.slug: t
    for t in (
        Table(
            "ringkasan",
            _("Ringkasan per layanan"),
            (
                Column(_("Layanan"), TEXT, "label"),
                Column(_("Permohonan"), INT, "applications"),
                Column(_("Keputusan"), INT, "decisions"),
                *_OUTCOMES,
                *_WITHIN,
                Column(_("Dikembalikan (%)"), SHARE, "returned_share"),
                _MEDIAN,
                Column(_("Persentil 90 waktu keputusan (jam)"), SECONDS, "p90"),
            ),
            standard_rows,
        ),
        Table(
            "permohonan-harian",
            _("Permohonan per hari"),
            (Column(_("Tanggal"), DATE, "day"), _APPLICATIONS),
            per_day_rows,
            chart=Chart("day", _APPLICATIONS_SERIES, charts.applications_per_day),
        ),
        Table(
            "jenis-layanan",
            _("Permohonan per layanan dan jenis"),
            (_SERVICE, Column(_("Jenis permohonan"), TEXT, "variant"), _APPLICATIONS),
            variant_rows,
            chart=Chart(
                "variant",
                _APPLICATIONS_SERIES,
                charts.applications_per_variant,
                horizontal=True,
            ),
        ),
        Table(
            "kecamatan",
            _("Permohonan per kecamatan"),
            (_KECAMATAN, _APPLICATIONS),
            kecamatan_rows,
            chart=Chart("kecamatan", _APPLICATIONS_SERIES, charts.applications_per_kecamatan),
        ),
        Table(
            "desa",
            _("Permohonan per desa/kelurahan"),
            (_KECAMATAN, Column(_("Desa/kelurahan"), TEXT, "village"), _APPLICATIONS),
            village_rows,
            chart=Chart(
                "village",
                _APPLICATIONS_SERIES,
                charts.top_villages,
                horizontal=True,
                label_detail="kecamatan",
                top=TOP_VILLAGES,
            ),
        ),
        Table(
            "keputusan-harian",
            _("Keputusan per hari"),
            (
                Column(_("Tanggal"), DATE, "day"),
                *_OUTCOMES,
                Column(_("Jumlah keputusan"), INT, "total"),
                *_WITHIN,
            ),
            decision_day_rows,
            chart=Chart(
                "day",
                (*_OUTCOME_SERIES, Series(_("Dalam batas waktu"), "within", GREEN, "line")),
                charts.decisions_per_day,
                stacked=True,
            ),
        ),
        Table(
            "alasan",
            _("Alasan kekurangan terbanyak"),
            (
                Column(_("Alasan"), TEXT, "reason"),
                Column(_("Jumlah"), INT, "count"),
                Column(_("Bagian dari semua kekurangan (%)"), SHARE, "share"),
                Column(_("Kode"), TEXT, "code"),
            ),
            reason_rows,
            chart=Chart(
                "reason",
                (Series(_("Jumlah"), "count", ORANGE),),
                charts.top_reasons,
                horizontal=True,
            ),
        ),
        Table(
            "petugas",
            _("Beban kerja petugas"),
            (
                Column(_("Petugas"), TEXT, "officer"),
                Column(_("Nama pengguna"), TEXT, "username"),
                Column(_("Keputusan"), INT, "decisions"),
                *_OUTCOMES,
                *_WITHIN,
                _MEDIAN,
            ),
            officer_rows,
            personal=True,
            chart=Chart("officer", _OUTCOME_SERIES, charts.officers, horizontal=True, stacked=True),
        ),
        Table(
            "perekaman",
            _("Perekaman: kuota, pemesanan dan kehadiran"),
            (
                Column(_("Tempat"), TEXT, "place"),
                Column(_("Kuota"), INT, "capacity"),
                Column(_("Dipesan"), INT, "booked"),
                Column(_("Hadir"), INT, "present"),
                Column(_("Sudah direkam"), INT, "recorded"),
                Column(_("Tidak hadir"), INT, "no_show"),
                Column(_("Dibatalkan"), INT, "cancelled"),
                Column(_("Terisi (%)"), SHARE, "booked_share"),
                Column(_("Kehadiran (%)"), SHARE, "attendance_share"),
            ),
            perekaman_rows,
            chart=Chart(
                "place",
                (
                    Series(_("Kuota"), "capacity", SKY),
                    Series(_("Dipesan"), "booked", BLUE),
                    Series(_("Hadir"), "present", GREEN),
                ),
                charts.perekaman,
            ),
        ),
        Table(
            "ikm-layanan",
            _("IKM per layanan"),
            (_SERVICE, *_IKM),
            ikm_service_rows,
            needs_survey=True,
            chart=Chart("service", _IKM_SERIES, charts.ikm_per_service, horizontal=True),
        ),
        Table(
            "ikm-bulanan",
            _("IKM per bulan (semua layanan)"),
            (Column(_("Bulan"), MONTH, "month"), *_IKM),
            ikm_month_rows,
            needs_survey=True,
            chart=Chart("month", _IKM_SERIES, charts.ikm_per_month, kind="line"),
        ),
        Table(
            "ikm-unsur",
            _("Nilai rata-rata per unsur (NRR)"),
            (
                Column(_("Unsur"), TEXT, "element"),
                Column(_("Nama unsur"), TEXT, "name"),
                Column(_("NRR"), NUMBER, "nrr"),
            ),
            ikm_element_rows,
            needs_survey=True,
        ),
    )
}


def available_tables() -> dict[str, Table]:
    return {slug: t for slug, t in TABLES.items() if not t.needs_survey or survey_available()}


def hours(seconds: float | None) -> float | None:
    """Seconds as hours with two decimals: how exports show a time to decision."""
    return None if seconds is None else round(seconds / 3600, 2)


def as_date(value: Any) -> dt.date | Any:
    return value.date() if isinstance(value, dt.datetime) else value
