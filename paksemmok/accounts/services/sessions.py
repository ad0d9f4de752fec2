"""Ending every session of an account."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from paksemmok.audit.log import record

from ..models import User


@transaction.atomic
def sign_out_everywhere(user: User, *, actor: Any = None, ip_address: str | None = None) -> None:
    """Ends every session of `user`, on every device, including the caller's.

    Rotating User.session_token changes the session auth hash, so Django drops each session
    on its next request. Session rows are left to expire (clearsessions) rather than scanned:
    the database session store cannot look sessions up by user without decoding all of them.
    """
    user.rotate_session_token()
    record("account.signed_out_everywhere", actor=actor or user, obj=user, ip_address=ip_address)
