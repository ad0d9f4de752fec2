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
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.role == User.Role.RESIDENT
            and user.resident_id
            and not user.needs_contact_verification
        )


class IsBackofficeStaff(BasePermission):
    """Operators, supervisors and admins: the roles the back-office pages admit
    (`User.DECIDING_ROLES`, the set the pages' `role_required` reads).

    Staff use the API only from a signed-in *session*, never with a token. The site's
    sign-in is where TOTP is enforced for supervisors and admins (and anyone with admin
    access); a long-lived token would skip it, and an operator's token would be a standing
    key to residents' records without the session's expiry. So a token (even one made
    outside /auth/token/, which refuses staff) is refused here, and a session that has not
    passed TOTP when the role needs it is refused as the pages redirect it to the TOTP step.
    """

    message = _("Fitur ini hanya untuk petugas back office.")

    def has_permission(self, request: Any, view: Any) -> bool:
        from paksemmok.accounts.permissions import has_role, needs_totp

        from .errors import ApiError

        user = request.user
        if not has_role(user, *User.DECIDING_ROLES):
            return False
        if request.auth is not None:
            raise ApiError(
                "session_required",
                _("Petugas memakai API ini dari sesi masuk di situs, bukan dengan token."),
                403,
            )
        if needs_totp(user):
            raise ApiError(
                "totp_required",
                _("Verifikasi kode autentikator (TOTP) di situs terlebih dahulu."),
                403,
            )
        return True
