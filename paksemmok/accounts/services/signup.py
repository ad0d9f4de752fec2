"""Sign-up: matching the register, creating the unverified account, verifying it.

Each function runs in one transaction, writes its audit entry, and queues its notification
through `notify()`, which writes the outbox row in the same transaction: a rolled-back
sign-up sends no code, a committed one never loses it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.population.identifiers import clean_number
from paksemmok.population.models import Resident

from ..errors import AlreadyRegistered, PhoneTaken, RegisterMismatch
from ..models import OneTimeCode, User
from .codes import CodeCheck, check_code, issue_code

Purpose = OneTimeCode.Purpose


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
