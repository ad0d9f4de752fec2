"""Account changes: sign-up, one-time codes, password reset, sign-out everywhere, helpers.

Each function runs in one transaction, writes its audit entry, and queues its notification
through `notify()`, which writes the outbox row in the same transaction: a rolled-back
sign-up sends no code, a committed one never loses it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry
from paksemmok.notifications.services import notify
from paksemmok.population.identifiers import clean_number, mask_number
from paksemmok.population.models import Family, Resident

from .models import OneTimeCode, User, new_session_token

Purpose = OneTimeCode.Purpose


class AccountError(Exception):
    """A refused account action; the message is shown to the user as it is."""


class RegisterMismatch(AccountError):
    pass


class AlreadyRegistered(AccountError):
    pass


class PhoneTaken(AccountError):
    pass


class CodeRateLimited(AccountError):
    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class ActingRefused(AccountError):
    pass


def mismatch_message() -> str:
    # One message for every way the data can disagree with the register (wrong NIK, wrong KK,
    # not a member, name, birth date, deceased), so the form cannot be used to probe it.
    return _(
        "Data yang Anda masukkan tidak cocok dengan data kependudukan. Periksa kembali NIK, "
        "nomor KK, nama lengkap, dan tanggal lahir persis seperti tertulis di Kartu Keluarga."
    )


# --- Sign-up ------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Case, repeated spaces and compatibility characters do not matter; spelling does."""
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def match_resident(
    nik: str, kk_number: str, full_name: str, birth_date: dt.date
) -> Resident | None:
    """The living resident with this NIK, on this KK, with this name and birth date."""
    resident = (
        Resident.objects.select_related("family", "village")
        .filter(
            nik=clean_number(nik), family__kk_number=clean_number(kk_number), birth_date=birth_date
        )
        .first()
    )
    if resident is None or not resident.is_alive:
        return None
    if normalise_name(resident.full_name) != normalise_name(full_name):
        return None
    return resident


@dataclass
class SignUp:
    nik: str
    kk_number: str
    full_name: str
    birth_date: dt.date
    phone: str  # E.164, checked by the form
    password: str
    channel: str = User.Channel.WHATSAPP
    email: str = ""


@transaction.atomic
def register_resident(data: SignUp, *, ip_address: str | None = None) -> User:
    """Creates an unverified resident account and sends the verification code.

    An earlier sign-up for the same person that was never verified is replaced: it proved
    nothing and must not let someone who typed a KK copy's data block the real person.
    """
    resident = match_resident(data.nik, data.kk_number, data.full_name, data.birth_date)
    if resident is None:
        raise RegisterMismatch(mismatch_message())
    existing = (
        User.objects.select_for_update()
        .filter(Q(username=resident.nik) | Q(resident=resident))
        .first()
    )
    if existing is not None and (existing.contact_verified or existing.role != User.Role.RESIDENT):
        raise AlreadyRegistered(_("NIK ini sudah memiliki akun."))
    _release_phone(data.phone, keep=existing)

    user = existing or User(username=resident.nik, role=User.Role.RESIDENT)
    user.resident = resident
    user.first_name = resident.full_name[:150]
    user.last_name = ""
    user.phone = data.phone
    user.email = data.email.strip()
    user.preferred_channel = data.channel
    user.contact_verified = False
    user.is_active = True
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up took the NIK or the phone first
        if User.objects.filter(username=resident.nik).exclude(pk=user.pk).exists():
            raise AlreadyRegistered(_("NIK ini sudah memiliki akun.")) from exc
        raise PhoneTaken(phone_taken_message()) from exc
    record(
        "account.registered",
        actor=user,
        obj=user,
        ip_address=ip_address,
        details={"channel": data.channel, "replaced_unverified": existing is not None},
    )
    issue_code(user, Purpose.VERIFY, enforce_limits=existing is not None)
    return user


def phone_taken_message() -> str:
    return _("Nomor ini sudah dipakai akun lain. Satu nomor hanya untuk satu akun.")


def _release_phone(phone: str, *, keep: User | None) -> None:
    other = User.objects.select_for_update().filter(phone=phone)
    if keep is not None:
        other = other.exclude(pk=keep.pk)
    holder = other.first()
    if holder is None:
        return
    if holder.contact_verified or holder.role != User.Role.RESIDENT:
        raise PhoneTaken(phone_taken_message())
    # An unverified account never proved it owns the number: the number goes to whoever can.
    holder.phone = None
    holder.save(update_fields=["phone"])
    record("account.phone.released", obj=holder, details={"reason": "unverified"})


# --- One-time codes -------------------------------------------------------------------------


# The helper's code has its own text: unlike the others it is meant to be read out to the
# helper, and it names who is asking.
CODE_TEMPLATES = {
    Purpose.VERIFY: "verification_code",
    Purpose.RESET: "password_reset",
    Purpose.ACT_FOR: "helper_access_code",
}


def _wait_message(seconds: int) -> str:
    if seconds >= 120:
        minutes = -(-seconds // 60)
        return ngettext(
            "Kode baru bisa diminta lagi dalam %(n)d menit.",
            "Kode baru bisa diminta lagi dalam %(n)d menit.",
            minutes,
        ) % {"n": minutes}
    return ngettext(
        "Kode baru bisa diminta lagi dalam %(n)d detik.",
        "Kode baru bisa diminta lagi dalam %(n)d detik.",
        seconds,
    ) % {"n": seconds}


@transaction.atomic
def issue_code(
    user: User,
    purpose: str,
    *,
    requested_by: User | None = None,
    enforce_limits: bool = True,
) -> OneTimeCode:
    """Sends a new 6-digit code (replacing any earlier one) within the resend limits.

    The limits are per account and purpose: one code per ACCOUNTS_CODE_RESEND_SECONDS and
    ACCOUNTS_CODE_MAX_PER_HOUR per hour. Every code costs an SMS or WhatsApp message, and
    each code allows only ACCOUNTS_CODE_MAX_ATTEMPTS guesses, so this also bounds guessing.
    """
    # Serialises concurrent requests for the same account so two cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    recent = OneTimeCode.objects.filter(user=user, purpose=purpose, created_at__gte=hour_ago)
    if enforce_limits:
        last = recent.order_by("-created_at").first()
        if last is not None:
            elapsed = (now - last.created_at).total_seconds()
            if elapsed < settings.ACCOUNTS_CODE_RESEND_SECONDS:
                wait = math.ceil(settings.ACCOUNTS_CODE_RESEND_SECONDS - elapsed)
                raise CodeRateLimited(_wait_message(wait), wait)
        if recent.count() >= settings.ACCOUNTS_CODE_MAX_PER_HOUR:
            oldest = recent.order_by("created_at").first()
            wait = math.ceil((oldest.created_at + dt.timedelta(hours=1) - now).total_seconds())
            raise CodeRateLimited(_wait_message(wait), wait)
    OneTimeCode.objects.filter(
        user=user, purpose=purpose, used_at__isnull=True, invalidated_at__isnull=True
    ).update(invalidated_at=now)

    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.ACCOUNTS_CODE_LIFETIME_MINUTES
    otc = OneTimeCode.objects.create(
        user=user,
        purpose=purpose,
        channel=user.preferred_channel,
        code_hash=OneTimeCode.hash_code(user.pk, purpose, code),
        requested_by=requested_by,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    context: dict[str, Any] = {"code": code, "minutes": minutes}
    if purpose == Purpose.ACT_FOR and requested_by is not None:
        context.update(
            helper=requested_by.get_full_name() or requested_by.get_username(),
            village=requested_by.village.name if requested_by.village else "",
        )
    # A sign-up code proves the number or address just typed, so it may only go there.
    addresses: dict[str, Any] = {}
    if purpose == Purpose.VERIFY:
        addresses = {
            "to_phone": str(user.phone) if user.phone else None,
            "to_email": user.email or None,
        }
    notify(
        template=CODE_TEMPLATES[purpose],
        context=context,
        user=user,
        channel=user.preferred_channel,
        **addresses,
    )
    return otc


class CodeResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    TOO_MANY = "too_many"
    MISSING = "missing"


@dataclass
class CodeCheck:
    result: CodeResult
    remaining: int = 0
    code: OneTimeCode | None = None

    @property
    def ok(self) -> bool:
        return self.result == CodeResult.OK

    @property
    def can_resend(self) -> bool:
        return self.result in {
            CodeResult.EXPIRED,
            CodeResult.TOO_MANY,
            CodeResult.MISSING,
            CodeResult.USED,
        }

    @property
    def message(self) -> str:
        if self.result == CodeResult.WRONG:
            return ngettext(
                "Kode salah. Sisa %(n)d kali percobaan.",
                "Kode salah. Sisa %(n)d kali percobaan.",
                self.remaining,
            ) % {"n": self.remaining}
        return {
            CodeResult.OK: _("Kode benar."),
            CodeResult.EXPIRED: _("Kode sudah kedaluwarsa. Minta kode baru."),
            CodeResult.USED: _("Kode ini sudah dipakai. Minta kode baru bila perlu."),
            CodeResult.TOO_MANY: _(
                "Terlalu banyak kode salah. Kode ini tidak berlaku lagi; minta kode baru."
            ),
            CodeResult.MISSING: _("Tidak ada kode yang berlaku. Minta kode baru."),
        }[self.result]


@transaction.atomic
def check_code(
    user: User, purpose: str, submitted: str, *, requested_by: User | None = None
) -> CodeCheck:
    """Checks and, when right, consumes the account's current code.

    Returns a result instead of raising, so that a wrong try is counted even though the
    caller reports an error (an exception would roll the count back).
    """
    now = timezone.now()
    digits = clean_number(submitted)
    submitted_hash = OneTimeCode.hash_code(user.pk, purpose, digits)
    codes = OneTimeCode.objects.filter(user=user, purpose=purpose)
    if purpose == Purpose.ACT_FOR:
        codes = codes.filter(requested_by=requested_by)
    active = (
        codes.select_for_update()
        .filter(used_at__isnull=True, invalidated_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    replay = codes.filter(code_hash=submitted_hash, used_at__isnull=False).exists()
    if active is None:
        return CodeCheck(CodeResult.USED if replay else CodeResult.MISSING)
    if active.is_expired(now):
        return CodeCheck(CodeResult.EXPIRED, code=active)
    if constant_time_compare(active.code_hash, submitted_hash):
        # Conditional update: of two simultaneous submissions only one consumes the code.
        if OneTimeCode.objects.filter(pk=active.pk, used_at__isnull=True).update(used_at=now):
            active.used_at = now
            return CodeCheck(CodeResult.OK, code=active)
        return CodeCheck(CodeResult.USED)
    OneTimeCode.objects.filter(pk=active.pk).update(attempts=F("attempts") + 1)
    active.refresh_from_db(fields=["attempts"])
    remaining = settings.ACCOUNTS_CODE_MAX_ATTEMPTS - active.attempts
    if remaining <= 0:
        OneTimeCode.objects.filter(pk=active.pk).update(invalidated_at=now)
        record("account.code.burned", obj=user, details={"purpose": purpose})
        return CodeCheck(CodeResult.TOO_MANY, code=active)
    if replay:
        return CodeCheck(CodeResult.USED, remaining=remaining, code=active)
    return CodeCheck(CodeResult.WRONG, remaining=remaining, code=active)


@transaction.atomic
def verify_account(user: User, code: str, *, ip_address: str | None = None) -> CodeCheck:
    """Sign-up verification: the right code makes the account usable."""
    check = check_code(user, Purpose.VERIFY, code)
    if check.ok:
        user.contact_verified = True
        user.save(update_fields=["contact_verified"])
        record(
            "account.verified",
            actor=user,
            obj=user,
            ip_address=ip_address,
            details={"channel": check.code.channel if check.code else ""},
        )
    return check


# --- Password reset ------------------------------------------------------------------------


def find_account(username: str) -> User | None:
    from .lockout import normalise_username

    return User.objects.filter(username=normalise_username(username), is_active=True).first()


@transaction.atomic
def request_password_reset(username: str, *, ip_address: str | None = None) -> bool:
    """Sends a reset code when the account exists and has a contact; True if one was sent.

    The caller shows the same answer either way, so the form does not reveal which NIKs
    have accounts; the rate limit is applied silently for the same reason.
    """
    user = find_account(username)
    if user is None or not (user.phone or user.email):
        return False
    try:
        issue_code(user, Purpose.RESET)
    except CodeRateLimited:
        return False
    record("account.password_reset.requested", actor=None, obj=user, ip_address=ip_address)
    return True


@transaction.atomic
def reset_password(
    username: str, code: str, new_password: str, *, ip_address: str | None = None
) -> CodeCheck:
    """Sets a new password after the reset code; all sessions of the account end."""
    user = find_account(username)
    if user is None:
        return CodeCheck(CodeResult.MISSING)
    check = check_code(user, Purpose.RESET, code)
    if not check.ok:
        return check
    user.set_password(new_password)
    # Receiving the code on the account's number proves the contact as well as sign-up does.
    if user.role == User.Role.RESIDENT:
        user.contact_verified = True
    # A new password already ends old sessions; a new token makes that explicit.
    user.session_token = new_session_token()
    user.save(update_fields=["password", "contact_verified", "session_token"])
    record("account.password.reset", actor=user, obj=user, ip_address=ip_address)

    from axes.utils import reset as axes_reset

    # The owner proved control of the account: let them in without waiting out a lockout.
    axes_reset(username=user.get_username())
    return check


# --- Sessions ------------------------------------------------------------------------------


@transaction.atomic
def sign_out_everywhere(user: User, *, actor: Any = None, ip_address: str | None = None) -> None:
    """Ends every session of `user`, on every device, including the caller's.

    Rotating User.session_token changes the session auth hash, so Django drops each session
    on its next request. Session rows are left to expire (clearsessions) rather than scanned:
    the database session store cannot look sessions up by user without decoding all of them.
    """
    user.rotate_session_token()
    record("account.signed_out_everywhere", actor=actor or user, obj=user, ip_address=ip_address)


# --- Profile, preferences, activity, export ------------------------------------------------


@transaction.atomic
def update_preferences(user: User, *, channel: str, language: str, actor: Any = None) -> None:
    if channel == User.Channel.EMAIL and not user.email:
        raise AccountError(_("Isi alamat e-mail dulu untuk memilih e-mail."))
    if channel in {User.Channel.WHATSAPP, User.Channel.SMS} and not user.phone:
        raise AccountError(_("Akun ini tidak punya nomor HP."))
    before = {"channel": user.preferred_channel, "language": user.preferred_language}
    user.preferred_channel = channel
    user.preferred_language = language
    user.save(update_fields=["preferred_channel", "preferred_language"])
    record(
        "account.preferences.changed",
        actor=actor or user,
        obj=user,
        details={"before": before, "after": {"channel": channel, "language": language}},
    )


def activity_for(user: User) -> QuerySet[AuditEntry]:
    """Audit entries by the user, on their behalf, or about their account or register data."""
    about = Q(object_type=User._meta.label_lower, object_id=str(user.pk))
    if user.resident_id:
        about |= Q(object_type=Resident._meta.label_lower, object_id=str(user.resident_id))
        if user.resident.family_id:
            about |= Q(object_type=Family._meta.label_lower, object_id=str(user.resident.family_id))
    return AuditEntry.objects.filter(Q(actor=user) | Q(on_behalf_of=user) | about).select_related(
        "actor"
    )


def action_labels() -> dict[str, str]:
    return {
        "account.registered": _("Pendaftaran akun"),
        "account.verified": _("Akun diverifikasi"),
        "account.signed_in": _("Masuk"),
        "account.signed_out": _("Keluar"),
        "account.signed_out_everywhere": _("Keluar dari semua perangkat"),
        "account.password_reset.requested": _("Permintaan kode atur ulang kata sandi"),
        "account.password.reset": _("Kata sandi diganti"),
        "account.preferences.changed": _("Pengaturan pemberitahuan diubah"),
        "account.data.exported": _("Data pribadi diunduh"),
        "account.profile.viewed": _("Profil dibuka"),
        "account.code.burned": _("Kode dibatalkan karena terlalu banyak salah"),
        "account.phone.released": _("Nomor HP dilepas dari akun yang belum diverifikasi"),
        "account.acting.requested": _("Pendamping desa meminta izin"),
        "account.acting.started": _("Pendamping desa mulai bertindak atas nama Anda"),
        "account.acting.stopped": _("Pendamping desa berhenti bertindak atas nama Anda"),
        "account.totp.enrolled": _("Autentikator dipasang"),
        "account.totp.verified": _("Verifikasi dua langkah"),
        "personal_data.read": _("Data Anda dibuka petugas"),
    }


def describe_entry(entry: AuditEntry, user: User) -> dict[str, Any]:
    """One line of the resident's activity page. Staff are named by role, not by name: the
    resident learns that and why Disdukcapil read their data; staff names stay internal."""
    actor = entry.actor
    if actor is None:
        who = _("Sistem")
    elif actor.pk == user.pk:
        who = _("Anda")
    elif actor.is_staff_member:
        who = _("Petugas Disdukcapil (%(role)s)") % {"role": actor.get_role_display()}
    else:
        who = actor.get_full_name() or actor.get_username()
    if entry.on_behalf_of_id == user.pk and actor is not None and actor.pk != user.pk:
        who = _("%(who)s atas nama Anda") % {"who": who}
    return {
        "at": entry.created_at,
        "label": action_labels().get(entry.action, entry.action),
        "who": who,
        "object": entry.object_label,
        "purpose": entry.purpose,
    }


def family_members(resident: Resident) -> list[Resident]:
    if not resident.family_id:
        return [resident]
    from paksemmok.population.services import living_members

    return living_members(resident.family)


def _resident_data(r: Resident) -> dict[str, Any]:
    return {
        "nik": r.nik,
        "full_name": r.full_name,
        "sex": r.get_sex_display(),
        "birth_place": r.birth_place,
        "birth_date": r.birth_date.isoformat(),
        "religion": r.get_religion_display(),
        "education": r.get_education_display(),
        "occupation": r.occupation,
        "marital_status": r.get_marital_status_display(),
        "citizenship": r.get_citizenship_display(),
        "father_name": r.father_name,
        "mother_name": r.mother_name,
        "address": r.address,
        "rt": r.rt,
        "rw": r.rw,
        "village": {"code": r.village.code, "name": r.village.name},
        "relationship": r.get_relationship_display(),
        "life_status": r.get_life_status_display(),
        "ektp_recording": r.get_ektp_recording_display(),
        "ektp_printed": r.ektp_printed,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def export_personal_data(user: User, *, ip_address: str | None = None) -> dict[str, Any]:
    """Everything held about the user (UU 27/2022 right of access), as JSON-ready data.

    Family members are listed as on the profile page (NIK masked): they are other people's
    personal data. Messages are listed without their text, which may hold one-time codes.
    """
    from paksemmok.notifications.models import Message

    data: dict[str, Any] = {
        "format": "paksemmok.personal-data.v1",
        "generated_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "full_name": user.get_full_name(),
            "role": user.get_role_display(),
            "phone": str(user.phone) if user.phone else "",
            "email": user.email,
            "preferred_channel": user.preferred_channel,
            "preferred_language": user.preferred_language,
            "contact_verified": user.contact_verified,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "register": None,
        "family": None,
    }
    resident = user.resident
    if resident is not None:
        data["register"] = _resident_data(resident)
        if resident.family_id:
            family = resident.family
            data["family"] = {
                "kk_number": family.kk_number,
                "address": family.address,
                "rt": family.rt,
                "rw": family.rw,
                "village": family.village.name,
                "members": [
                    {
                        "nik": m.nik if m.pk == resident.pk else mask_number(m.nik),
                        "full_name": m.full_name,
                        "relationship": m.get_relationship_display(),
                        "birth_date": m.birth_date.isoformat(),
                    }
                    for m in family_members(resident)
                ],
            }
    data["one_time_codes"] = [
        {
            "purpose": c.purpose,
            "channel": c.channel,
            "created_at": _iso(c.created_at),
            "used_at": _iso(c.used_at),
        }
        for c in user.one_time_codes.all()
    ]
    data["notifications"] = [
        {
            "template": m.template,
            "channel": m.channel,
            "status": m.status,
            "created_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in Message.objects.filter(user=user).order_by("created_at")
    ]
    data["activity"] = [
        {
            "at": _iso(e.created_at),
            "action": e.action,
            "by": e.actor_label,
            "on_behalf_of": e.on_behalf_of_id == user.pk,
            "object": e.object_label,
            "purpose": e.purpose,
        }
        for e in activity_for(user).order_by("created_at", "id")
    ]
    record("account.data.exported", actor=user, obj=user, ip_address=ip_address)
    return data


# --- Village helpers -------------------------------------------------------------------------


def acting_refused_message() -> str:
    return _(
        "Penduduk dengan NIK ini tidak ditemukan di desa Anda atau belum memiliki akun yang "
        "aktif. Bantu penduduk mendaftar dulu."
    )


@transaction.atomic
def request_acting_code(helper: User, nik: str, *, ip_address: str | None = None) -> User:
    """Sends the resident a code to give to the helper; returns the resident's account."""
    if helper.role != User.Role.HELPER or not helper.village_id:
        raise ActingRefused(_("Akun pendamping belum ditetapkan desanya. Hubungi admin."))
    account = (
        User.objects.select_related("resident")
        .filter(
            resident__nik=clean_number(nik),
            resident__village_id=helper.village_id,
            resident__life_status=Resident.LifeStatus.ALIVE,
            role=User.Role.RESIDENT,
            is_active=True,
            contact_verified=True,
        )
        .first()
    )
    if account is None:
        raise ActingRefused(acting_refused_message())
    issue_code(account, Purpose.ACT_FOR, requested_by=helper)
    record(
        "account.acting.requested",
        actor=helper,
        on_behalf_of=account,
        obj=account,
        ip_address=ip_address,
    )
    return account


@transaction.atomic
def confirm_acting(
    helper: User, account: User, code: str, *, ip_address: str | None = None
) -> CodeCheck:
    check = check_code(account, Purpose.ACT_FOR, code, requested_by=helper)
    if check.ok:
        record(
            "account.acting.started",
            actor=helper,
            on_behalf_of=account,
            obj=account,
            ip_address=ip_address,
            details={"minutes": settings.ACCOUNTS_ACTING_FOR_MINUTES},
        )
    return check
