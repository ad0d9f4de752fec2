"""The one base class of the domain's refusals.

A service function that says no raises a `DomainError` subclass with a message for people,
translated when raised. The class (or the instance) carries a stable `code` for programs and
the HTTP `status` an API answers with; `details` is optional JSON-ready data. Pages show the
message; the API's exception handler maps every DomainError the same way (`api_error()`),
so adding an error means adding a class, not a branch in the handler.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code: str = "refused"
    status: int = 409

    def __init__(
        self,
        message: Any = "",
        code: str | None = None,
        details: Any = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def api_error(self) -> tuple[str, str, Any, int]:
        """(code, message, details, HTTP status) as the API answers this refusal."""
        return self.code, self.message, self.details, self.status
