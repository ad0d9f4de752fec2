"""One-time codes: issuing within the resend limits, checking and consuming them."""

from __future__ import annotations

import datetime as dt
import enum
import math
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from paksemmok.audit.log import record
from paksemmok.notifications.services import notify
from paksemmok.population.identifiers import clean_number

from ..errors import CodeRateLimited
from ..models import OneTimeCode, User

Purpose = OneTimeCode.Purpose


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
    user: User,
    purpose: str,
    submitted: str,
    *,
    requested_by: User | None = None,
    max_attempts: int | None = None,
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
    remaining = (max_attempts or settings.ACCOUNTS_CODE_MAX_ATTEMPTS) - active.attempts
    if remaining <= 0:
        OneTimeCode.objects.filter(pk=active.pk).update(invalidated_at=now)
        record("account.code.burned", obj=user, details={"purpose": purpose})
        return CodeCheck(CodeResult.TOO_MANY, code=active)
    if replay:
        return CodeCheck(CodeResult.USED, remaining=remaining, code=active)
    return CodeCheck(CodeResult.WRONG, remaining=remaining, code=active)
