"""Fault injection on delivery: the database lost mid-batch, a worker restarted under the same
id, a worker whose heartbeat stopped, Retry-After storms."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import OperationalError
from django.utils import timezone

from paksemmok.jobs.models import WorkerHeartbeat
from paksemmok.notifications import delivery
from paksemmok.notifications.delivery import claim, deliver_due, reclaim_stuck, retry_after_delay
from paksemmok.notifications.models import Attempt, Message
from paksemmok.notifications.services import notify

pytestmark = pytest.mark.django_db


def queue(user, n: int) -> list[Message]:
    return [
        notify(template="generic", user=user, context={"subject": "S", "body": f"pesan {i}"})
        for i in range(n)
    ]


def keys_sent(gateway) -> list[str]:
    return [r["headers"]["Idempotency-Key"] for r in gateway.received]


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    # Each test starts as a new worker process would: nothing remembered.
    monkeypatch.setattr(delivery, "_unrecorded", {})
    monkeypatch.setattr(delivery, "_recovered", set())


def test_database_lost_mid_batch_loses_nothing_and_sends_nothing_twice(gateway, siti, monkeypatch):
    messages = queue(siti, 5)
    deliver_due(worker_id="w1", batch_size=1)  # a normal first batch: one message
    real_save = Attempt.save
    calls = {"n": 0}

    def database_goes_away(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second message was accepted by the gateway, then...
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attempt, "save", database_goes_away)
    with pytest.raises(OperationalError):
        deliver_due(worker_id="w1")
    # The worker stopped sending what it could not record: 1 + 2 sent so far.
    assert len(gateway.received) == 3
    assert Message.objects.filter(status="sending", claimed_by="w1").count() == 3

    monkeypatch.setattr(Attempt, "save", real_save)  # the database is back
    stats = deliver_due(worker_id="w1")

    # The unsent claims went straight back to the queue (no 5-minute claim timeout) and the
    # in-flight message's outcome was written, not sent again.
    assert stats.released == 2 and stats.sent == 2
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(keys_sent(gateway)) == sorted(str(m.key) for m in messages)
    assert Attempt.objects.filter(outcome="sent").count() == 5


def test_a_worker_restarted_under_its_id_releases_what_it_held(gateway, siti):
    queue(siti, 3)
    claim(10, "worker-1")  # ... and the process is killed

    stats = deliver_due(worker_id="worker-1")  # the new process, same WORKER_ID

    assert stats.released == 3 and stats.sent == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert Attempt.objects.filter(outcome="reclaimed").count() == 3


def test_a_dead_workers_claims_are_reclaimed_before_the_timeout(siti, settings):
    settings.NOTIFY_CLAIM_TIMEOUT_SECONDS = 300
    settings.NOTIFY_DEAD_WORKER_SECONDS = 30
    now = timezone.now()
    for worker, seen in (("dead", 60), ("alive", 5)):
        WorkerHeartbeat.objects.create(
            worker_id=worker, started_at=now, last_seen=now - dt.timedelta(seconds=seen)
        )
    queue(siti, 2)
    claim(1, "dead")
    claim(1, "alive")

    assert reclaim_stuck() == 1
    assert list(Message.objects.filter(status="sending").values_list("claimed_by", flat=True)) == [
        "alive"
    ]


def test_retry_after_is_honoured_with_jitter():
    delays = [retry_after_delay(10) for _ in range(200)]
    assert min(delays) >= 10
    assert max(delays) <= 12.5
    # Spread over more than one second: a storm's retries do not come back together.
    assert len({int(d) for d in delays}) > 1


@pytest.mark.django_db(transaction=True)
def test_heartbeat_is_written_during_a_slow_batch(monkeypatch, settings):
    """A job that runs far longer than a heartbeat interval still sees its worker's heartbeat
    move on, so /healthz never reports it dead."""
    from paksemmok.jobs import registry
    from paksemmok.jobs.worker import Worker
    from paksemmok.web.health import check_worker

    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    seen: dict[str, object] = {}

    def slow_batch() -> None:
        first = WorkerHeartbeat.objects.get(worker_id="slow").last_seen
        for _ in range(400):  # bounded: at most 20 s if the thread never beats
            beat = WorkerHeartbeat.objects.get(worker_id="slow").last_seen
            if beat > first:
                seen["moved"] = True
                break
            time.sleep(0.05)
        seen["health"] = check_worker()

    monkeypatch.setattr(registry, "_jobs", {})
    registry.periodic(0, name="slow")(slow_batch)
    Worker(worker_id="slow", tick=0).run(max_ticks=1)

    assert seen.get("moved") is True
    assert seen["health"]["ok"] is True


def test_a_lost_commit_is_noticed_by_the_live_worker_itself(gateway, siti):
    """PostgreSQL restarted between the claim and the outcome: the worker finds its own rows
    still in "sending" at its next batch and sends them, without waiting for any timeout."""
    deliver_due(worker_id="w1")  # this process has been running
    queue(siti, 2)
    claim(10, "w1")  # the claim committed, then the outcomes never reached the database

    stats = deliver_due(worker_id="w1")

    assert stats.released == 2 and stats.sent == 2
    assert not Attempt.objects.filter(outcome="reclaimed").exists()
