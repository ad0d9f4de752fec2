"""How figures read on the pages: durations in hours and minutes, shares as percentages,
both in the active language's number format."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)s jam %(m)s menit") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)s jam") % {"h": hours}
    return _("%(m)s menit") % {"m": minutes}


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{number_format(share * 100, 1)}%"
