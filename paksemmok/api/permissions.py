from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from paksemmok.accounts.models import User


class IsResident(BasePermission):
    """A signed-in resident whose account is linked to the register. Staff and village
    helpers use the pages (TOTP, acting-for grants), not this API."""

    message = _("Fitur ini hanya untuk penduduk yang masuk dengan akunnya sendiri.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and user.role == User.Role.RESIDENT and user.resident_id
                    and not user.needs_contact_verification)
