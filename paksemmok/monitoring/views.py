"""/metrics for Prometheus: a bearer token (METRICS_TOKEN), or a direct (not proxied)
request from an address in METRICS_ALLOW_IPS. Anyone else gets a plain 404."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import render


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].encode(), token.encode())
    # Behind nginx every request comes from 127.0.0.1: only one that did not pass a proxy
    # (no X-Forwarded-For) may use the address allow-list.
    if "X-Forwarded-For" in request.headers:
        return False
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOW_IPS


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
