"""Sending the outbox: claim due rows, send outside any transaction, record each outcome.

Several workers may run at once. A claim is a short transaction: on PostgreSQL the due rows
are locked with SELECT ... FOR UPDATE SKIP LOCKED (workers take disjoint batches without
waiting), and on every database the switch to "sending" is a conditional UPDATE ... WHERE
status='pending', so a row can be won by one worker only. Delivery is at-least-once: a worker
that dies after the provider accepted a message but before recording it leaves the row in
"sending"; `reclaim_stuck` resends it after NOTIFY_CLAIM_TIMEOUT_SECONDS (the gateway gets
the same Idempotency-Key).

Losing the database mid-batch: the worker stops sending (an outcome it cannot record would be
sent again), keeps in memory the outcome of the message in flight, and on reconnecting writes
that outcome and puts the rest of its claim back in the queue at once, instead of leaving it
in "sending" for the claim timeout. A worker restarted with the same WORKER_ID does the same
for what its previous life had claimed; one whose heartbeat went stale loses its claims
after NOTIFY_DEAD_WORKER_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from paksemmok.db import in_constants

from .models import Attempt, Message
from .services import address_for, is_secret, next_channel, redact_codes
from .transports import PermanentError, TransientError, Transport, get_transport

logger = logging.getLogger("paksemmok.notifications")


@dataclass
class DeliveryStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    fell_back: int = 0
    failed: int = 0
    released: int = 0


def default_worker_id() -> str:
    from paksemmok.jobs.worker import current_worker_id

    return current_worker_id()


# Outcomes sent but not yet recorded because the database went away, per worker id; and the
# worker ids this process has already put its earlier claims back for.
_unrecorded: dict[str, list[tuple[Message, Attempt, dict]]] = {}
_recovered: set[str] = set()


def backoff_seconds(channel_attempts: int) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, then 50-100 % of that.

    The jitter spreads retries after a gateway outage, so the queue does not hit the
    recovering gateway all in the same second.
    """
    delay = min(
        settings.NOTIFY_BACKOFF_SECONDS * 2 ** max(0, channel_attempts - 1),
        settings.NOTIFY_BACKOFF_MAX_SECONDS,
    )
    return delay / 2 + random.uniform(0, delay / 2)


def retry_after_delay(retry_after: float) -> float:
    """Never before the gateway's Retry-After, spread over the following quarter of it (at
    least a second): without the spread every message refused in a storm comes back in the
    same second and trips the gateway's limit again."""
    wait = min(retry_after, settings.NOTIFY_BACKOFF_MAX_SECONDS)
    return wait + random.uniform(0, max(1.0, wait / 4))


def claim(batch_size: int, worker_id: str) -> list[Message]:
    """Marks up to `batch_size` due messages as sending by `worker_id` and returns them."""
    now = timezone.now()
    with transaction.atomic():
        # skip_locked is ignored on SQLite, where IMMEDIATE transactions serialise writers.
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            # A constant in the SQL, so that even a generic plan of this prepared statement
            # uses the partial index of pending rows (paksemmok/db.py).
            .filter(in_constants("status", [Message.Status.PENDING]), next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return []
        Message.objects.filter(id__in=ids, status=Message.Status.PENDING).update(
            status=Message.Status.SENDING,
            claimed_by=worker_id,
            claimed_at=now,
        )
    # Only the rows this claim won, whatever another worker did in between.
    return list(
        Message.objects.filter(
            id__in=ids, status=Message.Status.SENDING, claimed_by=worker_id, claimed_at=now
        ).order_by("next_attempt_at", "id")
    )


def _dead_workers(now: dt.datetime) -> Any:
    from paksemmok.jobs.models import WorkerHeartbeat

    stale = now - dt.timedelta(seconds=settings.NOTIFY_DEAD_WORKER_SECONDS)
    return WorkerHeartbeat.objects.filter(last_seen__lt=stale).values("worker_id")


def reclaim_stuck(now: dt.datetime | None = None, *, owner: str | None = None) -> int:
    """Puts rows left in "sending" by a dead worker back in the queue (or fails them).

    Dead means: the claim is older than NOTIFY_CLAIM_TIMEOUT_SECONDS, or the claiming
    worker's heartbeat is older than NOTIFY_DEAD_WORKER_SECONDS (its heartbeat thread beats
    even during a slow batch), or `owner` is this very worker starting again. The interrupted
    try counts as an attempt, so a message that kills its worker every time ends as failed
    instead of looping forever.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    if owner is not None:
        dead = Q(claimed_by=owner)
    else:
        dead = Q(claimed_at__lt=cutoff) | Q(claimed_by__in=_dead_workers(now))
    stuck = list(
        Message.objects.filter(dead, in_constants("status", [Message.Status.SENDING])).values_list(
            "id", "channel", "address", "claimed_by", "claimed_at", "channel_attempts"
        )
    )
    reclaimed = 0
    for pk, channel, address, worker, claimed_at, channel_attempts in stuck:
        error = (
            f"worker {worker} stopped while sending (restarted, heartbeat stale, or claim "
            f"older than {settings.NOTIFY_CLAIM_TIMEOUT_SECONDS} s)"
        )
        exhausted = channel_attempts + 1 >= settings.NOTIFY_MAX_ATTEMPTS
        with transaction.atomic():
            updated = Message.objects.filter(
                pk=pk, status=Message.Status.SENDING, claimed_by=worker, claimed_at=claimed_at
            ).update(
                status=Message.Status.FAILED if exhausted else Message.Status.PENDING,
                attempts=F("attempts") + 1,
                channel_attempts=F("channel_attempts") + 1,
                next_attempt_at=now,
                last_error=error,
                claimed_by="",
                claimed_at=None,
            )
            if updated:
                reclaimed += 1
                Attempt.objects.create(
                    message_id=pk,
                    channel=channel,
                    address=address,
                    worker=worker,
                    outcome=Attempt.Outcome.RECLAIMED,
                    error=error,
                    at=now,
                )
    if reclaimed:
        logger.warning("reclaimed %d notification(s) stuck in sending", reclaimed)
    return reclaimed


def _finish(
    message: Message, worker_id: str, attempt: Attempt, *, replay: bool = False, **fields: object
) -> bool:
    """Writes the outcome, guarded so a row reclaimed meanwhile is not overwritten.

    When the database is gone the outcome is kept in memory (the message was sent, or
    refused: sending it again would be a duplicate) and written on reconnection."""
    if fields.get("status") in (Message.Status.SENT, Message.Status.FAILED) and is_secret(
        message.template
    ):
        # Done with: the one-time code leaves the outbox (the code table keeps only an HMAC).
        fields = {
            **fields,
            "body": redact_codes(message.body),
            "subject": redact_codes(message.subject),
        }
    try:
        with transaction.atomic():
            connection = transaction.get_connection()
            if connection.vendor == "postgresql" and settings.NOTIFY_ASYNC_COMMIT:
                # A durable commit costs an fsync (~6 ms measured here) per message. If the
                # database server crashes before this one reaches disk, the row is still
                # "sending" and gets reclaimed: a possible duplicate, never a lost message.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            updated = Message.objects.filter(
                pk=message.pk, status=Message.Status.SENDING, claimed_by=worker_id
            ).update(**fields)
            # A replayed outcome whose first commit did reach the server must not log twice.
            if updated or not replay:
                attempt.save()
    except DatabaseError:
        if not replay:
            _unrecorded.setdefault(worker_id, []).append((message, attempt, fields))
        raise
    if not updated:
        logger.warning(
            "notification %s was reclaimed while worker %s sent it", message.pk, worker_id
        )
    return bool(updated)


def _fall_back(
    message: Message,
    worker_id: str,
    attempt: Attempt,
    reason: str,
    stats: DeliveryStats,
    *,
    counted: bool = True,
) -> None:
    tried = [c for c in message.channels_tried.split(",") if c] + [message.channel]
    following = next_channel(message.requested_channel, tried, message.to_phone, message.to_email)
    common = {
        "attempts": message.attempts + (1 if counted else 0),
        "last_error": reason[:1000],
        "channels_tried": ",".join(tried)[:40],
    }
    if following is None:
        stats.failed += 1
        _finish(message, worker_id, attempt, status=Message.Status.FAILED, **common)
        logger.info("notification %s failed on every channel: %s", message.pk, reason)
        return
    stats.fell_back += 1
    _finish(
        message,
        worker_id,
        attempt,
        status=Message.Status.PENDING,
        channel=following,
        address=address_for(following, message.to_phone, message.to_email),
        channel_attempts=0,
        next_attempt_at=timezone.now(),
        claimed_by="",
        claimed_at=None,
        **common,
    )


def deliver_one(
    message: Message, worker_id: str, stats: DeliveryStats, transports: dict[str, Transport | None]
) -> None:
    now = timezone.now()
    attempt = Attempt(
        message_id=message.pk,
        channel=message.channel,
        address=message.address,
        worker=worker_id,
        at=now,
    )
    if message.expires_at and message.expires_at <= now:
        attempt.outcome, attempt.error = Attempt.Outcome.EXPIRED, "expired before sending"
        stats.failed += 1
        _finish(
            message,
            worker_id,
            attempt,
            status=Message.Status.FAILED,
            last_error="expired before it could be sent",
        )
        return
    if message.channel not in transports:
        transports[message.channel] = get_transport(message.channel)
    transport = transports[message.channel]
    if transport is None:
        attempt.outcome = Attempt.Outcome.SKIPPED
        attempt.error = f"{message.channel} is not configured"
        _fall_back(message, worker_id, attempt, attempt.error, stats, counted=False)
        return

    started = time.monotonic()
    retry_after: float | None = None
    try:
        provider_id = transport.send(message)
    except TransientError as exc:
        outcome, error, retry_after = Attempt.Outcome.TRANSIENT, str(exc), exc.retry_after
    except PermanentError as exc:
        outcome, error = Attempt.Outcome.PERMANENT, str(exc)
    except Exception as exc:
        # A bug or an unexpected library error: treated as transient so it is retried a few
        # times and then fails visibly, never silently dropped.
        logger.exception("transport %s crashed on notification %s", message.channel, message.pk)
        outcome, error = Attempt.Outcome.TRANSIENT, f"{type(exc).__name__}: {exc}"
    else:
        outcome, error = Attempt.Outcome.SENT, ""
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    attempt.outcome, attempt.error = outcome, error[:1000]

    if outcome == Attempt.Outcome.SENT:
        attempt.provider_id = provider_id
        stats.sent += 1
        _finish(
            message,
            worker_id,
            attempt,
            status=Message.Status.SENT,
            sent_at=timezone.now(),
            provider_id=provider_id,
            attempts=message.attempts + 1,
            channel_attempts=message.channel_attempts + 1,
        )
    elif outcome == Attempt.Outcome.PERMANENT:
        _fall_back(message, worker_id, attempt, error, stats)
    elif message.channel_attempts + 1 >= settings.NOTIFY_MAX_ATTEMPTS:
        # A gateway down for hours should not keep the resident waiting: try the next channel.
        _fall_back(
            message,
            worker_id,
            attempt,
            f"gave up after {message.channel_attempts + 1} attempts: {error}",
            stats,
        )
    else:
        stats.retried += 1
        delay = backoff_seconds(message.channel_attempts + 1)
        if retry_after is not None:
            delay = max(delay, retry_after_delay(retry_after))
        _finish(
            message,
            worker_id,
            attempt,
            status=Message.Status.PENDING,
            attempts=message.attempts + 1,
            channel_attempts=message.channel_attempts + 1,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
            last_error=error[:1000],
            claimed_by="",
            claimed_at=None,
        )


def recover_own_claims(worker_id: str) -> int:
    """After a lost database (or a restart under the same WORKER_ID): writes the outcomes
    kept in memory, then puts every row this worker still holds in "sending" back in the
    queue. Rows never tried go back as they were; after a restart nobody knows which one was
    in flight, so each counts as an attempt (as reclaim_stuck does)."""
    kept = _unrecorded.get(worker_id, [])
    while kept:
        message, attempt, fields = kept[0]
        _finish(message, worker_id, attempt, replay=True, **fields)  # raises while DB is away
        kept.pop(0)
    if worker_id not in _recovered:
        # First run of this process: whatever the id holds was claimed by an earlier life.
        released = reclaim_stuck(owner=worker_id)
        _recovered.add(worker_id)
        return released
    released = Message.objects.filter(status=Message.Status.SENDING, claimed_by=worker_id).update(
        status=Message.Status.PENDING, claimed_by="", claimed_at=None
    )
    if released:
        logger.warning("worker %s put %d unsent claim(s) back in the queue", worker_id, released)
    return released


def deliver_due(batch_size: int | None = None, worker_id: str | None = None) -> DeliveryStats:
    """Claims one batch of due messages and sends them. Safe to run in several processes."""
    batch_size = batch_size or settings.NOTIFY_BATCH_SIZE
    worker_id = (worker_id or default_worker_id())[:64]
    stats = DeliveryStats()
    # This worker sends one batch at a time, so at this point nothing of its own should be
    # in "sending": anything that is was left by a lost database (a commit that never
    # arrived, a restart of PostgreSQL) or by its previous life. One query on a partial index.
    stats.released = recover_own_claims(worker_id)
    messages = claim(batch_size, worker_id)
    stats.claimed = len(messages)
    transports: dict[str, Transport | None] = {}
    started = time.monotonic()
    # Stop well before the claim timeout so a slow gateway never lets another worker reclaim
    # (and resend) rows this worker still holds.
    budget = settings.NOTIFY_CLAIM_TIMEOUT_SECONDS / 2
    for index, message in enumerate(messages):
        if time.monotonic() - started > budget:
            rest = [m.pk for m in messages[index:]]
            stats.released = Message.objects.filter(
                pk__in=rest, status=Message.Status.SENDING, claimed_by=worker_id
            ).update(status=Message.Status.PENDING, claimed_by="", claimed_at=None)
            break
        try:
            deliver_one(message, worker_id, stats, transports)
        except DatabaseError:
            # Stop sending what cannot be recorded. The rest of the claim goes back to the
            # queue as soon as the database answers again (recover_own_claims).
            logger.warning(
                "worker %s lost the database; %d claimed message(s) wait for it",
                worker_id,
                len(messages) - index,
            )
            raise
    return stats


def retry_now(queryset) -> list[int]:
    """Admin action: failed (or waiting) messages go back to the queue from the first channel.

    Expired codes are left alone: the code inside is no longer accepted anyway.
    """
    now = timezone.now()
    retried: list[int] = []
    retryable = queryset.filter(status__in=[Message.Status.FAILED, Message.Status.PENDING])
    for message in retryable:
        first = next_channel(message.requested_channel, [], message.to_phone, message.to_email)
        if first is None or (message.expires_at and message.expires_at <= now):
            continue
        updated = Message.objects.filter(
            pk=message.pk, status__in=[Message.Status.FAILED, Message.Status.PENDING]
        ).update(
            status=Message.Status.PENDING,
            channel=first,
            address=address_for(first, message.to_phone, message.to_email),
            channel_attempts=0,
            channels_tried="",
            next_attempt_at=now,
        )
        if updated:
            retried.append(message.pk)
    return retried
