from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .acting import SESSION_KEY, get_acting_for
from .permissions import needs_totp, totp_redirect

# What a signed-in supervisor or admin may open before passing TOTP: the second-factor pages
# themselves and signing out. Everything else, public pages included, waits for the code.
SECOND_FACTOR_OPEN_VIEWS = frozenset(
    {"accounts:totp_verify", "accounts:totp_setup", "accounts:logout"}
)


class SecondFactorMiddleware:
    """The one gate for the second factor (TOTP).

    A session of a user who needs TOTP (supervisors, admins, anyone with admin-site access:
    `User.requires_totp`) and has not passed it reaches no view but the ones above: pages
    answer with a redirect to the TOTP step, the API with 403 `totp_required`. Views need
    no decorator of their own for this, so a new route cannot forget it. Must come after
    django_otp's OTPMiddleware (which installs `request.user.is_verified`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_totp(request.user):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is None or match.view_name not in SECOND_FACTOR_OPEN_VIEWS:
                return self.refuse(request, is_api=bool(match and "api" in match.namespaces))
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, *, is_api: bool) -> HttpResponse:
        if is_api:
            return JsonResponse(
                {
                    "code": "totp_required",
                    "message": _("Verifikasi kode autentikator (TOTP) di situs terlebih dahulu."),
                    "details": None,
                },
                status=403,
            )
        return totp_redirect(request)


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
