"""Data minimisation for the outbox (UU 27/2022 PDP): once a message has done its job, its
text and addresses are no longer needed. Rows stay, without personal data, so delivery
figures and the audit trail keep their counts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Attempt, Message

REDACTED = "[dihapus sesuai masa retensi]"


def redact_old_messages(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Blanks bodies, subjects and addresses of finished messages older than the retention
    period. Works in batches so a first run over years of rows never holds a long lock."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.NOTIFY_RETENTION_DAYS)
    finished = [Message.Status.SENT, Message.Status.FAILED]
    total = 0
    while True:
        ids = list(
            Message.objects.filter(created_at__lt=cutoff, status__in=finished)
            .exclude(body=REDACTED)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return total
        with transaction.atomic():
            Message.objects.filter(id__in=ids).update(
                body=REDACTED, subject="", address="", to_phone="", to_email="", last_error=""
            )
            Attempt.objects.filter(message_id__in=ids).update(address="", error="")
        total += len(ids)
