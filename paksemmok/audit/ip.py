"""The client's address: the one answer to "who is asking".

django-axes (AXES_CLIENT_IP_CALLABLE), the sign-up/reset/sign-in budgets (accounts.throttle),
the API throttles and the audit log all call `client_ip()`.
"""

from __future__ import annotations

import ipaddress
from types import SimpleNamespace

from django.conf import settings
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
