"""Periodic jobs run by `manage.py worker` (outbox delivery, claim release, reminders...).

Apps register a callable with an interval; the worker calls each when it is due. Jobs must be
safe to run in several worker processes at once (they claim rows with conditional updates or
SKIP LOCKED), because production runs more than one worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every_seconds: float


_jobs: dict[str, PeriodicJob] = {}


def periodic(every_seconds: float, name: str | None = None) -> Callable:
    def register(func: Callable[[], object]) -> Callable[[], object]:
        job_name = name or f"{func.__module__}.{func.__qualname__}"
        _jobs[job_name] = PeriodicJob(job_name, func, every_seconds)
        return func

    return register


def registered_jobs() -> list[PeriodicJob]:
    return list(_jobs.values())
