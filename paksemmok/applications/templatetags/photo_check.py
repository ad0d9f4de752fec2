"""`{% photo_check %}`: hands the server's photo quality thresholds and messages to
static/js/photo-check.js as data attributes (one source for both checks, no inline script)."""

from __future__ import annotations

from typing import Any

from django import template

from paksemmok.applications.uploads import PROBE_SIDE, QUALITY_MESSAGES, QUALITY_THRESHOLDS

register = template.Library()


@register.inclusion_tag("applications/_photo_check.html")
def photo_check() -> dict[str, Any]:
    return {
        "probe_side": PROBE_SIDE,
        "thresholds": [(k.replace("_", "-"), v) for k, v in QUALITY_THRESHOLDS.items()],
        "messages": [(k.replace("_", "-"), str(v)) for k, v in QUALITY_MESSAGES.items()],
    }
