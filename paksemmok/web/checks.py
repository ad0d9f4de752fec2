"""System checks for settings that have no safe default in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def site_url_set(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every QR code and message link is built on SITE_URL; in production a guess from the
    listening address would print unusable links on signed documents."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        Error(
            "SITE_URL is not set.",
            hint="Production needs the public address, e.g. SITE_URL=https://semmok.example.",
            id="web.E001",
        )
    ]
