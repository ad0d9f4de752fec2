"""/metrics: closed to strangers, and it says what an on-call person needs to know."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from paksemmok.jobs.models import WorkerHeartbeat
from paksemmok.logging import RedactingFormatter, RedactingJsonFormatter, redact
from paksemmok.notifications.models import Message

pytestmark = pytest.mark.django_db


def test_metrics_are_closed_without_token_or_allowed_address(client, settings):
    settings.METRICS_TOKEN = "rahasia-metrik"
    settings.METRICS_ALLOW_IPS = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"authorization": "Bearer salah"}).status_code == 404
    # The allow-list does not apply to a request that came through the proxy.
    settings.METRICS_ALLOW_IPS = ["127.0.0.1"]
    proxied = client.get("/metrics", headers={"x-forwarded-for": "203.0.113.9"})
    assert proxied.status_code == 404
    assert client.get("/metrics").status_code == 200


def test_metrics_report_requests_outbox_and_workers(client, settings):
    settings.METRICS_TOKEN = "rahasia-metrik"
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1", started_at=now, last_seen=now - dt.timedelta(seconds=42)
    )
    Message.objects.create(
        template="generic",
        channel="sms",
        requested_channel="sms",
        address="+6281234567890",
        body="b",
        created_at=now - dt.timedelta(seconds=300),
    )
    client.get("/")
    body = client.get("/metrics", headers={"authorization": "Bearer rahasia-metrik"}).content
    text = body.decode()
    assert 'paksemmok_http_requests_total{method="GET",status="2xx",view="web:home"}' in text
    assert "paksemmok_http_request_duration_seconds_bucket" in text
    assert 'paksemmok_outbox_messages{channel="sms",status="pending"} 1.0' in text
    age = next(
        line for line in text.splitlines() if line.startswith("paksemmok_outbox_oldest_unsent")
    )
    assert float(age.split()[-1]) >= 300
    assert 'paksemmok_worker_heartbeat_age_seconds{worker="w1"}' in text
    assert "paksemmok_queue_applications" in text and "paksemmok_overdue_applications" in text
    assert "6281234567890" not in text


def test_logs_never_carry_a_nik_or_a_phone_number():
    line = "warga 3319025705900001 (3319 0257 0590 0001) telp +62 812-3456-7890 / 081234567890"
    assert redact(line) == "warga [nomor] ([nomor]) telp [telepon] / [telepon]"
    record = logging.LogRecord(
        "paksemmok.x", logging.INFO, __file__, 1, "kode untuk %s", ("3319025705900001",), None
    )
    assert "3319025705900001" not in RedactingFormatter("%(message)s").format(record)
    as_json = RedactingJsonFormatter("%(levelname)s %(message)s").format(record)
    assert as_json.startswith("{") and "[nomor]" in as_json
