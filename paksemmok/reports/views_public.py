"""The public service-standard page: the promise and the figures that show it is kept."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import figures

PUBLIC_DAYS = 30
# Anyone may load this page as often as they like; the figures change slowly, so each web
# process computes them at most once per interval (and per day, since the window moves).
CACHE_SECONDS = 600


def public_figures(today: dt.date | None = None) -> dict:
    """Last 30 days up to yesterday: today's decisions are still coming in, and a share that
    swings through the day would read as noise."""
    today = today or timezone.localdate()
    period = figures.Period.last_days(PUBLIC_DAYS, today - dt.timedelta(days=1))

    def compute() -> dict:
        return {
            "period": period,
            "total": figures.standard(period),
            "by_service": figures.standard_by_service(period),
        }

    return cache.get_or_set(f"reports:public:{period.start}:{period.end}", compute, CACHE_SECONDS)


def service_standard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/standard.html",
        {
            **public_figures(),
            "working_hours": settings.BACKOFFICE_DEADLINE_MODE == "working",
        },
    )
