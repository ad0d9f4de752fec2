"""`manage.py check --deploy` fails while demo data is present with DEBUG=0: the demo
accounts sign in with published passwords and a published TOTP key, and the demo signing
certificate is self-signed (documents signed with it prove nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


def is_demo_certificate(path: Path) -> bool:
    """A self-signed certificate is the demo's (`make_demo_signing_key`); a real signing
    certificate is issued by a certification authority (BSrE)."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError):
        return False
    return cert.issuer == cert.subject


@register(Tags.security, deploy=True)
def demo_data_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    from .accounts import demo_accounts

    try:
        names = list(demo_accounts().values_list("username", flat=True)[:10])
    except DatabaseError:  # not migrated yet: nothing to find
        names = []
    if names:
        errors.append(
            Error(
                "Demo accounts exist with DEBUG=0: " + ", ".join(names),
                hint="Their passwords and TOTP key are published. Delete them (or deactivate "
                "them and remove their TOTP devices) before serving.",
                id="paksemmok.E001",
            )
        )
    if is_demo_certificate(settings.SIGNING_CERT_PATH):
        errors.append(
            Error(
                f"The signing certificate {settings.SIGNING_CERT_PATH} is self-signed (the demo "
                "pair) with DEBUG=0.",
                hint="Configure SIGNING_KEY_PATH and SIGNING_CERT_PATH with the agency's "
                "certificate from its certification authority.",
                id="paksemmok.E002",
            )
        )
    return errors
