"""The public catalogue pages cached until an admin edits the catalogue.

The rendered catalogue (every service, variant and requirement in words) changes only when
an admin edits it, yet rebuilding it cost more than the rest of the request. Fragments are
cached under a catalogue *version*; any save or delete of a catalogue row (signals, wired in
apps.py) writes a new version, so every web process sees the change at its next request when
the cache is shared (CACHE_URL: the database cache or Redis in production).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "catalog:version"
T = TypeVar("T")


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        current = cache.get(VERSION_KEY) or "none"
    return current


def invalidate(**_kwargs: Any) -> None:
    """A signal receiver too: any catalogue edit makes every cached fragment stale."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


# name -> (catalogue version, value): see in_process().
_in_process: dict[str, tuple[str, Any]] = {}


def in_process(name: str, build: Callable[[], T]) -> T:
    """`build()`'s value for this catalogue version, kept in this process's memory.

    For small reference data read on every staff request (service and variant names, the
    kecamatans): a shared-cache entry would still cost a round trip and a pickle per request,
    the rows three queries. Only the version is asked of the shared cache, so an edit in any
    process still shows at the next request everywhere.
    """
    from django.utils.translation import get_language

    current = version()
    key = f"{name}:{get_language()}"
    hit = _in_process.get(key)
    if hit is not None and hit[0] == current:
        return hit[1]
    value = build()
    _in_process[key] = (current, value)
    return value


def cached(name: str, build: Callable[[], T]) -> T:
    """`build()`'s value for this catalogue version (and language, when it has words)."""
    from django.utils.translation import get_language

    key = f"catalog:{name}:{get_language()}:{version()}"
    return cache.get_or_set(key, build, settings.CATALOG_CACHE_SECONDS)
