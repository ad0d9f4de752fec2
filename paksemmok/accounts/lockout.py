"""django-axes hooks: the lockout page and the username axes counts failures under."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused and until when: the per-network budget across accounts
    (accounts/backends.py) or one account's lockout from this device (django-axes)."""

    per_network: bool
    retry_at: dt.datetime | None
    minutes: int | None
    failure_limit: int | None = None

    @property
    def seconds(self) -> int | None:
        return self.minutes * 60 if self.minutes else None

    def message(self) -> str:
        """What happened and when to try again, in the active language."""
        if self.per_network:
            what = _(
                "Terlalu banyak percobaan masuk yang gagal dari jaringan Anda, untuk berbagai "
                "akun. Masuk dari jaringan ini dihentikan sementara."
            )
        else:
            what = _(
                "Terlalu banyak percobaan masuk yang gagal untuk akun ini dari perangkat Anda. "
                "Akun ini dikunci sementara."
            )
        if self.retry_at is None:
            return str(what)
        when = _("Coba lagi setelah pukul %(time)s (%(minutes)s menit lagi).") % {
            "time": formats.time_format(self.retry_at, "H.i T"),
            "minutes": self.minutes,
        }
        return f"{what} {when}"


def lockout_for(request: HttpRequest, credentials: dict | None = None) -> Lockout:
    """Axes counts the cool-off from the latest failure; the page cannot see that time
    cheaply, so it shows "now + cool-off", which is never earlier than the real end."""
    ip_wait = getattr(request, "signin_ip_wait", None)
    if ip_wait:
        retry_at = timezone.localtime(timezone.now() + dt.timedelta(seconds=ip_wait))
        return Lockout(True, retry_at, math.ceil(ip_wait / 60))
    cool_off = get_cool_off(request)
    if not cool_off:
        return Lockout(False, None, None, get_failure_limit(request, credentials))
    return Lockout(
        False,
        timezone.localtime(timezone.now() + cool_off),
        math.ceil(cool_off.total_seconds() / 60),
        get_failure_limit(request, credentials),
    )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """HTTP 429 with what happened and when to try again, in the user's language
    (Indonesian by default), and a Retry-After header."""
    lockout = lockout_for(request, credentials)
    response = render(
        request,
        "accounts/lockout.html",
        {
            "per_address": lockout.per_network,
            "failure_limit": lockout.failure_limit,
            "retry_at": lockout.retry_at,
            "minutes": lockout.minutes,
        },
        status=429,
    )
    if lockout.seconds:
        response["Retry-After"] = str(lockout.seconds)
    return response
