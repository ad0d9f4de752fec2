import datetime as dt

import pytest
from django.utils import timezone

from paksemmok.notifications.models import Attempt, Message
from paksemmok.notifications.retention import REDACTED, redact_old_messages

pytestmark = pytest.mark.django_db


def message(days_old: int, status: str) -> Message:
    msg = Message.objects.create(
        template="verification_code",
        language="id",
        requested_channel="whatsapp",
        channel="whatsapp",
        address="+6281234567890",
        to_phone="+6281234567890",
        body="Kode verifikasi Anda 123456",
        status=status,
        created_at=timezone.now() - dt.timedelta(days=days_old),
    )
    Attempt.objects.create(message=msg, channel="whatsapp", address=msg.address, outcome="sent")
    return msg


def test_old_finished_messages_lose_text_and_addresses(settings):
    settings.NOTIFY_RETENTION_DAYS = 90
    old_sent = message(91, Message.Status.SENT)
    old_failed = message(200, Message.Status.FAILED)
    recent = message(89, Message.Status.SENT)
    old_pending = message(91, Message.Status.PENDING)

    assert redact_old_messages(batch_size=1) == 2

    for msg in (old_sent, old_failed):
        msg.refresh_from_db()
        assert msg.body == REDACTED
        assert (msg.address, msg.to_phone) == ("", "")
        assert msg.attempt_log.get().address == ""
    for msg in (recent, old_pending):
        msg.refresh_from_db()
        assert "123456" in msg.body and msg.address == "+6281234567890"
    # Running again finds nothing more: the job is idempotent.
    assert redact_old_messages() == 0
    assert Message.objects.count() == 4
