"""Deriving bookable slots from the rules, on demand.

Nothing here writes: a slot exists when a place's rules say it does (weekly hours minus the
break, minus closures and public holidays) or when a jemput bola event covers it. Booked counts
come from SlotCounter rows. One call loads the rules for many places and days in a fixed number
of queries, so the same function serves a page for one place and the overview of all places
(see bench/slots.py for its cost).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import lokal
from django.conf import settings
from django.utils import timezone

from .models import Closure, JemputBolaEvent, OpeningHours, Place, SlotCounter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    place_id: int
    start: dt.datetime
    end: dt.datetime
    capacity: int
    booked: int = 0

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


_warned_years: set[int] = set()


@lru_cache(maxsize=1024)
def public_holiday(day: dt.date) -> str | None:
    """The holiday's name when `day` is closed nationally, else None.

    Cuti bersama (collective leave) closes government offices too, unless
    APPOINTMENTS_OPEN_ON_CUTI_BERSAMA is set. For a year lokal-id has no data for, we cannot
    know the holidays, so the day is treated as closed (APPOINTMENTS_OPEN_WHEN_HOLIDAYS_UNKNOWN
    flips this): residents turning up at a shut office is worse than a shorter booking window.
    """
    try:
        holidays = lokal.holidays_on(day)
    except ValueError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning("lokal-id has no holiday data for %s; upgrade lokal-id", day.year)
        return None if settings.APPOINTMENTS_OPEN_WHEN_HOLIDAYS_UNKNOWN else "?"
    for holiday in holidays:
        if holiday.type == "cuti_bersama" and settings.APPOINTMENTS_OPEN_ON_CUTI_BERSAMA:
            continue
        return holiday.name
    return None


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


def _minutes(at: dt.time) -> int:
    return at.hour * 60 + at.minute


Plan = list[tuple[int, int, int]]  # (start minute, end minute, capacity) within one day


def office_day_plan(place: Place, hours: OpeningHours) -> Plan:
    """Slots of a weekly-hours day: back to back from opening, none overlapping the break."""
    step = place.minutes_per_recording
    start, closes = _minutes(hours.opens), _minutes(hours.closes)
    b_start = _minutes(hours.break_start) if hours.break_start else None
    b_end = _minutes(hours.break_end) if hours.break_end else None
    plan = []
    while start + step <= closes:
        end = start + step
        if b_start is not None and start < b_end and end > b_start:
            # Restart at the end of the break rather than step over it, so a break that is
            # not a multiple of the step does not shift the afternoon's slots.
            start = b_end
            continue
        plan.append((start, end, place.stations))
        start = end
    return plan


def event_plan(event: JemputBolaEvent) -> Plan:
    """Slots of a jemput bola day. The event's capacity is spread over them: every slot gets
    capacity // n, and the first capacity % n slots one more, so the total is exactly the
    event's capacity and earlier slots fill first."""
    step = event.minutes_per_recording
    starts = list(range(_minutes(event.opens), _minutes(event.closes) - step + 1, step))
    if not starts:
        return []
    base, extra = divmod(event.capacity, len(starts))
    return [(s, s + step, base + (1 if i < extra else 0)) for i, s in enumerate(starts)]


def _to_slots(place_id: int, day: dt.date, plan: Plan) -> list[Slot]:
    midnight = _aware(day, dt.time.min)
    return [
        Slot(
            place_id,
            midnight + dt.timedelta(minutes=s),
            midnight + dt.timedelta(minutes=e),
            capacity,
        )
        for s, e, capacity in plan
    ]


def event_slots(event: JemputBolaEvent) -> list[Slot]:
    return _to_slots(event.place_id, event.date, event_plan(event))


class Rules:
    """The rules for a set of places over a date range, loaded in three queries."""

    def __init__(self, places: Iterable[Place], first: dt.date, last: dt.date) -> None:
        self.places = {p.pk: p for p in places}
        ids = list(self.places)
        self.hours: dict[int, dict[int, OpeningHours]] = defaultdict(dict)
        for h in OpeningHours.objects.filter(place_id__in=ids):
            self.hours[h.place_id][h.weekday] = h
        self.closures = set(
            Closure.objects.filter(place_id__in=ids, date__range=(first, last)).values_list(
                "place_id", "date"
            )
        )
        self.events: dict[tuple[int, dt.date], JemputBolaEvent] = {
            (e.place_id, e.date): e
            for e in JemputBolaEvent.objects.filter(
                place_id__in=ids,
                date__range=(first, last),
                status=JemputBolaEvent.Status.SCHEDULED,
            )
        }
        # A weekday's plan is the same every week: compute it once per place and weekday.
        self._weekly: dict[tuple[int, int], Plan] = {}

    def closed_reason(self, place: Place, day: dt.date) -> str | None:
        if not place.is_active:
            return "inactive"
        if (place.pk, day) in self.closures:
            return "closure"
        if place.kind == Place.Kind.BALAI_DESA:
            return None if (place.pk, day) in self.events else "no_event"
        if day.weekday() not in self.hours[place.pk]:
            return "weekday"
        if public_holiday(day):
            return "holiday"
        return None

    def day_plan(self, place: Place, day: dt.date) -> Plan:
        if self.closed_reason(place, day):
            return []
        if place.kind == Place.Kind.BALAI_DESA:
            return event_plan(self.events[(place.pk, day)])
        key = (place.pk, day.weekday())
        if key not in self._weekly:
            self._weekly[key] = office_day_plan(place, self.hours[place.pk][day.weekday()])
        return self._weekly[key]

    def day_slots(self, place: Place, day: dt.date) -> list[Slot]:
        """Every slot of the day by the rules, with booked = 0."""
        return _to_slots(place.pk, day, self.day_plan(place, day))


def booking_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today, today + dt.timedelta(days=settings.APPOINTMENTS_BOOKING_DAYS - 1)


def earliest_bookable_start(now: dt.datetime | None = None) -> dt.datetime:
    """Slots starting before this are in the past (or too soon to travel to)."""
    now = now or timezone.now()
    return now + dt.timedelta(minutes=settings.APPOINTMENTS_MIN_LEAD_MINUTES)


def availability(
    places: Iterable[Place],
    first: dt.date,
    days: int,
    *,
    now: dt.datetime | None = None,
    include_past: bool = False,
) -> dict[int, dict[dt.date, list[Slot]]]:
    """Slots with booked counts for each place and day: {place_id: {date: [Slot, ...]}}.

    Days without slots are left out. Unless `include_past`, slots starting before
    `earliest_bookable_start(now)` are left out too. Four queries whatever the range.
    """
    places = list(places)
    last = first + dt.timedelta(days=days - 1)
    rules = Rules(places, first, last)
    # Keyed by epoch seconds: hashing aware datetimes costs a UTC-offset lookup each, which
    # was a tenth of this function's time over 30 days x 11 places (bench/slots.py).
    counts = {
        (place_id, int(start.timestamp())): booked
        for place_id, start, booked in SlotCounter.objects.filter(
            place_id__in=[p.pk for p in places],
            start__gte=_aware(first, dt.time.min),
            start__lt=_aware(last + dt.timedelta(days=1), dt.time.min),
        ).values_list("place_id", "start", "booked")
    }
    cutoff = None if include_past else earliest_bookable_start(now).timestamp()
    result: dict[int, dict[dt.date, list[Slot]]] = {}
    for place in places:
        pk = place.pk  # a property call per slot otherwise
        per_day: dict[dt.date, list[Slot]] = {}
        for offset in range(days):
            day = first + dt.timedelta(days=offset)
            plan = rules.day_plan(place, day)
            if not plan:
                continue
            midnight = _aware(day, dt.time.min)
            base = int(midnight.timestamp())
            slots = [
                Slot(
                    pk,
                    midnight + dt.timedelta(minutes=s),
                    midnight + dt.timedelta(minutes=e),
                    capacity,
                    counts.get((pk, base + s * 60), 0),
                )
                for s, e, capacity in plan
                if cutoff is None or base + s * 60 >= cutoff
            ]
            if slots:
                per_day[day] = slots
        result[pk] = per_day
    return result


def find_slot(place: Place, start: dt.datetime) -> Slot | None:
    """The rules' slot of `place` starting exactly at `start`, or None (booked = 0)."""
    day = timezone.localtime(start).date()
    rules = Rules([place], day, day)
    return next((s for s in rules.day_slots(place, day) if s.start == start), None)


def closed_reason(place: Place, day: dt.date) -> str | None:
    return Rules([place], day, day).closed_reason(place, day)
