"""Periodic work for `manage.py worker`: send the outbox, rescue rows from dead workers."""

from __future__ import annotations

import time

from django.conf import settings

from paksemmok.jobs.registry import periodic

from .delivery import deliver_due, reclaim_stuck
from .retention import redact_old_messages


@periodic(every_seconds=1, name="notifications.deliver")
def deliver_outbox() -> int:
    """Sends due messages batch after batch until the queue is empty or the time is up."""
    started = time.monotonic()
    sent = 0
    while True:
        stats = deliver_due()
        sent += stats.sent
        if stats.claimed < settings.NOTIFY_BATCH_SIZE:
            return sent
        if time.monotonic() - started > settings.NOTIFY_DRAIN_SECONDS:
            return sent


# Often: with heartbeats written by a thread, a dead worker is known within
# NOTIFY_DEAD_WORKER_SECONDS, and its claims should not wait for the next half minute.
@periodic(every_seconds=settings.NOTIFY_RECLAIM_SECONDS, name="notifications.reclaim")
def reclaim_stuck_messages() -> int:
    return reclaim_stuck()


@periodic(every_seconds=3600, name="notifications.retention")
def redact_expired_messages() -> int:
    return redact_old_messages()
