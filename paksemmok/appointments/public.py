"""What the public places page shows: offices with their week and coming closures, and the
coming jemput bola days with what is left of their quota.

Read-only, and built in a fixed number of queries whatever the number of places and events:
the page is public and unauthenticated, so its cost must not grow with the data. Closed days
and remaining quota come from the same rules the booking pages use (slots.py), so this page
never promises a day the booking page would refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from . import slots as slot_rules
from .models import Closure, JemputBolaEvent, OpeningHours, Place

CLOSURE_DAYS = 30
EVENT_DAYS = 60
WEEKDAYS = OpeningHours._meta.get_field("weekday").choices


@dataclass
class WeekdayHours:
    weekday: int
    label: str
    hours: OpeningHours | None  # None: closed that weekday


@dataclass
class ClosedDay:
    day: dt.date
    reason: str
    is_holiday: bool


@dataclass
class OfficeSchedule:
    place: Place
    week: list[WeekdayHours]
    closed_days: list[ClosedDay] = field(default_factory=list)


@dataclass
class EventDay:
    event: JemputBolaEvent
    remaining: int
    # False when a closure at the hall removed every slot of the day.
    serves: bool
    # The first day the booking pages accept this event (they look APPOINTMENTS_BOOKING_DAYS
    # ahead); None when it can be booked already.
    booking_opens: dt.date | None

    @property
    def is_full(self) -> bool:
        return self.serves and self.remaining <= 0


def upcoming_holidays(first: dt.date, days: int) -> dict[dt.date, str]:
    """Public holidays (and cuti bersama unless configured open) the slot rules close on."""
    found = {}
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        name = slot_rules.public_holiday(day)
        if name:
            found[day] = name
    return found


def office_schedules(
    today: dt.date | None = None, days: int = CLOSURE_DAYS
) -> list[OfficeSchedule]:
    """Every active office (Disdukcapil, kecamatan) with its week and closed days ahead.

    Three queries: places, their hours, their closures in the window.
    """
    today = today or timezone.localdate()
    last = today + dt.timedelta(days=days - 1)
    places = (
        Place.objects.filter(is_active=True)
        .exclude(kind=Place.Kind.BALAI_DESA)
        .select_related("region")
        .prefetch_related(
            Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday")),
            Prefetch(
                "closures",
                queryset=Closure.objects.filter(date__range=(today, last)).order_by("date"),
            ),
        )
        .order_by("kind", "name")
    )
    holidays = upcoming_holidays(today, days)
    result = []
    for place in places:
        by_weekday = {h.weekday: h for h in place.hours.all()}
        week = [WeekdayHours(w, str(label), by_weekday.get(w)) for w, label in WEEKDAYS]
        closed = {c.date: ClosedDay(c.date, c.reason, False) for c in place.closures.all()}
        # A holiday only matters to a resident on a day the office would otherwise open.
        for day, name in holidays.items():
            if day.weekday() in by_weekday and day not in closed:
                closed[day] = ClosedDay(day, name, True)
        result.append(OfficeSchedule(place, week, sorted(closed.values(), key=lambda c: c.day)))
    return result


def upcoming_events(now: dt.datetime | None = None, days: int = EVENT_DAYS) -> list[EventDay]:
    """Scheduled jemput bola days from today on, with the quota not yet booked.

    Five queries: the events, then slots.availability's four (rules and booked counters).
    Events that already ended today are left out.
    """
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    last = today + dt.timedelta(days=days - 1)
    events = [
        e
        for e in JemputBolaEvent.objects.filter(
            status=JemputBolaEvent.Status.SCHEDULED,
            date__range=(today, last),
            place__is_active=True,
        )
        .select_related("place__region__parent")
        .order_by("date", "opens", "place__name")
        if not (e.date == today and e.closes <= now.time())
    ]
    halls = list({e.place_id: e.place for e in events}.values())
    # include_past: the quota is what the day holds minus bookings, not what is still
    # bookable this minute (the earliest slots of today's event may be over already).
    free = slot_rules.availability(halls, today, days, now=now, include_past=True)
    _first, booking_last = slot_rules.booking_window(today)
    result = []
    for event in events:
        day_slots = free.get(event.place_id, {}).get(event.date)
        opens = None
        if event.date > booking_last:
            opens = event.date - dt.timedelta(days=settings.APPOINTMENTS_BOOKING_DAYS - 1)
        result.append(
            EventDay(
                event=event,
                remaining=sum(s.free for s in day_slots) if day_slots else 0,
                serves=bool(day_slots),
                booking_opens=opens,
            )
        )
    return result
