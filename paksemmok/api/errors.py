"""Every API error as JSON: {"code": "<stable code>", "message": "<Indonesian>", "details"}.

Codes are part of the API contract: clients branch on `code`, people read `message`.
Domain errors from the service functions (paksemmok.errors.DomainError) carry their own code,
HTTP status and (translated) message; the handler maps them all the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from paksemmok.errors import DomainError
from paksemmok.storage import StorageUnavailable

logger = logging.getLogger("paksemmok.api")


class ApiError(DomainError):
    """A refusal only the API makes (wrong credentials, a bad page cursor), with its own code:
    answered like every other domain error."""

    def __init__(
        self, code: str, message: str, status_code: int = 400, details: Any = None
    ) -> None:
        super().__init__(message, code, details, status=status_code)


def body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "details": details}


def _messages() -> dict[type, tuple[str, str]]:
    # Built per call so the message is in the request's language (Indonesian by default).
    return {
        exceptions.NotAuthenticated: ("not_authenticated", _("Silakan masuk terlebih dahulu.")),
        exceptions.AuthenticationFailed: ("authentication_failed", ""),
        exceptions.PermissionDenied: (
            "permission_denied",
            _("Anda tidak berhak melakukan tindakan ini."),
        ),
        exceptions.NotFound: ("not_found", _("Data tidak ditemukan.")),
        exceptions.MethodNotAllowed: (
            "method_not_allowed",
            _("Metode HTTP ini tidak didukung di alamat ini."),
        ),
        exceptions.NotAcceptable: (
            "not_acceptable",
            _("Format jawaban yang diminta tidak tersedia."),
        ),
        exceptions.UnsupportedMediaType: (
            "unsupported_media_type",
            _("Format data yang dikirim tidak didukung."),
        ),
        exceptions.ParseError: ("parse_error", _("Data yang dikirim tidak dapat dibaca.")),
        exceptions.ValidationError: ("invalid", _("Data yang dikirim tidak valid.")),
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    set_rollback()
    if isinstance(exc, DomainError):
        code, message, details, http_status = exc.api_error()
        return Response(body(code, message, details), status=http_status)
    if isinstance(exc, StorageUnavailable):
        return Response(
            body(exc.code, str(exc)),
            status=exc.status_code,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.Throttled):
        return _throttled(exc)
    if isinstance(exc, exceptions.APIException):
        return _framework_error(exc)
    # A bug: logged with its traceback, answered as JSON like everything else.
    logger.exception("API error", exc_info=exc)
    return Response(
        body("server_error", _("Terjadi kesalahan pada server. Coba lagi nanti.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _throttled(exc: exceptions.Throttled) -> Response:
    wait = int(exc.wait) if exc.wait is not None else None
    message = _("Terlalu banyak permintaan. Coba lagi dalam %(s)s detik.") % {
        "s": wait if wait is not None else 60
    }
    return Response(
        body("throttled", message, {"retry_after": wait}),
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(wait)} if wait is not None else {},
    )


def _framework_error(exc: exceptions.APIException) -> Response:
    """DRF's own refusals (authentication, permissions, parsing, validation)."""
    headers = {"WWW-Authenticate": exc.auth_header} if getattr(exc, "auth_header", None) else {}
    code, message = next(
        ((c, m) for klass, (c, m) in _messages().items() if isinstance(exc, klass)),
        ("error", ""),
    )
    details = exc.detail if isinstance(exc, exceptions.ValidationError) else None
    return Response(
        body(code, message or str(exc.detail), details), status=exc.status_code, headers=headers
    )


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown addresses under /api/v1/ (Django's resolver, outside DRF)."""
    return JsonResponse(body("not_found", _("Alamat API ini tidak ada.")), status=404)
