"""A file store in trouble answers 503 with its Indonesian message, on pages and in the API."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from paksemmok.storage import StorageUnavailable


class StorageUnavailableMiddleware:
    """Views that read or write files (downloads, issuing) need no handling of their own: a
    StorageUnavailable they let through becomes this answer instead of a generic 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, StorageUnavailable):
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"code": exc.code, "message": str(exc), "details": None}, status=exc.status_code
            )
        else:
            response = render(
                request, "503_storage.html", {"message": str(exc)}, status=exc.status_code
            )
        response["Retry-After"] = str(exc.retry_after)
        return response
