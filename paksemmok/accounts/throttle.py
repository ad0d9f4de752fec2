"""Client addresses and per-client request budgets kept in the Django cache.

`client_ip()` is the one answer to "who is asking": django-axes (AXES_CLIENT_IP_CALLABLE),
the sign-up/reset/sign-in budgets here, the API throttles and the audit log all call it.

Fixed windows are enough for the budgets: the point is to make probing the register, pumping
SMS or spraying passwords slow, not to meter precisely. With the default in-process cache
each gunicorn worker counts separately; configure a shared cache (database or Redis) in
production.
"""

from __future__ import annotations

import ipaddress
import time
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ipware import get_client_ip


def _is_trusted_proxy(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.TRUSTED_PROXY_IPS:
        network = ipaddress.ip_network(entry, strict=False)
        if ip.version == network.version and ip in network:
            return True
    return False


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the trusted reverse proxies saw it.

    Without TRUSTED_PROXY_COUNT or TRUSTED_PROXY_IPS nothing the client sends is believed:
    the TCP peer (REMOTE_ADDR) is the client, and an X-Forwarded-For header is ignored. With
    them, X-Forwarded-For is read from the right, through django-ipware, skipping exactly the
    configured proxies; addresses further left were written by the client and cannot move
    its budget or its audit entries. With TRUSTED_PROXY_IPS, a request whose peer is not one
    of those proxies is a direct client and its header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    trusted = settings.TRUSTED_PROXY_IPS
    if not count and not trusted:
        return remote
    if trusted and not _is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
    if not forwarded:
        return remote
    # The peer is the last proxy; it is not in the header it forwarded, so add it to the end
    # of the chain that ipware walks.
    chain = SimpleNamespace(META={"HTTP_X_FORWARDED_FOR": f"{forwarded}, {remote}"})
    ip, _routable = get_client_ip(
        chain,
        proxy_order="left-most",
        proxy_count=count or None,
        proxy_trusted_ips=list(trusted) or None,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return ip or remote


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
