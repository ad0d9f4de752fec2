"""The orphan sweep: stored files that no row points at, and abandoned temporary uploads.

Uploads are stored before their row commits (a row without its file would be a broken
application), so a process killed in between leaves a complete file with no row; Django's
spooled uploads (over 2.5 MB) stay in FILE_UPLOAD_TEMP_DIR when the request dies; a temporary
`.tmp-*.part` of the private storage stays when the machine loses power mid-write. All are
personal data with no purpose left (UU 27/2022 PDP), so the worker deletes them once older than
ORPHAN_MIN_AGE_SECONDS (an hour: far beyond any request's life, so never a file whose row is
about to commit) and writes one audit entry per sweep that removed something.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.utils import timezone

from paksemmok.audit.log import record
from paksemmok.storage import TEMP_PREFIX, TEMP_SUFFIX

logger = logging.getLogger("paksemmok.storage")
BATCH = 500


@dataclass
class SweepResult:
    checked: int = 0
    orphans: int = 0
    temporary: int = 0
    bytes: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def removed(self) -> int:
        return self.orphans + self.temporary


def file_fields() -> list[tuple[type[models.Model], str]]:
    """Every FileField kept in the default storage, across all apps."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and f.storage is default_storage:
                found.append((model, f.name))
    return found


def stored_files(storage: Any = None) -> Iterator[tuple[str, dt.datetime, int]]:
    """(name, last modified, size) of every stored file, local disk or S3-compatible bucket."""
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        root = str(storage.location)
        for directory, _, names in os.walk(root):
            for name in names:
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except FileNotFoundError:
                    continue
                modified = dt.datetime.fromtimestamp(info.st_mtime, tz=dt.UTC)
                yield os.path.relpath(path, root).replace("\\", "/"), modified, info.st_size
    elif hasattr(storage, "bucket"):
        prefix = (getattr(storage, "location", "") or "").strip("/")
        for obj in storage.bucket.objects.filter(Prefix=f"{prefix}/" if prefix else ""):
            name = obj.key[len(prefix) + 1 :] if prefix else obj.key
            yield name, obj.last_modified, obj.size
    else:  # pragma: no cover - only the two backends in settings are used
        raise NotImplementedError(f"cannot list {type(storage).__name__}")


def referenced(names: list[str]) -> set[str]:
    found: set[str] = set()
    for model, name in file_fields():
        found.update(
            model._default_manager.filter(**{f"{name}__in": names}).values_list(name, flat=True)
        )
    return found


def _is_temporary(name: str) -> bool:
    base = os.path.basename(name)
    return base.startswith(TEMP_PREFIX) and base.endswith(TEMP_SUFFIX)


def sweep_orphans(*, now: dt.datetime | None = None, dry_run: bool = False) -> SweepResult:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ORPHAN_MIN_AGE_SECONDS)
    result = SweepResult()

    def remove(name: str, size: int) -> None:
        result.bytes += size
        if len(result.examples) < 20:
            result.examples.append(name)
        if not dry_run:
            default_storage.delete(name)

    batch: list[tuple[str, int]] = []

    def flush() -> None:
        keep = referenced([n for n, _ in batch])
        for name, size in batch:
            if name not in keep:
                result.orphans += 1
                remove(name, size)
        batch.clear()

    for name, modified, size in stored_files():
        result.checked += 1
        if modified >= cutoff:
            continue
        if _is_temporary(name):
            result.temporary += 1
            remove(name, size)
            continue
        batch.append((name, size))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()

    spool = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if spool and os.path.isdir(spool):
        for entry in os.scandir(spool):
            if not entry.is_file():
                continue
            info = entry.stat()
            if dt.datetime.fromtimestamp(info.st_mtime, tz=dt.UTC) < cutoff:
                result.temporary += 1
                result.bytes += info.st_size
                if not dry_run:
                    os.unlink(entry.path)

    if result.removed and not dry_run:
        record(
            "storage.orphans.swept",
            actor=None,
            details={
                "orphans": result.orphans,
                "temporary": result.temporary,
                "bytes": result.bytes,
                "examples": result.examples,
            },
        )
        logger.warning(
            "orphan sweep removed %d file(s) with no row and %d temporary file(s)",
            result.orphans,
            result.temporary,
        )
    return result
