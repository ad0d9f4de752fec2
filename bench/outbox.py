#!/usr/bin/env python
"""Outbox throughput: messages delivered per second by one and by two worker processes.

Creates a fresh database (a temporary SQLite file, or a new PostgreSQL database on the server
DATABASE_URL points at, dropped afterwards), migrates it, queues N messages with notify(),
and lets worker subprocesses run deliver_due() against a fake WhatsApp gateway on 127.0.0.1
until the queue is empty. Checks that the gateway got every message exactly once.

    .venv/bin/python bench/outbox.py                      # SQLite
    DATABASE_URL=postgres://u:p@127.0.0.1:5432/x .venv/bin/python bench/outbox.py

Bounded: each phase stops after --time-limit seconds (workers are killed, the figure says so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_env(database_url: str, gateway_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "paksemmok.settings",
        "DATABASE_URL": database_url,
        # DEBUG off: with it on, Django keeps every query in memory.
        "DEBUG": "0",
        "SECRET_KEY": "bench-outbox-not-secret-" + "x" * 32,
        "LOG_LEVEL": "WARNING",
        "WHATSAPP_GATEWAY_URL": f"{gateway_url}/wa",
        "WHATSAPP_GATEWAY_TOKEN": "bench",
        "WHATSAPP_GATEWAY_PAYLOAD": '{"to": "{to}", "body": "{body}", "ref": "{message_id}"}',
        "WHATSAPP_GATEWAY_ID_FIELD": "data.id",
        "WHATSAPP_GATEWAY_TIMEOUT": "5",
    }


# --- worker subprocess -------------------------------------------------------------------


def worker_main(worker_id: str, batch_size: int, deadline: float) -> None:
    import django

    django.setup()
    from django.db import connection

    from paksemmok.notifications.delivery import deliver_due
    from paksemmok.notifications.models import Message

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()  # "go": all workers start together
    start, sent, batches = time.time(), 0, 0
    while time.time() < deadline:
        stats = deliver_due(batch_size=batch_size, worker_id=worker_id)
        sent += stats.sent
        batches += 1
        if (
            stats.claimed == 0
            and not Message.objects.filter(status__in=["pending", "sending"]).exists()
        ):
            break
    print(
        json.dumps(
            {
                "worker": worker_id,
                "start": start,
                "end": time.time(),
                "sent": sent,
                "batches": batches,
            }
        ),
        flush=True,
    )


# --- orchestration -----------------------------------------------------------------------


def fresh_database() -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urlparse(url)
        name = f"paksemmok_bench_outbox_{os.getpid()}"
        admin = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return urlunparse(parsed._replace(path=f"/{name}")), drop
    folder = tempfile.mkdtemp(prefix="paksemmok-bench-outbox-")
    return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)


def queue(count: int) -> float:
    from django.db import transaction

    from paksemmok.notifications.services import notify

    started = time.perf_counter()
    for chunk in range(0, count, 1000):
        with transaction.atomic():
            for n in range(chunk, min(count, chunk + 1000)):
                notify(
                    template="status_change",
                    to_phone=f"+62812{n:08d}",
                    context={
                        "kind": "submitted",
                        "reference": f"KK-2025-{n:06d}",
                        "url": f"/permohonan/{n}/",
                    },
                )
    return count / (time.perf_counter() - started)


def run_phase(
    workers: int, count: int, batch_size: int, time_limit: float, env: dict, gateway
) -> dict:
    from paksemmok.notifications.models import Attempt, Message

    Attempt.objects.all().delete()
    Message.objects.all().delete()
    queue_rate = queue(count)
    with gateway._lock:
        gateway.received.clear()
    deadline = time.time() + time_limit
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                f"bench-{i}",
                "--batch-size",
                str(batch_size),
                "--deadline",
                str(deadline),
            ],
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for i in range(workers)
    ]
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("a worker failed to start")
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results, timed_out = [], False
    for proc in procs:
        try:
            out, _err = proc.communicate(timeout=max(1.0, deadline - time.time() + 10))
            results.append(json.loads(out.strip().splitlines()[-1]))
        except subprocess.TimeoutExpired:
            proc.kill()
            timed_out = True
    sent = Message.objects.filter(status="sent").count()
    elapsed = (
        max(r["end"] for r in results) - min(r["start"] for r in results) if results else time_limit
    )
    with gateway._lock:
        refs = Counter(r["json"]["ref"] for r in gateway.received)
    return {
        "workers": workers,
        "messages": count,
        "sent": sent,
        "seconds": round(elapsed, 2),
        "per_second": round(sent / elapsed, 1) if elapsed else 0.0,
        "queue_per_second": round(queue_rate, 1),
        "gateway_requests": sum(refs.values()),
        "duplicates": sum(v - 1 for v in refs.values()),
        "per_worker": {r["worker"]: r["sent"] for r in results},
        "timed_out": timed_out,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=180.0, help="seconds per phase")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker, args.batch_size, args.deadline)
        return 0

    from tests.notifications.fake_gateway import FakeGateway

    gateway = FakeGateway().start()
    database_url, drop = fresh_database()
    env = django_env(database_url, gateway.url)
    os.environ.update(env)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.db import connection

        print(
            f"outbox bench: {connection.vendor}, {args.messages} messages, "
            f"batch {args.batch_size}, fake gateway {gateway.url}"
        )
        failed = False
        for workers in [int(w) for w in args.workers.split(",")]:
            result = run_phase(
                workers, args.messages, args.batch_size, args.time_limit, env, gateway
            )
            print(
                f"  {workers} worker(s): {result['sent']}/{result['messages']} sent in "
                f"{result['seconds']} s = {result['per_second']} msg/s "
                f"(queueing with notify(): {result['queue_per_second']} msg/s; "
                f"gateway requests {result['gateway_requests']}, "
                f"duplicates {result['duplicates']}, per worker {result['per_worker']}"
                f"{', TIMED OUT' if result['timed_out'] else ''})"
            )
            failed |= result["duplicates"] > 0 or result["sent"] != result["messages"]
        from django.db import connections

        connections.close_all()
        return 1 if failed else 0
    finally:
        gateway.stop()
        drop()


if __name__ == "__main__":
    sys.exit(main())
