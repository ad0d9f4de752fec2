"""Refused account actions; the message is shown to the user as it is."""

from __future__ import annotations

from paksemmok.errors import DomainError


class AccountError(DomainError):
    """A refused account action; the message is shown to the user as it is."""

    code = "account_refused"
    status = 400


class RegisterMismatch(AccountError):
    pass


class AlreadyRegistered(AccountError):
    pass


class PhoneTaken(AccountError):
    pass


class CodeRateLimited(AccountError):
    code = "throttled"
    status = 429

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class ActingRefused(AccountError):
    pass
