from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.admin_reads import AuditedReadsMixin

from .models import OneTimeCode, User


class StaffAdminSite(admin.AdminSite):
    """The admin site, open only to staff who passed TOTP in this session.

    Installed over the default site in paksemmok/urls.py (`admin.site.__class__ = ...`, the
    way django-otp documents for OTPAdminSite), so every app's `admin.register` keeps working.
    Sign-in goes through the accounts pages, which send staff on to TOTP set-up or check.
    """

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        verified = getattr(user, "is_verified", None)
        return bool(user.is_active and user.is_staff and callable(verified) and verified())

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        target = request.GET.get("next") or ""
        # Only a path on this site: no off-site redirect, no `javascript:` (a 500 before).
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:index")
        user = request.user
        if user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            if not (user.is_active and user.is_staff):
                raise PermissionDenied
            return redirect(f"{reverse('accounts:totp_verify')}?{urlencode({'next': target})}")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@admin.register(User)
class UserAdmin(AuditedReadsMixin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "is_active", "contact_verified"]
    list_filter = ["role", "is_active", "contact_verified"]
    raw_id_fields = ["resident"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            _("Pak Semmok"),
            {
                "fields": [
                    "role",
                    "resident",
                    "phone",
                    "village",
                    "services",
                    "preferred_channel",
                    "preferred_language",
                    "contact_verified",
                ]
            },
        ),
    ]
    # Staff accounts exist only because an admin created them here: the role is chosen at once.
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "village",
                ],
            },
        ),
    ]
    actions = ["sign_out_everywhere"]

    @admin.action(description=_("Keluarkan dari semua perangkat"))
    def sign_out_everywhere(self, request: HttpRequest, queryset) -> None:
        from .services.sessions import sign_out_everywhere

        for user in queryset:
            sign_out_everywhere(user, actor=request.user)


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """Read-only: for support questions ("did the code go out?"). Codes are hashed."""

    list_display = [
        "user",
        "purpose",
        "channel",
        "created_at",
        "expires_at",
        "attempts",
        "used_at",
        "invalidated_at",
    ]
    list_filter = ["purpose", "channel"]
    raw_id_fields = ["user", "requested_by"]
    exclude = ["code_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
