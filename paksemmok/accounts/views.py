"""Account pages. Thin: each POST calls one service function and redirects or re-renders."""

from __future__ import annotations

import base64
import hashlib
import json

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from paksemmok.audit.ip import client_ip
from paksemmok.audit.log import record
from paksemmok.audit.masking import mask_number
from paksemmok.population.queries import resident_with_family_by_id

from . import acting
from .errors import AccountError, AlreadyRegistered, CodeRateLimited, PhoneTaken
from .forms import (
    ActingStartForm,
    CodeForm,
    PreferencesForm,
    ResetConfirmForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
    TotpForm,
)
from .models import OneTimeCode, User
from .permissions import role_required
from .services import sessions
from .services.acting_for import confirm_acting, request_acting_code
from .services.activity import activity_for, grouped_activity
from .services.codes import issue_code
from .services.export import export_personal_data
from .services.profile import update_preferences
from .services.reset import request_password_reset, reset_password
from .services.signup import SignUp, register_resident, verify_account
from .throttle import hit

PENDING_KEY = "accounts_pending_user"
RESET_KEY = "accounts_reset_username"
ACTING_PENDING_KEY = "accounts_acting_pending"
PREFILL_KEY = "accounts_login_prefill"


def _to_login_with(request: HttpRequest, username: str) -> HttpResponse:
    request.session[PREFILL_KEY] = username
    return redirect("accounts:login")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def landing_url(user: User) -> str:
    if user.role == User.Role.RESIDENT:
        return reverse("accounts:profile")
    if user.role == User.Role.HELPER:
        return reverse("accounts:helper")
    if user.role == User.Role.ADMIN:
        return reverse("admin:index")
    # Staff land on their work, not on the residents' home page.
    if user.role == User.Role.OPERATOR:
        return reverse("backoffice:queue")
    if user.role == User.Role.PEREKAMAN:
        return reverse("appointments:staff_day")
    if user.role == User.Role.SUPERVISOR:
        return reverse("reports:dashboard")
    return reverse("web:home")


def _masked_destination(user: User, channel: str) -> str:
    from paksemmok.notifications.models import mask_address

    if channel == User.Channel.EMAIL:
        return mask_address(user.email)
    return mask_address(str(user.phone or ""))


# --- Sign-up and verification ----------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(landing_url(request.user))
    form = SignUpForm(request.POST or None)
    already_registered = False
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = hit("signup", request, _setting("ACCOUNTS_SIGNUP_THROTTLE_ATTEMPTS"))
        if wait:
            form.add_error(None, _throttled_message(wait))
            status = 429
        else:
            data = form.cleaned_data
            try:
                user = register_resident(
                    SignUp(
                        nik=data["nik"],
                        kk_number=data["kk_number"],
                        full_name=data["full_name"],
                        birth_date=data["birth_date"],
                        phone=data["phone"],
                        email=data["email"],
                        channel=data["channel"],
                        password=data["password1"],
                    ),
                    ip_address=client_ip(request),
                )
            except AlreadyRegistered as exc:
                already_registered = True
                form.add_error(None, str(exc))
            except PhoneTaken as exc:
                form.add_error("phone", str(exc))
            except AccountError as exc:
                form.add_error(None, str(exc))
            else:
                request.session[PENDING_KEY] = user.pk
                messages.success(request, _("Kode verifikasi sudah dikirim."))
                return redirect("accounts:verify")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "already_registered": already_registered},
        status=status,
    )


def _setting(name: str) -> int:
    from django.conf import settings

    return int(getattr(settings, name))


def _throttled_message(wait: int) -> str:
    minutes = -(-wait // 60)
    return _("Terlalu banyak percobaan dari jaringan Anda. Coba lagi dalam %(n)d menit.") % {
        "n": minutes
    }


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_KEY)
    if not pk:
        return None
    return User.objects.filter(pk=pk, is_active=True, contact_verified=False).first()


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Masuk dengan NIK dan kata sandi untuk melanjutkan verifikasi."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        check = verify_account(user, form.cleaned_data["code"], ip_address=client_ip(request))
        if check.ok:
            request.session.pop(PENDING_KEY, None)
            messages.success(request, _("Akun Anda sudah aktif. Silakan masuk."))
            return _to_login_with(request, user.username)
        form.add_error("code", check.message)
    latest = user.one_time_codes.filter(purpose=OneTimeCode.Purpose.VERIFY).first()
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "check": check,
            "code": latest,
            "destination": _masked_destination(
                user, latest.channel if latest else user.preferred_channel
            ),
            "expired": bool(latest and latest.is_active and latest.is_expired()),
        },
    )


@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    try:
        issue_code(user, OneTimeCode.Purpose.VERIFY)
    except CodeRateLimited as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("Kode baru sudah dikirim. Kode lama tidak berlaku lagi."))
    return redirect("accounts:verify")


# --- Sign-in and sign-out --------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"

    def get_initial(self) -> dict:
        # Filled in from the session after sign-up or a reset: a NIK never rides in the URL.
        return {"username": self.request.session.pop(PREFILL_KEY, "")}

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        if user.needs_contact_verification:
            # The password was right, so this is the owner: let them finish verifying.
            self.request.session[PENDING_KEY] = user.pk
            messages.warning(
                self.request,
                _(
                    "Akun Anda belum diverifikasi. Masukkan kode yang dikirim, atau minta kode baru."  # noqa: E501
                ),
            )
            return redirect("accounts:verify")
        auth_login(self.request, user)
        record("account.signed_in", actor=user, obj=user, ip_address=client_ip(self.request))
        target = self.get_redirect_url() or landing_url(user)
        if user.requires_totp:
            return redirect(f"{reverse('accounts:totp_verify')}?{urlencode({'next': target})}")
        return HttpResponseRedirect(target)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(
            "account.signed_out",
            actor=request.user,
            obj=request.user,
            ip_address=client_ip(request),
        )
    auth_logout(request)
    return redirect("web:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        sessions.sign_out_everywhere(request.user, ip_address=client_ip(request))
        auth_logout(request)
        messages.success(request, _("Anda sudah keluar dari semua perangkat."))
        return redirect("accounts:login")
    return render(request, "accounts/sign_out_everywhere.html")


# --- Password reset --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def reset_request(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = hit("reset", request, _setting("ACCOUNTS_RESET_THROTTLE_ATTEMPTS"))
        if wait:
            form.add_error(None, _throttled_message(wait))
            status = 429
        else:
            request_password_reset(form.cleaned_data["username"], ip_address=client_ip(request))
            request.session[RESET_KEY] = form.cleaned_data["username"]
            # The same words whether or not the account exists.
            messages.info(
                request,
                _(
                    "Jika NIK tersebut terdaftar, kode sudah dikirim ke nomor atau e-mail akun. "
                    "Kode hanya bisa diminta sekali per menit."
                ),
            )
            return redirect("accounts:reset_confirm")
    return render(request, "accounts/reset_request.html", {"form": form}, status=status)


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def reset_confirm(request: HttpRequest) -> HttpResponse:
    username = request.session.get(RESET_KEY)
    if not username:
        return redirect("accounts:reset_request")
    form = ResetConfirmForm(request.POST or None, username=username)
    check = None
    status = 200
    if request.method == "POST" and form.is_valid():
        # Wrong codes count per client and NIK: a stranger who typed someone's NIK runs out of
        # tries here, before the owner's live code would be burned (services.reset).
        wait = hit(
            "reset-confirm",
            request,
            _setting("ACCOUNTS_CODE_MAX_ATTEMPTS"),
            # Hashed: a shared cache should not hold NIKs in its keys.
            ident=hashlib.sha256(f"{client_ip(request)}:{username}".encode()).hexdigest(),
        )
        if wait:
            form.add_error(None, _throttled_message(wait))
            status = 429
        else:
            check = reset_password(
                username,
                form.cleaned_data["code"],
                form.cleaned_data["password1"],
                ip_address=client_ip(request),
            )
            if check.ok:
                request.session.pop(RESET_KEY, None)
                messages.success(request, _("Kata sandi sudah diganti. Silakan masuk."))
                return _to_login_with(request, username)
            # One answer for every failure (no account, wrong, used, expired, burned): the
            # page must not tell whether the NIK has an account.
            form.add_error(
                "code",
                _(
                    "Kode tidak cocok atau sudah tidak berlaku. Periksa kode terbaru yang "
                    "dikirim, atau minta kode baru."
                ),
            )
    return render(
        request,
        "accounts/reset_confirm.html",
        {
            "form": form,
            "check": check,
            "username_masked": mask_number(username) if username.isdigit() else username,
        },
        status=status,
    )


# --- Profile ---------------------------------------------------------------------------------


@never_cache
@role_required(*User.RESIDENT_SIDE_ROLES)
def profile(request: HttpRequest) -> HttpResponse:
    subject = acting.current_subject(request)
    # One joined read with the KK and its living members, not a lazy load per relation.
    resident = resident_with_family_by_id(subject.resident_id) if subject.resident_id else None
    if request.acting_for is not None:
        acting.audit_act(request, "account.profile.viewed", obj=subject)
    members = (resident.kk_members or [resident]) if resident else []
    return render(
        request,
        "accounts/profile.html",
        {
            "subject": subject,
            "resident": resident,
            "members": members,
            "is_acting": request.acting_for is not None,
        },
    )


def _refuse_while_acting(request: HttpRequest) -> None:
    # A helper's grant covers applications for the resident, not the resident's own account
    # settings or a copy of all their data.
    if request.acting_for is not None:
        raise PermissionDenied


@never_cache
@role_required(*User.RESIDENT_SIDE_ROLES)
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    _refuse_while_acting(request)
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={
            "channel": user.preferred_channel,
            "language": user.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_preferences(
                user, channel=form.cleaned_data["channel"], language=form.cleaned_data["language"]
            )
        except AccountError as exc:
            form.add_error("channel", str(exc))
        else:
            messages.success(request, _("Pengaturan pemberitahuan disimpan."))
            return redirect("accounts:profile")
    return render(request, "accounts/preferences.html", {"form": form})


@never_cache
@role_required(*User.RESIDENT_SIDE_ROLES)
def activity(request: HttpRequest) -> HttpResponse:
    _refuse_while_acting(request)
    entries = grouped_activity(list(activity_for(request.user)[:500]), request.user)
    return render(request, "accounts/activity.html", {"entries": entries})


@never_cache
@role_required(*User.RESIDENT_SIDE_ROLES)
@require_http_methods(["GET", "POST"])
def export_data(request: HttpRequest) -> HttpResponse:
    _refuse_while_acting(request)
    if request.method == "GET":
        return render(request, "accounts/export.html")
    data = export_personal_data(request.user, ip_address=client_ip(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    # No NIK in the file name: downloads folders are shared and synced.
    name = f"pak-semmok-data-saya-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Village helpers -------------------------------------------------------------------------


@never_cache
@role_required(User.Role.HELPER)
@require_http_methods(["GET", "POST"])
def helper(request: HttpRequest) -> HttpResponse:
    form = ActingStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = request_acting_code(
                request.user, form.cleaned_data["nik"], ip_address=client_ip(request)
            )
        except CodeRateLimited as exc:
            form.add_error(None, str(exc))
        except AccountError as exc:
            form.add_error("nik", str(exc))
        else:
            request.session[ACTING_PENDING_KEY] = account.pk
            return redirect("accounts:helper_code")
    return render(request, "accounts/helper.html", {"form": form})


@never_cache
@role_required(User.Role.HELPER)
@require_http_methods(["GET", "POST"])
def helper_code(request: HttpRequest) -> HttpResponse:
    account = (
        User.objects.filter(pk=request.session.get(ACTING_PENDING_KEY), role=User.Role.RESIDENT)
        .select_related("resident")
        .first()
    )
    if account is None:
        return redirect("accounts:helper")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = confirm_acting(
            request.user, account, form.cleaned_data["code"], ip_address=client_ip(request)
        )
        if check.ok:
            request.session.pop(ACTING_PENDING_KEY, None)
            acting.begin(request, account)
            messages.success(
                request,
                _("Anda sekarang bertindak atas nama %(name)s.")
                % {"name": account.get_full_name()},
            )
            return redirect("accounts:profile")
        form.add_error("code", check.message)
    return render(
        request,
        "accounts/helper_code.html",
        {
            "form": form,
            "account": account,
            "destination": _masked_destination(account, account.preferred_channel),
        },
    )


@require_POST
@role_required(User.Role.HELPER)
def helper_stop(request: HttpRequest) -> HttpResponse:
    account = acting.end(request)
    if account is not None:
        record(
            "account.acting.stopped",
            actor=request.user,
            on_behalf_of=account,
            obj=account,
            ip_address=client_ip(request),
        )
        messages.success(
            request,
            _("Anda berhenti bertindak atas nama %(name)s.") % {"name": account.get_full_name()},
        )
    return redirect("accounts:helper")


# --- Staff second factor (TOTP) -------------------------------------------------------------


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    target = _safe_next(request, landing_url(user))
    if not user.requires_totp:
        return redirect(target)
    device = _confirmed_device(user)
    if device is None:
        return redirect(f"{reverse('accounts:totp_setup')}?{urlencode({'next': target})}")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            record("account.totp.verified", actor=user, obj=user, ip_address=client_ip(request))
            return redirect(target)
        form.add_error(
            "token",
            _(
                "Kode salah atau sudah kedaluwarsa. Tunggu kode berikutnya "
                "di aplikasi dan coba lagi."
            )
            if allowed
            else _("Terlalu banyak kode salah. Tunggu sebentar sebelum mencoba lagi."),
        )
    return render(request, "accounts/totp_verify.html", {"form": form, "next": target})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a supervisor or admin: enrol an authenticator app.

    Only while the account has no confirmed device; replacing a lost phone is an admin's job
    (delete the device in the admin), so a stolen password alone cannot re-enrol.
    """
    user = request.user
    target = _safe_next(request, landing_url(user))
    if not user.requires_totp:
        return redirect(target)
    if _confirmed_device(user) is not None:
        return redirect(f"{reverse('accounts:totp_verify')}?{urlencode({'next': target})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Aplikasi autentikator"), confirmed=False
        )
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record("account.totp.enrolled", actor=user, obj=user, ip_address=client_ip(request))
            messages.success(request, _("Autentikator terpasang."))
            return redirect(target)
        form.add_error("token", _("Kode salah. Pastikan jam di ponsel tepat, lalu coba lagi."))
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "next": target,
            "qr_svg": qr_svg,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )
