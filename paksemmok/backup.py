"""Backups of the database and the file store together, and their restore.

A backup is a directory:

    database.dump      pg_dump custom format (PostgreSQL) or a SQLite copy (database.sqlite3)
    files/<name>       every stored file a row points at, copied from the storage
    manifest.json      each file's name, size and SHA-256, the rows that point at it, the
                       database format, and when it was taken

Consistency: on PostgreSQL the dump and the list of files come from ONE exported snapshot
(`pg_dump --snapshot`), so the manifest lists exactly the files the dumped rows point at.
Stored files are never changed in place (random names, written once), so copying them after
the snapshot copies what the rows meant; a file deleted meanwhile by the retention purge is
reported, and the backup fails rather than be silently incomplete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from paksemmok.storage import storage_errors
from paksemmok.web.orphans import file_fields

CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


@dataclass
class Report:
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def sha256_of(handle: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _tool(name: str) -> str:
    """PostgreSQL client programs (Debian: postgresql-client, same major as the server)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install postgresql-client")
    return path


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": s.get("HOST") or "",
            "PGPORT": str(s.get("PORT") or ""),
            "PGUSER": s.get("USER") or "",
            "PGPASSWORD": s.get("PASSWORD") or "",
            "PGDATABASE": s["NAME"],
        }
    )
    return {k: v for k, v in env.items() if v != ""}


def _recorded_hashes() -> dict[str, str]:
    """name -> the SHA-256 a row recorded when the file was stored (uploads record one)."""
    from paksemmok.applications.models import ApplicationDocument

    return dict(ApplicationDocument.objects.values_list("file", "sha256"))


def _referenced_files() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for model, name in file_fields():
        rows = model._default_manager.exclude(**{name: ""}).values_list("pk", name)
        for pk, stored in rows:
            found.setdefault(stored, []).append(f"{model._meta.label_lower}:{pk}")
    return found


def take_backup(out: Path) -> Report:
    out.mkdir(parents=True, exist_ok=False)
    (out / "files").mkdir()
    report = Report()
    vendor = connection.vendor
    with transaction.atomic():
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={out / 'database.dump'}",
                ],
                env=_pg_env(),
                check=True,
            )
            database = "database.dump"
        elif vendor == "sqlite":
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(out / "database.sqlite3")
            with target:
                source.backup(target)
            source.close()
            target.close()
            database = "database.sqlite3"
        else:  # pragma: no cover
            raise BackupError(f"no backup for {vendor}")
        referenced = _referenced_files()
        recorded = _recorded_hashes()

    entries = []
    for name in sorted(referenced):
        target = out / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with (
                storage_errors(),
                default_storage.open(name, "rb") as source,
                open(target, "wb") as copy,
            ):
                digest, size = hashlib.sha256(), 0
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    copy.write(chunk)
                    size += len(chunk)
        except Exception as exc:
            report.problems.append(f"{name}: not copied ({type(exc).__name__})")
            continue
        sha = digest.hexdigest()
        if name in recorded and recorded[name] != sha:
            report.problems.append(f"{name}: SHA-256 differs from the one recorded at upload")
        entries.append({"name": name, "size": size, "sha256": sha, "rows": referenced[name]})
        report.files += 1
        report.bytes += size
    manifest = {
        "format": 1,
        "taken_at": timezone.now().isoformat(),
        "database": database,
        "vendor": vendor,
        "files": entries,
        "problems": report.problems,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return report


def restore_backup(source: Path) -> Report:
    """Loads a backup into the (empty) configured database and file store."""
    restore_database(source)
    return restore_files(source)


def restore_database(source: Path) -> None:
    manifest = json.loads((source / "manifest.json").read_text())
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"backup is of {manifest['vendor']}, this database is {vendor}")
    if vendor == "postgresql":
        connection.close()
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source / manifest["database"]),
            ],
            env=_pg_env(),
            check=True,
        )
    else:
        connection.close()
        shutil.copyfile(source / manifest["database"], connection.settings_dict["NAME"])


def restore_files(source: Path) -> Report:
    manifest = json.loads((source / "manifest.json").read_text())
    report = Report()
    for entry in manifest["files"]:
        path = source / "files" / entry["name"]
        with open(path, "rb") as handle:
            sha, size = sha256_of(handle)
        if sha != entry["sha256"]:
            report.problems.append(f"{entry['name']}: backup copy damaged")
            continue
        if default_storage.exists(entry["name"]):
            default_storage.delete(entry["name"])
        with open(path, "rb") as handle, storage_errors():
            stored = default_storage.save(entry["name"], File(handle))
        if stored != entry["name"]:
            report.problems.append(f"{entry['name']}: stored as {stored}")
        report.files += 1
        report.bytes += size
    return report


def verify_files(manifest_path: Path | None = None) -> Report:
    """Every file a row points at exists in the store with its SHA-256: the one recorded at
    upload, or (for generated PDFs, which record none) the one in the backup's manifest."""
    expected: dict[str, str] = {}
    if manifest_path is not None:
        expected = {e["name"]: e["sha256"] for e in json.loads(manifest_path.read_text())["files"]}
    expected.update(_recorded_hashes())
    report = Report()
    for name, rows in sorted(_referenced_files().items()):
        try:
            with storage_errors(), default_storage.open(name, "rb") as handle:
                sha, size = sha256_of(handle)
        except Exception as exc:
            report.problems.append(f"{name} ({', '.join(rows)}): missing ({type(exc).__name__})")
            continue
        if name in expected and expected[name] != sha:
            report.problems.append(f"{name} ({', '.join(rows)}): SHA-256 differs")
        report.files += 1
        report.bytes += size
    return report


def default_backup_dir(root: Path) -> Path:
    return root / f"paksemmok-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
