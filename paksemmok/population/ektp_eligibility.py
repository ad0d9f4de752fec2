"""Who must (and may) book perekaman, and who may apply for an e-KTP print online.

Register rules, used by the applications (the e-KTP print) and appointments (perekaman).
`old_enough_on` is the one definition of the e-KTP age rule (17+, or married or ever married);
the application rules (applications/rules.py: `ektp.too_young`, `split.not_adult`) call it
too. The rules for applying online live there; when a resident is not yet recorded they link
to `reverse("appointments:start")`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MaritalStatus, Resident


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    code: str  # "ok", "recorded", "deceased", "moved", "too_young"
    message: str

    def __bool__(self) -> bool:
        return self.ok


def old_enough_on(resident: Resident, day: dt.date) -> bool:
    """UU 24/2013: an e-KTP is for residents 17 or older, or married or ever married."""
    return (
        resident.marital_status != MaritalStatus.SINGLE
        or resident.age_on(day) >= settings.APPOINTMENTS_MIN_AGE
    )


def perekaman_eligibility(resident: Resident, *, on: dt.date | None = None) -> Eligibility:
    """Whether `resident` may book perekaman for a slot on `on` (default: today)."""
    on = on or timezone.localdate()
    if resident.is_recorded:
        return Eligibility(
            False,
            "recorded",
            _(
                "Data e-KTP Anda sudah terekam. Anda tidak perlu perekaman lagi dan dapat "
                "langsung mengajukan cetak e-KTP secara daring."
            ),
        )
    if resident.life_status == Resident.LifeStatus.DECEASED:
        return Eligibility(False, "deceased", _("Penduduk ini tercatat sudah meninggal."))
    if resident.life_status != Resident.LifeStatus.ALIVE:
        return Eligibility(False, "moved", _("Penduduk ini tercatat sudah pindah keluar daerah."))
    if not old_enough_on(resident, on):
        return Eligibility(
            False,
            "too_young",
            _(
                "Perekaman e-KTP untuk penduduk berusia %(age)s tahun ke atas atau yang sudah/pernah "  # noqa: E501
                "menikah. Pada %(date)s usia Anda belum %(age)s tahun."
            )
            % {"age": settings.APPOINTMENTS_MIN_AGE, "date": on.strftime("%d-%m-%Y")},
        )
    return Eligibility(True, "ok", "")


def is_eligible_for_perekaman(resident: Resident, *, on: dt.date | None = None) -> bool:
    return perekaman_eligibility(resident, on=on).ok


def ektp_online_status(resident: Resident) -> Eligibility:
    """Whether `resident` can apply for an e-KTP print online: only after perekaman."""
    if resident.life_status != Resident.LifeStatus.ALIVE:
        return Eligibility(False, "not_alive", _("Penduduk ini tidak berstatus hidup."))
    if resident.is_recorded:
        return Eligibility(True, "ok", "")
    if not old_enough_on(resident, timezone.localdate()):
        return Eligibility(False, "too_young", _("Belum memenuhi syarat usia e-KTP."))
    return Eligibility(
        False,
        "not_recorded",
        _("Anda belum melakukan perekaman e-KTP. Buat janji perekaman terlebih dahulu."),
    )
