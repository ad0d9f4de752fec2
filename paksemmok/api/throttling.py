"""Rates are read at each request (not at import, as DRF's classes do), so settings changes
apply at once; the client IP is resolved like axes and the sign-up throttle."""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from paksemmok.audit.ip import client_ip


class _Throttle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self) -> None:  # DRF resolves the rate in __init__; keep that, but late.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_ident(self, request: Any) -> str:
        return client_ip(request._request if hasattr(request, "_request") else request) or "unknown"


class PerUserThrottle(_Throttle):
    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class PerIpThrottle(_Throttle):
    scope = "ip"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(PerIpThrottle):
    """Sign-in attempts per IP, on top of axes' lockout per NIK and IP."""

    scope = "token"
