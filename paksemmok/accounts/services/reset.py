"""Password reset by a one-time code sent to the account's contact."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from paksemmok.audit.log import record

from ..errors import CodeRateLimited
from ..models import OneTimeCode, User, new_session_token
from .codes import CodeCheck, CodeResult, check_code, issue_code

Purpose = OneTimeCode.Purpose
# 5 tries per client x 4: 20 guesses in a million before the code is burned.
RESET_BURN_FACTOR = 4


def find_account(username: str) -> User | None:
    from ..lockout import normalise_username

    return User.objects.filter(username=normalise_username(username), is_active=True).first()


@transaction.atomic
def request_password_reset(username: str, *, ip_address: str | None = None) -> bool:
    """Sends a reset code when the account exists and has a contact; True if one was sent.

    The caller shows the same answer either way, so the form does not reveal which NIKs
    have accounts; the rate limit is applied silently for the same reason.
    """
    user = find_account(username)
    if user is None or not (user.phone or user.email):
        return False
    try:
        issue_code(user, Purpose.RESET)
    except CodeRateLimited:
        return False
    record("account.password_reset.requested", actor=None, obj=user, ip_address=ip_address)
    return True


@transaction.atomic
def reset_password(
    username: str, code: str, new_password: str, *, ip_address: str | None = None
) -> CodeCheck:
    """Sets a new password after the reset code; all sessions of the account end."""
    user = find_account(username)
    if user is None:
        return CodeCheck(CodeResult.MISSING)
    # The code is burned only after several clients' worth of wrong tries: each client gets
    # ACCOUNTS_CODE_MAX_ATTEMPTS (the view's budget), so one stranger cannot burn it.
    check = check_code(
        user,
        Purpose.RESET,
        code,
        max_attempts=settings.ACCOUNTS_CODE_MAX_ATTEMPTS * RESET_BURN_FACTOR,
    )
    if not check.ok:
        return check
    user.set_password(new_password)
    # Receiving the code on the account's number proves the contact as well as sign-up does.
    if user.role == User.Role.RESIDENT:
        user.contact_verified = True
    # A new password already ends old sessions; a new token makes that explicit.
    user.session_token = new_session_token()
    user.save(update_fields=["password", "contact_verified", "session_token"])
    record("account.password.reset", actor=user, obj=user, ip_address=ip_address)

    from axes.utils import reset as axes_reset

    # The owner proved control of the account: let them in without waiting out a lockout.
    axes_reset(username=user.get_username())
    return check
