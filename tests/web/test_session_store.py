"""Which session store the settings choose: read through Redis when the shared cache is
Redis, the database alone otherwise."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings


def _session_engine(**env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", "import paksemmok.settings as s; print(s.SESSION_ENGINE)"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "t" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.parametrize(
    ("env", "engine"),
    [
        ({"CACHE_URL": "redis://127.0.0.1:6379/1"}, "cached_db"),
        ({"CACHE_URL": "db"}, "db"),
        ({}, "db"),
        (
            {"CACHE_URL": "redis://127.0.0.1:6379/1", "SESSION_ENGINE": "x.backends.db"},
            "x.backends.db",
        ),
    ],
)
def test_sessions_are_read_through_redis_only(env, engine):
    chosen = _session_engine(**env)
    assert chosen == engine or chosen == f"django.contrib.sessions.backends.{engine}"
