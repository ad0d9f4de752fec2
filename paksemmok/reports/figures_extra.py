"""The dashboard's tables: each one a title, typed columns and rows taken from `figures`.

One definition serves the page (table beside each chart) and both exports (CSV, XLSX), so
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

from . import figures
from .figures import Filters, Period

# Column kinds: how a value is written and shown.
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


# --- extra figures -----------------------------------------------------------------------------


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

_STANDARD_COLUMNS = (
    Column(_("Layanan"), TEXT),
    Column(_("Permohonan")),
    Column(_("Keputusan")),
    Column(_("Disetujui")),
    Column(_("Dikembalikan")),
    Column(_("Ditolak")),
    Column(_("Dalam batas waktu")),
    Column(_("Dalam batas waktu (%)"), SHARE),
    Column(_("Dikembalikan (%)"), SHARE),
    Column(_("Median waktu keputusan (jam)"), SECONDS),
    Column(_("Persentil 90 waktu keputusan (jam)"), SECONDS),
)

TABLES: dict[str, Table] = {
    t.slug: t
    for t in (
        Table("ringkasan", _("Ringkasan per layanan"), _STANDARD_COLUMNS, standard_rows),
        Table(
            "permohonan-harian",
            _("Permohonan per hari"),
            (Column(_("Tanggal"), DATE), Column(_("Permohonan"))),
            per_day_rows,
        ),
        Table(
            "jenis-layanan",
            _("Permohonan per layanan dan jenis"),
            (
                Column(_("Layanan"), TEXT),
                Column(_("Jenis permohonan"), TEXT),
                Column(_("Permohonan")),
            ),
            variant_rows,
        ),
        Table(
            "kecamatan",
            _("Permohonan per kecamatan"),
            (Column(_("Kecamatan"), TEXT), Column(_("Permohonan"))),
            kecamatan_rows,
        ),
        Table(
            "desa",
            _("Permohonan per desa/kelurahan"),
            (
                Column(_("Kecamatan"), TEXT),
                Column(_("Desa/kelurahan"), TEXT),
                Column(_("Permohonan")),
            ),
            village_rows,
        ),
        Table(
            "keputusan-harian",
            _("Keputusan per hari"),
            (
                Column(_("Tanggal"), DATE),
                Column(_("Disetujui")),
                Column(_("Dikembalikan")),
                Column(_("Ditolak")),
                Column(_("Jumlah keputusan")),
                Column(_("Dalam batas waktu")),
                Column(_("Dalam batas waktu (%)"), SHARE),
            ),
            decision_day_rows,
        ),
        Table(
            "alasan",
            _("Alasan kekurangan terbanyak"),
            (
                Column(_("Alasan"), TEXT),
                Column(_("Jumlah")),
                Column(_("Bagian dari semua kekurangan (%)"), SHARE),
                Column(_("Kode"), TEXT),
            ),
            reason_rows,
        ),
        Table(
            "petugas",
            _("Beban kerja petugas"),
            (
                Column(_("Petugas"), TEXT),
                Column(_("Nama pengguna"), TEXT),
                Column(_("Keputusan")),
                Column(_("Disetujui")),
                Column(_("Dikembalikan")),
                Column(_("Ditolak")),
                Column(_("Dalam batas waktu")),
                Column(_("Dalam batas waktu (%)"), SHARE),
                Column(_("Median waktu keputusan (jam)"), SECONDS),
            ),
            officer_rows,
            personal=True,
        ),
        Table(
            "perekaman",
            _("Perekaman: kuota, pemesanan dan kehadiran"),
            (
                Column(_("Tempat"), TEXT),
                Column(_("Kuota")),
                Column(_("Dipesan")),
                Column(_("Hadir")),
                Column(_("Sudah direkam")),
                Column(_("Tidak hadir")),
                Column(_("Dibatalkan")),
                Column(_("Terisi (%)"), SHARE),
                Column(_("Kehadiran (%)"), SHARE),
            ),
            perekaman_rows,
        ),
        Table(
            "ikm-layanan",
            _("IKM per layanan"),
            (
                Column(_("Layanan"), TEXT),
                Column(_("Responden")),
                Column(_("Nilai IKM"), NUMBER),
                Column(_("Mutu"), TEXT),
                Column(_("Kinerja"), TEXT),
            ),
            ikm_service_rows,
            needs_survey=True,
        ),
        Table(
            "ikm-bulanan",
            _("IKM per bulan (semua layanan)"),
            (
                Column(_("Bulan"), MONTH),
                Column(_("Responden")),
                Column(_("Nilai IKM"), NUMBER),
                Column(_("Mutu"), TEXT),
                Column(_("Kinerja"), TEXT),
            ),
            ikm_month_rows,
            needs_survey=True,
        ),
        Table(
            "ikm-unsur",
            _("Nilai rata-rata per unsur (NRR)"),
            (Column(_("Unsur"), TEXT), Column(_("Nama unsur"), TEXT), Column(_("NRR"), NUMBER)),
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
