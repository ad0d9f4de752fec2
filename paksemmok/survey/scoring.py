"""The Indeks Kepuasan Masyarakat (IKM) as PermenPANRB No. 14 Tahun 2017 computes it.

    NRR per element      = mean of the answers (1-4) to that element
    NRR tertimbang       = NRR x 1/9 (the regulation's weight: number of weights / elements;
                           printed as 0.111 in its worked example)
    IKM unit             = sum of the weighted NRR (1.00-4.00)
    IKM (converted)      = IKM unit x 25 (25.00-100.00)

    converted            unit interval      mutu  kinerja unit pelayanan
    88.31 - 100.00       3.5324 - 4.00      A     Sangat Baik
    76.61 -  88.30       3.0644 - 3.532     B     Baik
    65.00 -  76.60       2.60   - 3.064     C     Kurang Baik
    25.00 -  64.99       1.00   - 2.5996    D     Tidak Baik

Choices where the regulation leaves room, documented here and in docs/architecture.md:

* The weight is exactly 1/9, not the printed 0.111: with 0.111 a survey where everyone
  answered 4 would score 99.90, never 100.00, and the printed 0.111 is a rounding of 1/9.
* The unit-interval column has gaps (3.064 < x < 3.0644, 3.532 < x < 3.5324, 2.5996 < x <
  2.60). The converted column has none at two decimals, so the grade is read from the
  converted score rounded half-up to two decimals: 76.605 (unit 3.0642) -> 76.61 -> B.
* Everything is computed from integer sums with exact fractions, so a score exactly on a
  boundary (e.g. 76.61) is never pushed across it by floating-point error.

The database does the counting: one aggregate query per call, grouped by service or period
where asked; no Python loop over responses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext_lazy as _

from .models import SurveyResponse
from .questions import FIELDS

WEIGHT = Fraction(1, len(FIELDS))
CONVERSION = 25
# (lowest converted score, grade, performance label), best first.
GRADES: tuple[tuple[Decimal, str, Any], ...] = (
    (Decimal("88.31"), "A", _("Sangat Baik")),
    (Decimal("76.61"), "B", _("Baik")),
    (Decimal("65.00"), "C", _("Kurang Baik")),
    (Decimal("25.00"), "D", _("Tidak Baik")),
)
PERIODS = {"month": TruncMonth, "quarter": TruncQuarter}


@dataclass(frozen=True)
class IkmResult:
    count: int
    nrr: tuple[float, ...] | None  # per element, u1..u9
    score: float | None  # converted IKM, 25.00-100.00, two decimals
    grade: str | None  # A-D (mutu pelayanan)
    grade_label: str | None  # kinerja unit pelayanan, translated

    @property
    def weighted_nrr(self) -> tuple[float, ...] | None:
        return None if self.nrr is None else tuple(n * float(WEIGHT) for n in self.nrr)

    @property
    def ikm_unit(self) -> float | None:
        return None if self.nrr is None else sum(self.nrr) * float(WEIGHT)


EMPTY = IkmResult(count=0, nrr=None, score=None, grade=None, grade_label=None)


def grade_for(score: Decimal) -> tuple[str, str]:
    """(letter, label) for a converted score already rounded to two decimals."""
    for lowest, letter, label in GRADES:
        if score >= lowest:
            return letter, str(label)
    return GRADES[-1][1], str(GRADES[-1][2])


def result_from_sums(count: int, sums: list[int]) -> IkmResult:
    """The index from the number of responses and the sum of answers per element."""
    if not count:
        return EMPTY
    nrr = [Fraction(s, count) for s in sums]
    unit = sum(n * WEIGHT for n in nrr)
    exact = unit * CONVERSION
    score = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    letter, label = grade_for(score)
    return IkmResult(
        count=count,
        nrr=tuple(float(n) for n in nrr),
        score=float(score),
        grade=letter,
        grade_label=label,
    )


def _aggregates() -> dict[str, Any]:
    return {"n": Count("id"), **{f"s_{f}": Sum(f) for f in FIELDS}}


def _from_row(row: dict[str, Any]) -> IkmResult:
    return result_from_sums(row["n"] or 0, [row[f"s_{f}"] or 0 for f in FIELDS])


def ikm(responses: QuerySet[SurveyResponse]) -> IkmResult:
    """The index over these responses (any filtered queryset of SurveyResponse)."""
    return _from_row(responses.order_by().aggregate(**_aggregates()))


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def between(start: dt.date, end: dt.date) -> QuerySet[SurveyResponse]:
    """Responses answered from `start` to `end` inclusive, in local (WIB) days; a range on
    the indexed timestamp rather than a date cast, so the index is used."""
    tz = local_tz()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return SurveyResponse.objects.filter(answered_at__gte=since, answered_at__lt=until)


def ikm_by_service(start: dt.date, end: dt.date) -> list[tuple[Any, IkmResult]]:
    """One row per catalogue service (active ones, and any inactive one that has answers in
    the range), in catalogue order, then `(None, overall)` as the last row."""
    from paksemmok.catalog.models import Service

    rows = between(start, end).order_by().values("service").annotate(**_aggregates())
    by_service = {row["service"]: _from_row(row) for row in rows}
    services = Service.objects.filter(pk__in=list(by_service)) | Service.objects.filter(
        is_active=True
    )
    result: list[tuple[Any, IkmResult]] = [
        (service, by_service.get(service.pk, EMPTY)) for service in services.distinct()
    ]
    overall = result_from_sums(
        sum(r.count for r in by_service.values()),
        [sum(row[f"s_{f}"] or 0 for row in rows) for f in FIELDS],
    )
    result.append((None, overall))
    return result


def _period_starts(start: dt.date, end: dt.date, period: str) -> list[dt.date]:
    step = 1 if period == "month" else 3
    month = ((start.month - 1) // step) * step + 1
    current = dt.date(start.year, month, 1)
    starts = []
    while current <= end:
        starts.append(current)
        months = current.month - 1 + step
        current = dt.date(current.year + months // 12, months % 12 + 1, 1)
    return starts


def ikm_by_period(
    start: dt.date, end: dt.date, period: str = "month"
) -> list[tuple[dt.date, IkmResult]]:
    """One row per month or quarter (local time) from the one holding `start` to the one
    holding `end`, empty periods included so a chart has no missing bars."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {sorted(PERIODS)}, not {period!r}")
    trunc = PERIODS[period]("answered_at", tzinfo=local_tz())
    rows = (
        between(start, end)
        .order_by()
        .annotate(period=trunc)
        .values("period")
        .annotate(**_aggregates())
    )
    found = {}
    for row in rows:  # one row per period, not per response
        value = row["period"]
        day = value.astimezone(local_tz()).date() if isinstance(value, dt.datetime) else value
        found[day] = _from_row(row)
    return [(day, found.get(day, EMPTY)) for day in _period_starts(start, end, period)]
