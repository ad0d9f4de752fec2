from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .acting import SESSION_KEY, get_acting_for


class ActingForMiddleware:
    """Sets `request.acting_for` (a resident's User, or None) and `request.acting_until`.

    Only sessions that hold a grant cost a query; everyone else gets None without touching
    the database. Must come after the authentication middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            get_acting_for(request)
        else:
            request.acting_for = None
            request.acting_until = None
        return self.get_response(request)
