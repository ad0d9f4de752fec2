"""NIK and No. KK rules, shared by forms, the API, imports and generators.

Structure is validated strictly. A mismatch between what a NIK encodes and what the register
says (birth date, sex, kecamatan) is only a warning: a NIK never changes, not when a person
moves nor when a birth date or sex is corrected (domain.md, "Identifiers").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from lokal import parse_nik

from paksemmok.audit.masking import SEPARATORS

_DIGITS16 = re.compile(r"[0-9]{16}")


@dataclass
class IdentifierCheck:
    value: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def clean_number(raw: str) -> str:
    """Strips the spaces, dots and dashes people type or print inside a NIK or No. KK."""
    return SEPARATORS.sub("", str(raw or ""))


def nik_birth_part(birth_date: dt.date, sex: str) -> str:
    """The DDMMYY block of a NIK: women's day of birth is raised by 40."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def check_nik(
    raw: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    reference_date: dt.date | None = None,
) -> IdentifierCheck:
    """Checks a NIK's structure; with register data, also notes (as warnings) what disagrees."""
    value = clean_number(raw)
    result = IdentifierCheck(value=value)
    if not _DIGITS16.fullmatch(value):
        result.errors.append(_("NIK harus terdiri dari 16 digit angka."))
        return result
    info = parse_nik(value, reference_date=reference_date or timezone.localdate())
    for issue in info.errors:
        result.errors.append(_nik_error_message(issue.code, value))
    if result.errors:
        return result
    regency = int(value[2:4])
    if regency == 0 or regency == 70:
        result.errors.append(_("Kode kabupaten/kota pada NIK tidak valid."))
        return result
    if sex and info.gender and sex != info.gender:
        result.warnings.append(
            _("Jenis kelamin di register berbeda dengan yang tersirat dalam NIK.")
        )
    if birth_date and value[6:12] != nik_birth_part(birth_date, sex or info.gender or "L"):
        result.warnings.append(
            _("Tanggal lahir di register berbeda dengan yang tersirat dalam NIK.")
        )
    return result


def _nik_error_message(code: str, value: str) -> str:
    messages = {
        "province": _("Kode provinsi %(code)s pada NIK tidak dikenal.") % {"code": value[:2]},
        "wilayah": _("Kode kabupaten/kota dan kecamatan pada NIK tidak boleh 00."),
        "birth_date": _("Tanggal lahir yang tersirat dalam NIK tidak valid."),
        "serial": _("Nomor urut NIK tidak boleh 0000."),
    }
    return messages.get(code, _("NIK tidak valid."))


def check_kk_number(raw: str, *, regency_code: str | None = None) -> IdentifierCheck:
    """Checks a No. KK: 16 digits, the first six a real kecamatan code.

    The split of the last ten digits is not confirmed (domain.md), so only the region part and
    a non-zero serial are enforced. A KK from outside the regency is a warning, not an error.
    """
    value = clean_number(raw)
    result = IdentifierCheck(value=value)
    if not _DIGITS16.fullmatch(value):
        result.errors.append(_("Nomor KK harus terdiri dari 16 digit angka."))
        return result
    from lokal import PROVINCES

    if value[:2] not in PROVINCES:
        result.errors.append(_("Kode provinsi pada nomor KK tidak dikenal."))
    elif value[2:4] == "00" or value[4:6] == "00":
        result.errors.append(_("Kode wilayah pada nomor KK tidak boleh 00."))
    elif value[12:] == "0000":
        result.errors.append(_("Nomor urut pada nomor KK tidak boleh 0000."))
    if not result.errors and regency_code and value[:4] != regency_code.replace(".", ""):
        result.warnings.append(_("Nomor KK tidak diterbitkan di kabupaten ini."))
    return result


def validate_nik(value: str) -> None:
    """Model and form field validator (structure only)."""
    check = check_nik(value)
    if not check.valid:
        raise ValidationError(check.errors, code="invalid_nik")


def validate_kk_number(value: str) -> None:
    check = check_kk_number(value)
    if not check.valid:
        raise ValidationError(check.errors, code="invalid_kk")
