"""The figures of the service standard, computed in the database.

Every function takes a `Period` (local calendar days, both ends included) and answers with a
handful of GROUP BY queries over indexed fact columns: applications by the day they were
first sent (`Application.first_submitted_at`), decisions by the day they were made
(`applications.Decision`, one row per answer to one sending) and deficiency reasons
(`DecisionReason`). Nothing iterates over rows in Python; only over days, services or areas.
The time a figure takes grows with the rows in the period asked for, not with years of
history (bench/dashboard.py measures it).

Definitions (shown on the pages too):
- An application counts on the day it was first sent; resending does not count it again.
- A decision is an approval, a return or a rejection of one sending. It is within the
  standard when made no later than that sending's deadline (24 hours, or the working-hours
  deadline when BACKOFFICE_DEADLINE_MODE=working).
- Time to decision runs from that sending (submission or resubmission) to the decision.
  Median and 90th percentile are the linear-interpolation percentiles (PostgreSQL's
  percentile_cont, spreadsheet PERCENTILE.INC) of those times.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from paksemmok.applications.models import Application, Decision, DecisionReason
from paksemmok.catalog.models import DeficiencyReason, Service, Variant
from paksemmok.population.models import Region

# A dashboard may ask for several years; a bound keeps one request from asking for decades.
MAX_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end before start")

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> Iterator[dt.date]:
        for i in range(self.days):
            yield self.start + dt.timedelta(days=i)

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first local midnight, the midnight after the last day): indexes serve a range."""
        tz = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


@dataclass(frozen=True)
class Filters:
    """Optional narrowing shared by every figure: one service, one kecamatan."""

    service: Service | None = None
    kecamatan: Region | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        """For Application, Decision and DecisionReason rows (all carry the service; a
        reason's kecamatan is its decision's)."""
        if self.service is not None:
            qs = qs.filter(service=self.service)
        if self.kecamatan is not None:
            field = "decision__kecamatan" if qs.model is DecisionReason else "kecamatan"
            qs = qs.filter(**{field: self.kecamatan})
        return qs


NO_FILTERS = Filters()


def _by_day(qs: QuerySet, field_name: str) -> QuerySet:
    return qs.annotate(day=TruncDate(field_name, tzinfo=timezone.get_default_timezone()))


def submitted(period: Period, filters: Filters = NO_FILTERS) -> QuerySet[Application]:
    start, end = period.bounds
    return filters.apply(
        Application.objects.filter(first_submitted_at__gte=start, first_submitted_at__lt=end)
    )


def decisions(period: Period, filters: Filters = NO_FILTERS) -> QuerySet[Decision]:
    start, end = period.bounds
    return filters.apply(Decision.objects.filter(decided_at__gte=start, decided_at__lt=end))


# --- applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


def applications_per_day(period: Period, filters: Filters = NO_FILTERS) -> list[DayCount]:
    """Every day of the period, days without applications as 0 (a chart needs them)."""
    counts = dict(
        _by_day(submitted(period, filters), "first_submitted_at")
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [DayCount(day, counts.get(day, 0)) for day in period.each_day()]


@dataclass(frozen=True)
class VariantCount:
    service: str
    variant: str
    count: int


def applications_by_variant(period: Period, filters: Filters = NO_FILTERS) -> list[VariantCount]:
    counts = dict(
        submitted(period, filters)
        .values("variant")
        .annotate(n=Count("id"))
        .values_list("variant", "n")
    )
    variants = Variant.objects.select_related("service").order_by("service__order", "order", "pk")
    if filters.service is not None:
        variants = variants.filter(service=filters.service)
    return [VariantCount(v.service.name, v.name, counts.get(v.pk, 0)) for v in variants]


@dataclass(frozen=True)
class AreaCount:
    kecamatan: str
    village: str
    count: int


def applications_by_area(
    period: Period, filters: Filters = NO_FILTERS, *, level: str = "village"
) -> list[AreaCount]:
    """Per kecamatan, or per village within each kecamatan; areas without applications are
    listed with 0 so that a quiet village is visible, not missing."""
    key = "kecamatan" if level == "kecamatan" else "village"
    counts = dict(
        submitted(period, filters).values(key).annotate(n=Count("id")).values_list(key, "n")
    )
    if key == "kecamatan":
        areas = Region.objects.filter(level=Region.Level.KECAMATAN, pk__in=_known_kecamatan())
        if filters.kecamatan is not None:
            areas = areas.filter(pk=filters.kecamatan.pk)
        return [AreaCount(a.name, "", counts.get(a.pk, 0)) for a in areas.order_by("code")]
    areas = Region.objects.filter(
        level=Region.Level.VILLAGE, parent__in=_known_kecamatan()
    ).select_related("parent")
    if filters.kecamatan is not None:
        areas = areas.filter(parent=filters.kecamatan)
    return [AreaCount(a.parent.name, a.name, counts.get(a.pk, 0)) for a in areas.order_by("code")]


def _known_kecamatan() -> QuerySet[Region]:
    # The regency's own kecamatan: those with villages that have families. A deployment
    # imports one regency; this keeps a stray imported neighbour out of the tables.
    return (
        Region.objects.filter(level=Region.Level.KECAMATAN, children__families__isnull=False)
        .distinct()
        .values("pk")
    )


# --- decisions and the standard --------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    """How the 1x24 hour promise was kept over a period."""

    applications: int
    decisions: int
    approved: int
    returned: int
    rejected: int
    within_deadline: int
    median_seconds: float | None
    p90_seconds: float | None

    @property
    def within_share(self) -> float | None:
        return self.within_deadline / self.decisions if self.decisions else None

    @property
    def returned_share(self) -> float | None:
        return self.returned / self.decisions if self.decisions else None


def percentile(qs: QuerySet[Decision], fraction: float, count: int | None = None) -> float | None:
    """The linear-interpolation percentile of seconds_to_decision, found by the database:
    it sorts and we read at most two values at the rank (no rows brought into Python)."""
    n = qs.count() if count is None else count
    if n == 0:
        return None
    rank = fraction * (n - 1)
    low = math.floor(rank)
    values = list(
        qs.order_by("seconds_to_decision").values_list("seconds_to_decision", flat=True)[
            low : low + 2
        ]
    )
    if len(values) == 1 or rank == low:
        return float(values[0])
    return values[0] + (values[1] - values[0]) * (rank - low)


def standard(period: Period, filters: Filters = NO_FILTERS) -> Standard:
    qs = decisions(period, filters)
    totals = qs.aggregate(
        n=Count("id"),
        approved=Count("id", filter=Q(outcome=Decision.Outcome.APPROVED)),
        returned=Count("id", filter=Q(outcome=Decision.Outcome.RETURNED)),
        rejected=Count("id", filter=Q(outcome=Decision.Outcome.REJECTED)),
        within=Count("id", filter=Q(within_deadline=True)),
    )
    return Standard(
        applications=submitted(period, filters).count(),
        decisions=totals["n"],
        approved=totals["approved"],
        returned=totals["returned"],
        rejected=totals["rejected"],
        within_deadline=totals["within"],
        median_seconds=percentile(qs, 0.5, totals["n"]),
        p90_seconds=percentile(qs, 0.9, totals["n"]),
    )


def standard_by_service(
    period: Period, filters: Filters = NO_FILTERS
) -> list[tuple[Service, Standard]]:
    services = Service.objects.order_by("order", "pk")
    if filters.service is not None:
        services = services.filter(pk=filters.service.pk)
    return [
        (s, standard(period, Filters(service=s, kecamatan=filters.kecamatan))) for s in services
    ]


@dataclass(frozen=True)
class DayDecisions:
    day: dt.date
    approved: int
    returned: int
    rejected: int
    within_deadline: int

    @property
    def total(self) -> int:
        return self.approved + self.returned + self.rejected


def decisions_per_day(period: Period, filters: Filters = NO_FILTERS) -> list[DayDecisions]:
    rows = {
        r["day"]: r
        for r in _by_day(decisions(period, filters), "decided_at")
        .values("day")
        .annotate(
            approved=Count("id", filter=Q(outcome=Decision.Outcome.APPROVED)),
            returned=Count("id", filter=Q(outcome=Decision.Outcome.RETURNED)),
            rejected=Count("id", filter=Q(outcome=Decision.Outcome.REJECTED)),
            within=Count("id", filter=Q(within_deadline=True)),
        )
    }
    empty = {"approved": 0, "returned": 0, "rejected": 0, "within": 0}
    return [
        DayDecisions(day, r["approved"], r["returned"], r["rejected"], r["within"])
        for day in period.each_day()
        for r in [rows.get(day, empty)]
    ]


@dataclass(frozen=True)
class ReasonCount:
    code: str
    name: str
    count: int
    share: float  # of all deficiency items in the period


def top_reasons(
    period: Period, filters: Filters = NO_FILTERS, limit: int = 10
) -> list[ReasonCount]:
    start, end = period.bounds
    qs = filters.apply(DecisionReason.objects.filter(decided_at__gte=start, decided_at__lt=end))
    total = qs.count()
    rows = list(qs.values("reason").annotate(n=Count("id")).order_by("-n", "reason")[:limit])
    names = dict(
        DeficiencyReason.objects.filter(code__in=[r["reason"] for r in rows]).values_list(
            "code", "name"
        )
    )
    return [
        ReasonCount(r["reason"], names.get(r["reason"], r["reason"]), r["n"], r["n"] / total)
        for r in rows
    ]


@dataclass(frozen=True)
class OfficerLoad:
    name: str
    username: str
    decisions: int
    approved: int
    returned: int
    rejected: int
    within_deadline: int
    median_seconds: float | None = field(default=None)


def officer_workload(period: Period, filters: Filters = NO_FILTERS) -> list[OfficerLoad]:
    qs = decisions(period, filters)
    rows = (
        qs.values("officer", "officer__first_name", "officer__last_name", "officer__username")
        .annotate(
            n=Count("id"),
            approved=Count("id", filter=Q(outcome=Decision.Outcome.APPROVED)),
            returned=Count("id", filter=Q(outcome=Decision.Outcome.RETURNED)),
            rejected=Count("id", filter=Q(outcome=Decision.Outcome.REJECTED)),
            within=Count("id", filter=Q(within_deadline=True)),
        )
        .order_by("-n", "officer__username")
    )
    out = []
    for r in rows:  # one row per officer: a few dozen at most
        name = f"{r['officer__first_name']} {r['officer__last_name']}".strip()
        out.append(
            OfficerLoad(
                name or r["officer__username"],
                r["officer__username"],
                r["n"],
                r["approved"],
                r["returned"],
                r["rejected"],
                r["within"],
                percentile(qs.filter(officer=r["officer"]), 0.5, r["n"]),
            )
        )
    return out


# --- perekaman -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceLoad:
    place: str
    capacity: int
    booked: int
    present: int
    recorded: int
    no_show: int
    cancelled: int

    @property
    def booked_share(self) -> float | None:
        return self.booked / self.capacity if self.capacity else None

    @property
    def attendance_share(self) -> float | None:
        """Of bookings whose day has passed and were not cancelled: who came."""
        settled = self.present + self.no_show
        return self.present / settled if settled else None


def perekaman_load(period: Period) -> list[PlaceLoad]:
    """Bookings against capacity per place. Capacity comes from the opening rules (it is not
    stored): one weekly plan per place and weekday, then a sum over the period's days."""
    from paksemmok.appointments.models import Booking, Place
    from paksemmok.appointments.slots import Rules

    start, end = period.bounds
    counts = {
        r["place"]: r
        for r in Booking.objects.filter(start__gte=start, start__lt=end)
        .values("place")
        .annotate(**Booking.tallies())
    }
    places = list(
        Place.objects.filter(Q(is_active=True) | Q(pk__in=list(counts))).order_by("kind", "name")
    )
    rules = Rules(places, period.start, period.end)
    empty: dict[str, Any] = {"booked": 0, "present": 0, "recorded": 0, "no_show": 0, "cancelled": 0}
    out = []
    for place in places:
        capacity = sum(c for day in period.each_day() for _s, _e, c in rules.day_plan(place, day))
        r = counts.get(place.pk, empty)
        if capacity == 0 and r["booked"] == 0 and r["cancelled"] == 0:
            continue  # a village hall with no event in the period
        out.append(
            PlaceLoad(
                place.name,
                capacity,
                r["booked"],
                r["present"],
                r["recorded"],
                r["no_show"],
                r["cancelled"],
            )
        )
    return out


__all__ = [
    "MAX_DAYS",
    "AreaCount",
    "DayCount",
    "DayDecisions",
    "Filters",
    "OfficerLoad",
    "Period",
    "PlaceLoad",
    "ReasonCount",
    "Standard",
    "VariantCount",
    "applications_by_area",
    "applications_by_variant",
    "applications_per_day",
    "decisions",
    "decisions_per_day",
    "officer_workload",
    "percentile",
    "perekaman_load",
    "standard",
    "standard_by_service",
    "submitted",
    "top_reasons",
]
