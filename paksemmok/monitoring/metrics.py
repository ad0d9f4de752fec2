"""Prometheus metrics: requests and latency per view (counted in each process), and the
service's state read from the database at scrape time (queue, overdue applications, outbox
backlog, oldest unsent message, worker heartbeats).

With several gunicorn processes, each counts its own requests: set PROMETHEUS_MULTIPROC_DIR
(deploy/ does) and prometheus_client sums them on every scrape. The database figures are
computed once per scrape, whichever process answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "paksemmok_http_requests_total",
    "HTTP requests answered, by view, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "paksemmok_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)


class StateCollector:
    """Gauges from the database. Every query is on an indexed, small part of a table."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from paksemmok.applications.lifecycle import CLOCK_RUNNING
        from paksemmok.applications.models import Application
        from paksemmok.jobs.models import WorkerHeartbeat
        from paksemmok.notifications.models import Message

        now = timezone.now()
        queue = GaugeMetricFamily(
            "paksemmok_queue_applications",
            "Applications waiting for a decision, by status.",
            labels=["status"],
        )
        waiting = dict(
            Application.objects.filter(status__in=CLOCK_RUNNING)
            .values_list("status")
            .annotate(n=Count("id"))
        )
        for status in CLOCK_RUNNING:
            queue.add_metric([str(status)], waiting.get(status, 0))
        yield queue
        yield GaugeMetricFamily(
            "paksemmok_overdue_applications",
            "Applications waiting for a decision past their deadline.",
            value=Application.objects.filter(status__in=CLOCK_RUNNING, deadline_at__lt=now).count(),
        )

        backlog = GaugeMetricFamily(
            "paksemmok_outbox_messages",
            "Notifications not (yet) delivered, by status and channel.",
            labels=["status", "channel"],
        )
        unsent = [Message.Status.PENDING, Message.Status.SENDING]
        rows = (
            Message.objects.filter(status__in=[*unsent, Message.Status.FAILED])
            .values_list("status", "channel")
            .annotate(n=Count("id"))
        )
        for status, channel, n in rows:
            backlog.add_metric([status, channel], n)
        yield backlog
        oldest = Message.objects.filter(status__in=unsent).aggregate(m=Min("created_at"))["m"]
        yield GaugeMetricFamily(
            "paksemmok_outbox_oldest_unsent_age_seconds",
            "Age of the oldest message still waiting to be sent (0 when none).",
            value=(now - oldest).total_seconds() if oldest else 0,
        )

        beats = GaugeMetricFamily(
            "paksemmok_worker_heartbeat_age_seconds",
            "Seconds since each worker's last heartbeat.",
            labels=["worker"],
        )
        newest = None
        for worker_id, seen in WorkerHeartbeat.objects.values_list("worker_id", "last_seen"):
            age = (now - seen).total_seconds()
            beats.add_metric([worker_id], age)
            newest = age if newest is None else min(newest, age)
        yield beats
        yield GaugeMetricFamily(
            "paksemmok_worker_newest_heartbeat_age_seconds",
            "Seconds since the most recent heartbeat of any worker (-1 when none ever beat).",
            value=-1 if newest is None else newest,
        )


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        MultiProcessCollector(merged)
    else:
        merged = CollectorRegistry()
        for collector in (REQUESTS, LATENCY):
            merged.register(collector)
    merged.register(StateCollector())
    return merged


def render() -> bytes:
    return generate_latest(registry())
