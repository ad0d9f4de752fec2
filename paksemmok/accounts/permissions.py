"""Server-side permission checks for views. Templates may hide links; these decide."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def needs_totp(user: Any) -> bool:
    """True when the signed-in user must still pass TOTP in this session."""
    if not user.is_authenticated or not getattr(user, "requires_totp", False):
        return False
    verified = getattr(user, "is_verified", None)  # installed by django_otp's middleware
    return not (callable(verified) and verified())


def totp_redirect(request: HttpRequest) -> HttpResponse:
    url = reverse("accounts:totp_verify")
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous users go to the login page, others without the role get 403,
    and supervisors/admins (anyone with admin-site access) who have not passed TOTP in this
    session go to the TOTP page first."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            if needs_totp(request.user):
                return totp_redirect(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
