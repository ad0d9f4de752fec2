from __future__ import annotations

from django.contrib import admin, messages
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
    actions = ["sign_out_everywhere", "deactivate"]

    @admin.action(description=_("Keluarkan dari semua perangkat"))
    def sign_out_everywhere(self, request: HttpRequest, queryset) -> None:
        from .services.sessions import sign_out_everywhere

        for user in queryset:
            sign_out_everywhere(user, actor=request.user)

    @admin.action(description=_("Nonaktifkan akun (tidak bisa masuk lagi; catatannya tetap)"))
    def deactivate(self, request: HttpRequest, queryset) -> None:
        from .services.retirement import deactivate_user
        from .throttle import client_ip

        done = sum(
            deactivate_user(user, actor=request.user, ip_address=client_ip(request))
            for user in queryset
        )
        self.message_user(request, _("%(n)s akun dinonaktifkan.") % {"n": done})

    # Deleting goes through accounts.services.retirement: an account that acted is refused
    # with the reason (and the advice to deactivate it), one that never did is deleted.
    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        from .services.retirement import deletion_refusal

        user = self.get_object(request, object_id)
        refusal = deletion_refusal(user) if user is not None else None
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        from .services.retirement import delete_user
        from .throttle import client_ip

        delete_user(obj, actor=request.user, ip_address=client_ip(request))


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
