"""Who may see an application and its files. Anyone else gets 404, never 403: a 403 would
confirm that a guessed reference exists."""

from __future__ import annotations

from typing import Any

from paksemmok.accounts.models import User

from .models import Application

ALL_SERVICES_ROLES = (User.Role.SUPERVISOR, User.Role.ADMIN)


def staff_may_view(user: Any, application: Application) -> bool:
    """Supervisors and admins see all; an operator sees what is assigned to them or belongs to
    a service they handle. Perekaman officers do not handle applications."""
    if not (user.is_authenticated and user.is_active and user.is_staff_member):
        return False
    if user.role in ALL_SERVICES_ROLES:
        return True
    if user.role == User.Role.OPERATOR:
        return application.assigned_to_id == user.pk or application.service.code in (
            user.services or []
        )
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
