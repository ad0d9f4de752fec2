"""A village helper asks a resident for a code to act for them (the assisted channel).

The session side (who the helper is acting for, until when) is in `accounts.acting`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.population.identifiers import clean_number
from paksemmok.population.models import Resident

from ..errors import ActingRefused
from ..models import OneTimeCode, User
from .codes import CodeCheck, check_code, issue_code

Purpose = OneTimeCode.Purpose


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
