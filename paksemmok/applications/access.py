"""Who may see an application and its files. Anyone else gets 404, never 403: a 403 would
confirm that a guessed reference exists."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from paksemmok.accounts.acting import current_subject, get_acting_for
from paksemmok.accounts.models import User

from .models import Application


def staff_may_view(user: Any, application: Application) -> bool:
    """Supervisors and admins see all; an operator sees the applications of the services they
    handle (the back office gives claims only for those, with this same check). Perekaman
    officers do not handle applications."""
    if not (user.is_authenticated and user.is_active and user.is_staff_member):
        return False
    if user.role in User.SUPERVISING_ROLES:
        return True
    if user.role == User.Role.OPERATOR:
        return application.service.code in (user.services or [])
    return False


def resident_may_view(user: Any, subject_user: Any, application: Application) -> bool:
    """The applicant, or a village helper while acting for the applicant (the grant's time).

    Filing an application gives a helper no lasting access: when the grant ends, its files
    are the resident's alone. A resident who filed for someone else keeps seeing it.
    """
    if not user.is_authenticated:
        return False
    if user.role == User.Role.HELPER:
        return subject_user.pk != user.pk and application.applicant_id == subject_user.pk
    return application.applicant_id == subject_user.pk or application.filed_by_id == user.pk


def resident_side(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Residents, and village helpers while acting for a resident (accounts.acting)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role == User.Role.HELPER and get_acting_for(request) is None:
            messages.info(request, _("Pilih dulu penduduk yang Anda dampingi."))
            return redirect("accounts:helper")
        if user.role not in User.RESIDENT_SIDE_ROLES:
            raise Http404
        request.subject_user = current_subject(request)
        return view(request, *args, **kwargs)

    return wrapped
