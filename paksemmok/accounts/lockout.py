"""django-axes hooks: the lockout page and the username axes counts failures under."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from paksemmok.population.identifiers import clean_number


def normalise_username(raw: Any) -> str:
    """A NIK typed as `3319 0212 ...` or `3319.0212...` is the same login as the bare digits."""
    value = str(raw or "").strip()
    cleaned = clean_number(value)
    return cleaned if cleaned.isdigit() else value


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalise_username(raw)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """HTTP 429 with when to try again, in the user's language (Indonesian by default).

    Axes counts the cool-off from the latest failure; the page cannot see that time cheaply,
    so it shows "now + cool-off", which is never earlier than the real end.
    """
    ip_wait = getattr(request, "signin_ip_wait", None)
    if ip_wait:
        # The per-address budget (accounts/backends.py), not one account's lockout.
        retry_at = timezone.localtime(timezone.now() + dt.timedelta(seconds=ip_wait))
        return render(
            request,
            "accounts/lockout.html",
            {"per_address": True, "retry_at": retry_at, "minutes": math.ceil(ip_wait / 60)},
            status=429,
        )
    cool_off = get_cool_off(request)
    retry_at = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "accounts/lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "retry_at": retry_at,
            "minutes": minutes,
        },
        status=429,
    )
