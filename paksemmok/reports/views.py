"""The staff dashboard and its exports: thin views over figures.py (via tables.TABLES).

Who sees it: supervisors and admins only. The dashboard names officers (workload) and
covers every service; operators have their own queue and the supervisor keeps oversight,
so a narrower operator view was left out rather than half-built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from paksemmok.accounts.models import User
from paksemmok.accounts.permissions import role_required
from paksemmok.audit.log import record
from paksemmok.catalog.models import Service
from paksemmok.population.models import Region

from . import charts, exports, figures
from .figures import Filters, Period
from .tables import (
    DATE,
    INT,
    MONTH,
    NUMBER,
    SECONDS,
    SHARE,
    TEXT,
    Table,
    available_tables,
    ikm_overall,
    survey_available,
)
from .templatetags.report_format import duration, percent

PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


class RangeForm(forms.Form):
    preset = forms.TypedChoiceField(
        choices=[(str(p), str(p)) for p in PRESETS], coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(
        label=gettext_lazy("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Layanan"),
        required=False,
        queryset=Service.objects.order_by("order", "pk"),
        to_field_name="code",
        empty_label=gettext_lazy("Semua layanan"),
    )
    kecamatan = forms.ModelChoiceField(
        label=gettext_lazy("Kecamatan"),
        required=False,
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=gettext_lazy("Semua kecamatan"),
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["kecamatan"].queryset = Region.objects.filter(
            level=Region.Level.KECAMATAN, code__startswith=settings.REGENCY_CODE + "."
        ).order_by("code")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        if data.get("preset"):
            period_end, days = self.today, data["preset"]
            period_start = period_end - dt.timedelta(days=days - 1)
        else:
            period_end = data.get("end") or self.today
            period_start = data.get("start") or period_end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if period_end < period_start:
            raise forms.ValidationError(_("Tanggal akhir tidak boleh sebelum tanggal awal."))
        if (period_end - period_start).days + 1 > figures.MAX_DAYS:
            raise forms.ValidationError(
                _("Rentang tanggal paling panjang %(max)s hari; pilih rentang yang lebih pendek.")
                % {"max": figures.MAX_DAYS}
            )
        data["period"] = Period(period_start, period_end)
        data["filters"] = Filters(service=data.get("service"), kecamatan=data.get("kecamatan"))
        return data


def _query(period: Period, filters: Filters) -> str:
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if filters.service is not None:
        params["service"] = filters.service.code
    if filters.kecamatan is not None:
        params["kecamatan"] = filters.kecamatan.code
    return urlencode(params)


def show(kind: str, value: Any) -> str:
    """One cell as the page shows it, in the active language's number format."""
    if value is None or value == "":
        return "–"
    if kind == INT:
        return number_format(value, force_grouping=True)
    if kind == DATE:
        return date_format(value, "D, j M Y")
    if kind == MONTH:
        return date_format(value, "F Y")
    if kind == SHARE:
        return percent(value)
    if kind == SECONDS:
        return duration(value)
    if kind == NUMBER:
        return number_format(value, 2)
    return str(value)


def section(
    table: Table, rows: list[tuple[Any, ...]], period: Period, query: str
) -> dict[str, Any]:
    chart, summary = charts.draw(table, rows, period)
    kinds = [(c.kind, c.kind not in (TEXT, DATE, MONTH)) for c in table.columns]
    return {
        "slug": table.slug,
        "title": table.title,
        "columns": [
            {"header": c.header, "numeric": numeric}
            for c, (_k, numeric) in zip(table.columns, kinds, strict=True)
        ],
        # (text, numeric) per cell: numbers are right-aligned so digits line up.
        "rows": [
            [(show(k, v), numeric) for (k, numeric), v in zip(kinds, row, strict=True)]
            for row in rows
        ],
        "chart": chart,
        "chart_id": f"chart-{table.slug}",
        "summary": summary,
        # The standard table ends with its "all services" row.
        "has_total": table.slug in ("ringkasan", "ikm-layanan"),
        "csv": f"{reverse('reports:export', args=[table.slug, 'csv'])}?{query}",
        "xlsx": f"{reverse('reports:export', args=[table.slug, 'xlsx'])}?{query}",
    }


@never_cache
@role_required(*User.SUPERVISING_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = RangeForm(request.GET)
    context: dict[str, Any] = {"form": form, "presets": PRESETS}
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context)
    period, filters = form.cleaned_data["period"], form.cleaned_data["filters"]
    # Show the range actually used (a preset's, or the default) in the date fields, so that
    # pressing "Tampilkan" next keeps it instead of the dates sent before the preset.
    context["form"] = RangeForm(
        initial={
            "start": period.start,
            "end": period.end,
            "service": filters.service,
            "kecamatan": filters.kecamatan,
        },
        today=form.today,
    )
    query = _query(period, filters)
    raw = {slug: t.rows(period, filters) for slug, t in available_tables().items()}
    # Keyed with underscores: templates cannot look up "permohonan-harian".
    sections = {
        slug.replace("-", "_"): section(available_tables()[slug], rows, period, query)
        for slug, rows in raw.items()
    }
    # The summary cards are the "all services" row of the standard table (its last row).
    total = dict(
        zip(
            (
                "label",
                "applications",
                "decisions",
                "approved",
                "returned",
                "rejected",
                "within",
                "within_share",
                "returned_share",
                "median",
                "p90",
            ),
            raw["ringkasan"][-1],
            strict=True,
        )
    )
    today = form.today
    context.update(
        {
            "period": period,
            "filters": filters,
            "query": query,
            "sections": sections,
            "total": total,
            "cards": {
                "applications": show(INT, total["applications"]),
                "per_day": number_format(total["applications"] / period.days, 1),
                "decisions": show(INT, total["decisions"]),
                "within_share": percent(total["within_share"]),
                "returned_share": percent(total["returned_share"]),
                "median": duration(total["median"]),
                "p90": duration(total["p90"]),
            },
            "active_preset": next(
                (p for p in PRESETS if period.end == today and period.days == p), None
            ),
            "survey": survey_available(),
            "ikm": ikm_overall(period, filters) if survey_available() else None,
        }
    )
    return render(request, "reports/dashboard.html", context)


@never_cache
@role_required(*User.SUPERVISING_ROLES)
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    tables = available_tables()
    if table not in tables or fmt not in ("csv", "xlsx"):
        raise Http404
    form = RangeForm(request.GET)
    if not form.is_valid():
        # A stale or edited link: the dashboard's own form says what is wrong and lets the
        # officer correct the range, rather than a bare error text.
        return render(
            request, "reports/dashboard.html", {"form": form, "presets": PRESETS}, status=400
        )
    period, filters = form.cleaned_data["period"], form.cleaned_data["filters"]
    spec = tables[table]
    rows = spec.rows(period, filters)
    # The data leaves the system: who took which table for which range is on the record.
    from paksemmok.audit.ip import client_ip

    record(
        "reports.export.downloaded",
        actor=request.user,
        ip_address=client_ip(request),
        details={
            "table": table,
            "format": fmt,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "service": filters.service.code if filters.service else None,
            "kecamatan": filters.kecamatan.code if filters.kecamatan else None,
            "rows": len(rows),
            "personal": spec.personal,
        },
    )
    if fmt == "csv":
        return exports.csv_response(spec, rows, period)
    return exports.xlsx_response(spec, rows, period)
