"""The decision deadline: 24 clock hours (default) or working hours within office hours.

With BACKOFFICE_DEADLINE_MODE = "working", a variant's `deadline_hours` count only the
hours the office is open (BACKOFFICE_OFFICE_HOURS, e.g. 08:00-16:00, Kudus time) on working
days: weekends, national holidays and cuti bersama (lokal-id's calendar) are skipped. A
year lokal-id has no holiday data for counts weekends only (logged once per call).

The applications services set `deadline_at = deadline_for(submitted_at, deadline_hours)` at
(re)submission: this module is the one place that knows the rule. `time_left` is how staff
pages and the API show what is left of it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import lokal
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("paksemmok.backoffice")


def office_hours() -> tuple[dt.time, dt.time]:
    opening, closing = settings.BACKOFFICE_OFFICE_HOURS.split("-")
    return dt.time.fromisoformat(opening.strip()), dt.time.fromisoformat(closing.strip())


def is_working_day(day: dt.date) -> bool:
    try:
        return lokal.is_working_day(day, cuti_bersama=True)
    except ValueError:
        logger.warning("No holiday data for %s; counting weekends only.", day.year)
        return day.weekday() < 5


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` office hours after `start` (aware datetime, result aware)."""
    tz = timezone.get_current_timezone()
    opening, closing = office_hours()
    moment = timezone.localtime(start, tz)
    left = dt.timedelta(hours=hours)
    for _day in range(3660):  # ten years of days: a bound, never reached in practice
        day = moment.date()
        day_open = dt.datetime.combine(day, opening, tzinfo=tz)
        day_close = dt.datetime.combine(day, closing, tzinfo=tz)
        if is_working_day(day) and moment < day_close:
            begin = max(moment, day_open)
            available = day_close - begin
            if left <= available:
                return begin + left
            left -= available
        moment = dt.datetime.combine(day + dt.timedelta(days=1), opening, tzinfo=tz)
    raise ValueError("No working hours found within ten years.")


def deadline_for(start: dt.datetime, hours: float) -> dt.datetime:
    if settings.BACKOFFICE_DEADLINE_MODE == "working":
        return add_working_hours(start, hours)
    return start + dt.timedelta(hours=hours)


# Supervisors are alerted, and the queue marks an application, this close to its deadline.
NEAR_HOURS = 4


def time_left_formatter() -> Callable[[dt.datetime | None, dt.datetime], dict[str, Any]]:
    """time_left for many rows: its two phrases translated once, not twice per row (a
    queue page of fifty rows spent more on those lookups than on the arithmetic)."""
    span, late = _("%(h)s j %(m)s m"), _("lewat %(t)s")
    near = NEAR_HOURS * 3600

    def left(deadline_at: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
        if not deadline_at:
            return {"label": "", "overdue": False, "near": False}
        seconds = int((deadline_at - now).total_seconds())
        hours, rest = divmod(abs(seconds), 3600)
        label = span % {"h": hours, "m": rest // 60}
        if seconds < 0:
            return {"label": late % {"t": label}, "overdue": True, "near": False}
        return {"label": label, "overdue": False, "near": seconds < near}

    return left


def time_left(app: Any, now: dt.datetime) -> dict[str, Any]:
    """The time left to an application's deadline as staff pages and the API show it."""
    return time_left_formatter()(app.deadline_at, now)
