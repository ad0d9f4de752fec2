"""Every API error as JSON: {"code": "<stable code>", "message": "<Indonesian>", "details"}.

Codes are part of the API contract: clients branch on `code`, people read `message`.
Domain errors from the service functions keep their own (translated) message.
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

from paksemmok.applications.checks import SubmissionRejected
from paksemmok.applications.lifecycle import ApplicationError
from paksemmok.applications.uploads import UploadRejected
from paksemmok.appointments.services import AppointmentError
from paksemmok.backoffice.services import BackofficeError
from paksemmok.population.services import RegisterError

logger = logging.getLogger("paksemmok.api")


class ApiError(exceptions.APIException):
    """An error raised by an API view with its own code."""

    def __init__(
        self, code: str, message: str, status_code: int = 400, details: Any = None
    ) -> None:
        super().__init__(detail=message, code=code)
        self.code = code
        self.message = message
        self.status_code = status_code
        self.details = details


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
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    set_rollback()
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        return Response(body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, SubmissionRejected):
        # `code`: the register rule (applications.rules) when one refused it, else "".
        details = [
            {"item": p.item, "message": str(p.message), "code": p.code} for p in exc.problems
        ]
        message = (
            details[0]["message"]
            if len(details) == 1
            else _("Permohonan belum dapat dikirim; lihat rincian.")
        )
        return Response(
            body("submission_rejected", message, details),
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, UploadRejected):
        return Response(
            body("upload_rejected", str(exc), {"reason": exc.code}),
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, BackofficeError):
        return _backoffice_error(exc)
    if isinstance(exc, ApplicationError):
        return Response(body("application_conflict", str(exc)), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, AppointmentError):
        return Response(body("appointment_conflict", str(exc)), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        if wait is not None:
            headers["Retry-After"] = str(wait)
        return Response(
            body(
                "throttled",
                _("Terlalu banyak permintaan. Coba lagi dalam %(s)s detik.")
                % {"s": wait if wait is not None else 60},
                {"retry_after": wait},
            ),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers=headers,
        )
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        code, message = next(
            ((c, m) for klass, (c, m) in _messages().items() if isinstance(exc, klass)),
            ("error", ""),
        )
        details = exc.detail if isinstance(exc, exceptions.ValidationError) else None
        if not message:
            message = str(exc.detail)
        return Response(body(code, message, details), status=exc.status_code, headers=headers)
    # A bug: logged with its traceback, answered as JSON like everything else.
    logger.exception("API error", exc_info=exc)
    return Response(
        body("server_error", _("Terjadi kesalahan pada server. Coba lagi nanti.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _backoffice_error(exc: BackofficeError) -> Response:
    """`backoffice.services` re-raises the errors of the rules it calls as BackofficeError;
    the cause tells apart a decision the applications rules refused (the deficiency list) and
    a register change that cannot be made from a claim or holder conflict."""
    if exc.code in ("rule_violation", "duplicate_reason_required"):
        return Response(
            body(exc.code, str(exc), exc.details), status=status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    if exc.code == "duplicate_needs_supervisor":
        return Response(body(exc.code, str(exc)), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc.__cause__, ApplicationError):
        return Response(
            body("decision_refused", str(exc)), status=status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    if isinstance(exc.__cause__, RegisterError):
        return Response(body("register_conflict", str(exc)), status=status.HTTP_409_CONFLICT)
    if exc.code == "not_permitted":
        return Response(body("not_permitted", str(exc)), status=status.HTTP_403_FORBIDDEN)
    if exc.code in ("claimed_by_other", "claim_required", "not_pending"):
        return Response(body(exc.code, str(exc)), status=status.HTTP_409_CONFLICT)
    return Response(body("backoffice_conflict", str(exc)), status=status.HTTP_409_CONFLICT)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown addresses under /api/v1/ (Django's resolver, outside DRF)."""
    return JsonResponse(body("not_found", _("Alamat API ini tidak ada.")), status=404)
