"""Refused account actions; the message is shown to the user as it is."""

from __future__ import annotations


class AccountError(Exception):
    """A refused account action; the message is shown to the user as it is."""


class RegisterMismatch(AccountError):
    pass


class AlreadyRegistered(AccountError):
    pass


class PhoneTaken(AccountError):
    pass


class CodeRateLimited(AccountError):
    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class ActingRefused(AccountError):
    pass
