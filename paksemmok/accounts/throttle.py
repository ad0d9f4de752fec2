"""Per-client request budgets kept in the Django cache, counted per `audit.ip.client_ip()`.

Fixed windows are enough for the budgets: the point is to make probing the register, pumping
SMS or spraying passwords slow, not to meter precisely. With the default in-process cache
each gunicorn worker counts separately; configure a shared cache (database or Redis) in
production.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from paksemmok.audit.ip import client_ip


def _key(scope: str, ident: str, bucket: int) -> str:
    return f"accounts:throttle:{scope}:{ident}:{bucket}"


def hit(
    scope: str,
    request: HttpRequest,
    limit: int,
    window: int | None = None,
    *,
    ident: str | None = None,
) -> int | None:
    """Counts one attempt; returns the seconds to wait when over `limit`, else None.

    Counted per client IP unless `ident` names another key.
    """
    window = window or settings.ACCOUNTS_THROTTLE_WINDOW_SECONDS
    now = time.time()
    bucket = int(now // window)
    key = _key(scope, ident or client_ip(request) or "unknown", bucket)
    cache = caches[settings.ACCOUNTS_THROTTLE_CACHE]
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        return max(1, int((bucket + 1) * window - now))
    return None


def over(scope: str, request: HttpRequest, limit: int, window: int | None = None) -> int | None:
    """Like hit() without counting: the seconds to wait when `limit` is used up, else None."""
    window = window or settings.ACCOUNTS_THROTTLE_WINDOW_SECONDS
    now = time.time()
    bucket = int(now // window)
    key = _key(scope, client_ip(request) or "unknown", bucket)
    count = caches[settings.ACCOUNTS_THROTTLE_CACHE].get(key, 0)
    if count >= limit:
        return max(1, int((bucket + 1) * window - now))
    return None
