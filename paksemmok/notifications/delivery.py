"""Sending the outbox: claim due rows, send outside any transaction, record each outcome.

Several workers may run at once. A claim is a short transaction: on PostgreSQL the due rows
are locked with SELECT ... FOR UPDATE SKIP LOCKED (workers take disjoint batches without
waiting), and on every database the switch to "sending" is a conditional UPDATE ... WHERE
status='pending', so a row can be won by one worker only. Delivery is at-least-once: a worker
that dies after the provider accepted a message but before recording it leaves the row in
"sending"; `reclaim_stuck` resends it after NOTIFY_CLAIM_TIMEOUT_SECONDS (the gateway gets
the same Idempotency-Key).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Attempt, Message
from .services import address_for, next_channel
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
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


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


def claim(batch_size: int, worker_id: str) -> list[Message]:
    """Marks up to `batch_size` due messages as sending by `worker_id` and returns them."""
    now = timezone.now()
    with transaction.atomic():
        # skip_locked is ignored on SQLite, where IMMEDIATE transactions serialise writers.
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.PENDING, next_attempt_at__lte=now)
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


def reclaim_stuck(now: dt.datetime | None = None) -> int:
    """Puts rows left in "sending" by a dead worker back in the queue (or fails them).

    The interrupted try counts as an attempt, so a message that kills its worker every time
    ends as failed instead of looping forever.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    stuck = list(
        Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=cutoff).values_list(
            "id", "channel", "address", "claimed_by", "channel_attempts"
        )
    )
    reclaimed = 0
    for pk, channel, address, worker, channel_attempts in stuck:
        error = (
            f"worker {worker} stopped while sending (claim older than "
            f"{settings.NOTIFY_CLAIM_TIMEOUT_SECONDS} s)"
        )
        exhausted = channel_attempts + 1 >= settings.NOTIFY_MAX_ATTEMPTS
        with transaction.atomic():
            updated = Message.objects.filter(
                pk=pk, status=Message.Status.SENDING, claimed_at__lt=cutoff
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


def _finish(message: Message, worker_id: str, attempt: Attempt, **fields: object) -> bool:
    """Writes the outcome, guarded so a row reclaimed meanwhile is not overwritten."""
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
        attempt.save()
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
            delay = max(delay, min(retry_after, settings.NOTIFY_BACKOFF_MAX_SECONDS))
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


def deliver_due(batch_size: int | None = None, worker_id: str | None = None) -> DeliveryStats:
    """Claims one batch of due messages and sends them. Safe to run in several processes."""
    batch_size = batch_size or settings.NOTIFY_BATCH_SIZE
    worker_id = (worker_id or default_worker_id())[:64]
    stats = DeliveryStats()
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
        deliver_one(message, worker_id, stats, transports)
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
