"""deliver_due() against the fake gateway: retries, backoff, permanent failures, fallback."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from paksemmok.jobs.registry import registered_jobs
from paksemmok.notifications.delivery import claim, deliver_due, reclaim_stuck
from paksemmok.notifications.jobs import deliver_outbox
from paksemmok.notifications.models import Attempt, Message
from paksemmok.notifications.services import notify

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)


def code_for(user, **kwargs) -> Message:
    return notify(
        template="verification_code", context={"code": "482913", "minutes": 10}, user=user, **kwargs
    )


def outcomes(message: Message) -> list[tuple[str, str]]:
    return list(message.attempt_log.values_list("channel", "outcome"))


def test_whatsapp_is_posted_with_token_payload_and_provider_id(gateway, siti):
    message = notify(
        template="status_change",
        user=siti,
        context={"kind": "approved", "reference": "KK-7", "url": "/p/7/"},
    )

    stats = deliver_due(worker_id="w1")

    assert (stats.claimed, stats.sent) == (1, 1)
    [request] = gateway.received
    assert request["path"] == "/wa"
    assert request["headers"]["Authorization"] == "Bearer rahasia"
    assert request["headers"]["Idempotency-Key"] == str(message.key)
    assert request["json"] == {
        "target": "6281234567890",
        "to": "+6281234567890",
        "message": message.body,
        "sender": "DUKCAPIL",
        "ref": str(message.key),
    }
    assert "\n" in request["json"]["message"]  # newlines survive the JSON template
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == "gw-1"
    assert message.claimed_by == "w1"
    assert message.sent_at is not None
    assert outcomes(message) == [("whatsapp", "sent")]


def test_email_goes_through_the_configured_backend(john):
    message = notify(
        template="status_change",
        user=john,
        context={"kind": "document_ready", "reference": "AK-3", "url": "/d/3/"},
    )

    assert deliver_due().sent == 1

    [email] = mail.outbox
    assert email.to == ["john@example.com"]
    assert email.subject == "Document for application AK-3 issued"
    assert email.body == message.body
    message.refresh_from_db()
    assert message.provider_id == email.extra_headers["Message-ID"]


def test_console_transport_prints_the_code_in_development(settings, siti, capsys):
    settings.WHATSAPP_GATEWAY = {**settings.WHATSAPP_GATEWAY, "URL": ""}
    settings.NOTIFY_CONSOLE = True
    code_for(siti)

    assert deliver_due().sent == 1

    out = capsys.readouterr().out
    assert "482913 adalah kode verifikasi" in out
    assert "+6281****890" in out


def test_unconfigured_channel_is_skipped_to_the_next_one(settings, siti):
    settings.WHATSAPP_GATEWAY = {**settings.WHATSAPP_GATEWAY, "URL": ""}
    settings.SMS_GATEWAY = {**settings.SMS_GATEWAY, "URL": ""}
    settings.NOTIFY_CONSOLE = False
    message = code_for(siti)

    for _ in range(3):
        deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert outcomes(message) == [("whatsapp", "skipped"), ("sms", "skipped"), ("email", "sent")]
    assert message.attempts == 1
    assert len(mail.outbox) == 1


def test_http_500_is_retried_with_exponential_backoff(gateway, siti):
    gateway.script("500", "500")
    with time_machine.travel(START, tick=False) as traveller:
        message = code_for(siti)

        assert deliver_due().retried == 1
        message.refresh_from_db()
        assert message.status == Message.Status.PENDING
        assert "HTTP 500" in message.last_error
        first_wait = (message.next_attempt_at - timezone.now()).total_seconds()
        assert 15 <= first_wait <= 30  # base 30 s with jitter

        assert deliver_due().claimed == 0  # not due yet: nothing is sent early
        assert len(gateway.received) == 1

        traveller.shift(dt.timedelta(seconds=31))
        assert deliver_due().retried == 1
        message.refresh_from_db()
        second_wait = (message.next_attempt_at - timezone.now()).total_seconds()
        assert 30 <= second_wait <= 60  # doubled

        traveller.shift(dt.timedelta(seconds=61))
        assert deliver_due().sent == 1

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 3
    assert outcomes(message) == [
        ("whatsapp", "transient"),
        ("whatsapp", "transient"),
        ("whatsapp", "sent"),
    ]
    assert len(gateway.received) == 3


def test_a_hanging_gateway_times_out_and_is_retried(gateway, siti):
    gateway.script("hang")
    with time_machine.travel(START, tick=False) as traveller:
        message = code_for(siti)

        assert deliver_due().retried == 1
        message.refresh_from_db()
        assert message.last_error.startswith("timeout after 0.5 s")

        traveller.shift(dt.timedelta(seconds=31))
        assert deliver_due().sent == 1

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert outcomes(message) == [("whatsapp", "transient"), ("whatsapp", "sent")]


def test_http_429_waits_at_least_the_retry_after(gateway, siti):
    gateway.script("429")
    with time_machine.travel(START, tick=False):
        message = code_for(siti)
        deliver_due()
        message.refresh_from_db()
        assert message.next_attempt_at >= timezone.now() + dt.timedelta(seconds=120)
        assert "HTTP 429" in message.last_error


def test_http_400_is_permanent_and_falls_back_to_sms_then_email(gateway, siti):
    gateway.script("400", "400")
    message = code_for(siti)

    deliver_due()
    message.refresh_from_db()
    assert (message.status, message.channel, message.address) == (
        "pending",
        "sms",
        "+6281234567890",
    )
    assert "HTTP 400" in message.last_error
    assert "invalid destination number" in message.last_error

    deliver_due()
    message.refresh_from_db()
    assert (message.status, message.channel, message.address) == (
        "pending",
        "email",
        "siti@example.id",
    )

    deliver_due()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert outcomes(message) == [("whatsapp", "permanent"), ("sms", "permanent"), ("email", "sent")]
    assert gateway.paths() == ["/wa", "/sms"]
    assert [m.to for m in mail.outbox] == [["siti@example.id"]]
    assert message.channels_tried == "whatsapp,sms"


def test_permanent_failure_on_the_last_channel_is_recorded(gateway, db):
    gateway.script("400", "400")
    message = notify(
        template="verification_code", context={"code": "1", "minutes": 5}, to_phone="+6281234500000"
    )

    deliver_due()
    deliver_due()
    assert deliver_due().claimed == 0

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error.startswith("HTTP 400")
    assert outcomes(message) == [("whatsapp", "permanent"), ("sms", "permanent")]
    assert len(gateway.received) == 2


def test_a_gateway_down_for_max_attempts_falls_back(gateway, siti):
    gateway.script("500", "500", "500")  # NOTIFY_MAX_ATTEMPTS is 3 in the fixture
    with time_machine.travel(START, tick=False) as traveller:
        # Not a code: a code would expire during these hours, which is tested elsewhere.
        message = notify(
            template="status_change", user=siti, context={"kind": "approved", "reference": "KK-8"}
        )
        for _ in range(3):
            deliver_due()
            traveller.shift(dt.timedelta(hours=1))
        message.refresh_from_db()
        assert (message.status, message.channel) == ("pending", "sms")
        assert message.last_error.startswith("gave up after 3 attempts")
        deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert gateway.paths() == ["/wa", "/wa", "/wa", "/sms"]


def test_email_recipient_refused_is_permanent(settings, john):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    message = notify(template="generic", context={"subject": "S", "body": "B"}, user=john)

    deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "recipient refused: john@example.com 550 5.1.1" in message.last_error


@pytest.mark.parametrize("backend", ["DisconnectedBackend", "GreylistingBackend"])
def test_email_connection_trouble_is_transient(settings, john, backend):
    settings.EMAIL_BACKEND = f"tests.notifications.backends.{backend}"
    message = notify(template="generic", context={"subject": "S", "body": "B"}, user=john)

    assert deliver_due().retried == 1

    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert outcomes(message) == [("email", "transient")]


def test_an_expired_code_is_not_sent(gateway, siti):
    with time_machine.travel(START, tick=False) as traveller:
        message = code_for(siti)
        traveller.shift(dt.timedelta(minutes=11))
        deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert outcomes(message) == [("whatsapp", "expired")]
    assert gateway.received == []


def test_no_message_is_sent_twice(gateway, siti):
    messages = [
        notify(template="generic", user=siti, context={"subject": "S", "body": f"Pesan {n}"})
        for n in range(23)
    ]

    while deliver_due(batch_size=5).claimed:
        pass
    deliver_due()

    refs = [r["json"]["ref"] for r in gateway.received]
    assert sorted(refs) == sorted(str(m.key) for m in messages)
    assert Message.objects.filter(status="sent").count() == 23


def test_a_claimed_row_cannot_be_claimed_again(siti):
    code_for(siti)
    code_for(siti)

    won = claim(10, "worker-a")
    assert len(won) == 2
    assert claim(10, "worker-b") == []
    assert set(Message.objects.values_list("status", "claimed_by")) == {("sending", "worker-a")}


def test_rows_stuck_in_sending_are_reclaimed(gateway, siti, settings):
    settings.NOTIFY_CLAIM_TIMEOUT_SECONDS = 300
    with time_machine.travel(START, tick=False) as traveller:
        message = code_for(siti)
        claim(10, "crashed-worker")  # and then the process dies

        traveller.shift(dt.timedelta(seconds=200))
        assert reclaim_stuck() == 0  # still within the timeout: maybe just slow

        traveller.shift(dt.timedelta(seconds=101))
        assert reclaim_stuck() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts, message.claimed_by) == ("pending", 1, "")
        assert "crashed-worker stopped while sending" in message.last_error

        assert deliver_due(worker_id="w2").sent == 1

    message.refresh_from_db()
    assert outcomes(message) == [("whatsapp", "reclaimed"), ("whatsapp", "sent")]
    assert len(gateway.received) == 1


def test_a_message_that_keeps_killing_workers_ends_as_failed(siti, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    with time_machine.travel(START, tick=False) as traveller:
        message = notify(template="generic", context={"subject": "S", "body": "B"}, user=siti)
        for _ in range(2):
            claim(10, "crashed-worker")
            traveller.shift(dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS + 1))
            reclaim_stuck()

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert Attempt.objects.filter(message=message, outcome="reclaimed").count() == 2


def test_the_worker_job_drains_more_than_one_batch(gateway, siti, settings):
    settings.NOTIFY_BATCH_SIZE = 5
    for n in range(12):
        notify(template="generic", user=siti, context={"subject": "S", "body": f"{n}"})

    assert deliver_outbox() == 12
    assert {job.name for job in registered_jobs()} >= {
        "notifications.deliver",
        "notifications.reclaim",
    }


def test_a_sent_code_is_not_readable_in_the_outbox(settings, siti, capsys):
    settings.WHATSAPP_GATEWAY = {**settings.WHATSAPP_GATEWAY, "URL": ""}
    settings.NOTIFY_CONSOLE = True
    message = code_for(siti)
    assert "482913" in message.body  # waiting to be sent
    assert deliver_due().sent == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert "482913" not in message.body and "******" in message.body
    other = notify(template="generic", user=siti, context={"subject": "S", "body": "Nomor 123456"})
    deliver_due()
    other.refresh_from_db()
    assert "123456" in other.body  # only secret templates are redacted
