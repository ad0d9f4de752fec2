"""The background worker: one loop for heartbeats, periodic jobs and queued django-tasks."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from .models import WorkerHeartbeat
from .registry import registered_jobs

logger = logging.getLogger("paksemmok.worker")


def current_worker_id() -> str:
    """This process's worker id: WORKER_ID when the supervisor gives a stable one (systemd's
    `worker@1`), so a restarted worker recognises the rows it had claimed before it died."""
    return (os.environ.get("WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}")[:64]


class HeartbeatThread(threading.Thread):
    """Writes the heartbeat every WORKER_HEARTBEAT_SECONDS whatever the loop is doing, so a
    slow batch (a gateway taking 3 s a message) never makes /healthz report the worker dead,
    and a supervisor restarting on health failure does not kill it mid-batch."""

    def __init__(self, worker: Worker, interval: float) -> None:
        super().__init__(name=f"heartbeat-{worker.worker_id}", daemon=True)
        self.worker = worker
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.worker.beat()
                except Exception:
                    # The database is away: the next beat reconnects (Django's connection
                    # is per thread; a broken one is dropped here).
                    logger.warning("heartbeat not written", exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 5)


class Worker:
    def __init__(self, *, worker_id: str | None = None, tick: float | None = None) -> None:
        self.worker_id = (worker_id or current_worker_id())[:64]
        self.tick = settings.WORKER_TICK_SECONDS if tick is None else tick
        self.running = True
        self.started_at = timezone.now()
        self.ticks = 0
        self.next_run: dict[str, float] = {}
        self.task_worker = TaskWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=20,
            worker_id=self.worker_id[:64],
            excluded_queue_names=[],
        )

    def stop(self, *_: Any) -> None:
        logger.info("worker %s stopping after this tick", self.worker_id)
        self.running = False

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id[:64],
            defaults={
                "last_seen": timezone.now(),
                "started_at": self.started_at,
                "ticks": self.ticks,
            },
        )

    def run_once(self) -> None:
        close_old_connections()
        self.beat()
        now = time.monotonic()
        for job in registered_jobs():
            if self.next_run.get(job.name, 0) <= now:
                self.next_run[job.name] = now + job.every_seconds
                try:
                    job.func()
                except Exception:
                    # One failing job must not stop notifications or the others.
                    logger.exception("periodic job %s failed", job.name)
        # Runs queued tasks until none is ready or 20 have run, then gives the loop back.
        self.task_worker._run_tasks = 0
        self.task_worker.run()

    def run(self, *, max_ticks: int | None = None) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("worker %s started", self.worker_id)
        heartbeat = HeartbeatThread(self, settings.WORKER_HEARTBEAT_SECONDS)
        heartbeat.start()
        try:
            while self.running:
                started = time.monotonic()
                try:
                    self.run_once()
                except Exception:
                    logger.exception("worker tick failed; retrying")
                self.ticks += 1
                if max_ticks is not None and self.ticks >= max_ticks:
                    break
                time.sleep(max(0.0, self.tick - (time.monotonic() - started)))
        finally:
            heartbeat.stop()
