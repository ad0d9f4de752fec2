"""Two workers on PostgreSQL: SKIP LOCKED claims never let one message be sent twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connections

from paksemmok.notifications.delivery import deliver_due
from paksemmok.notifications.models import Message
from paksemmok.notifications.services import notify

MESSAGES = 240


def run_worker(name: str, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        while True:
            if deliver_due(batch_size=5, worker_id=name).claimed:
                continue
            # Nothing claimable: done, unless the other worker still holds rows that could
            # come back (it never releases them here, but do not rely on it).
            if not Message.objects.filter(status__in=["pending", "sending"]).exists():
                return
    except BaseException as exc:  # reported in the test thread
        errors.append(exc)
    finally:
        connections.close_all()  # this thread's own connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_message_twice(gateway):
    # No network delay: the workers then spend their time claiming, which is where a race
    # would be (with a broken claim this test fails every time; checked by mutation).
    queued = [
        notify(
            template="generic",
            to_phone=f"+62812345{n:05d}",
            context={"subject": "Uji", "body": f"Pesan {n}"},
        )
        for n in range(MESSAGES)
    ]
    start, errors = threading.Barrier(2), []
    threads = [
        threading.Thread(target=run_worker, args=(name, start, errors))
        for name in ("worker-1", "worker-2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    received = Counter(r["json"]["ref"] for r in gateway.received)
    assert set(received) == {str(m.key) for m in queued}
    assert max(received.values()) == 1, received.most_common(3)
    assert len(gateway.received) == MESSAGES
    assert Message.objects.filter(status="sent").count() == MESSAGES
    # Both workers took part, so the test did exercise concurrent claims.
    assert set(Message.objects.values_list("claimed_by", flat=True)) == {"worker-1", "worker-2"}
