"""Readiness checks for /healthz: database, file storage and the background worker."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.utils import timezone

from paksemmok.jobs.models import WorkerHeartbeat


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


# Storage round trips that succeeded, per storage location: monotonic time until which the
# result stands. /healthz is probed every few seconds by load balancers and is public; it must
# not write to storage on every hit.
_storage_ok_until: dict[str, float] = {}


def _storage_key() -> str:
    return str(
        getattr(default_storage, "location", "") or getattr(default_storage, "bucket_name", "")
    )


def _free_bytes(location: str) -> int:
    # The storage folder may not exist before the first upload: its nearest existing parent is
    # on the same filesystem.
    path = Path(location)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def check_storage() -> dict:
    # A local disk with less room than one more upload cannot take the next one, even while a
    # two-byte probe still fits (a nearly full disk, or one that failed uploads briefly freed):
    # checked on every probe, it costs one statvfs.
    if (
        isinstance(default_storage, FileSystemStorage)
        and _free_bytes(default_storage.location) < settings.HEALTHZ_STORAGE_MIN_FREE_BYTES
    ):
        return {"ok": False, "error": "low_space"}
    # A real round trip: a read-only or full disk, or a wrong bucket, must show here. A success
    # is remembered for HEALTHZ_STORAGE_CHECK_SECONDS; a failure is checked again next time.
    key = _storage_key()
    now = time.monotonic()
    if _storage_ok_until.get(key, 0) > now:
        return {"ok": True, "cached": True}
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    if ok:
        _storage_ok_until[key] = now + settings.HEALTHZ_STORAGE_CHECK_SECONDS
    return {"ok": ok}


def check_worker() -> dict:
    newest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    if newest is None:
        return {"ok": False, "error": "no worker has reported"}
    age = (timezone.now() - newest.last_seen).total_seconds()
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    alive = WorkerHeartbeat.objects.filter(
        last_seen__gte=timezone.now() - dt.timedelta(seconds=limit)
    ).count()
    return {"ok": age <= limit, "last_seen_seconds": round(age, 1), "alive_workers": alive}


CHECKS = {"database": check_database, "storage": check_storage, "worker": check_worker}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is a "not ready", reported by class only
            results[name] = {"ok": False, "error": type(exc).__name__}
    return all(r["ok"] for r in results.values()), results
