"""Throw-away benchmark databases (a temp SQLite file, a fresh PostgreSQL database) and a
runner that measures one `manage.py` child: wall time and its own peak memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
DEFAULT_PG = "postgres://paksemmok:paksemmok@127.0.0.1:5432/"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


def manage(url: str, *args: str) -> Run:
    """Runs `manage.py *args` against `url`. The peak is the child's own ru_maxrss (wait4),
    so an earlier, bigger child (migrate) cannot hide in it."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    # ru_maxrss is in kilobytes on Linux.
    return Run(seconds, usage.ru_maxrss / 1024, output.strip())


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class SqliteDatabase:
    label = "SQLite"

    def __init__(self, path: str | None = None) -> None:
        self.keep = path is not None
        self.path = path or os.path.join(tempfile.mkdtemp(prefix="paksemmok-bench-"), "db.sqlite3")
        self.url = f"sqlite:///{self.path}"

    def create(self) -> None:
        pass

    def drop(self) -> None:
        if not self.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(self.path + suffix).unlink(missing_ok=True)

    def size_mb(self) -> float:
        return (
            sum(
                Path(self.path + s).stat().st_size
                for s in ("", "-wal")
                if Path(self.path + s).exists()
            )
            / 1e6
        )


class PostgresDatabase:
    label = "PostgreSQL"

    def __init__(self, server_url: str | None = None, name: str | None = None) -> None:
        parts = urlsplit(server_url or os.environ.get("DATABASE_URL") or DEFAULT_PG)
        self.keep = name is not None
        self.name = name or f"paksemmok_bench_{uuid.uuid4().hex[:8]}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if not self.keep:
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if not self.keep:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def size_mb(self) -> float:
        import psycopg

        with psycopg.connect(self.url) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return row[0] / 1e6 if row else 0.0
