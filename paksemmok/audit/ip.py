"""The client address that audit entries and request budgets record."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    # The same resolution axes uses, so both limits see one address behind a proxy.
    return get_client_ip_address(request)
