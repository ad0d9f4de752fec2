"""One row of a register import (docs/register-import.md), checked by a Django form.

Each rule is a field or a `clean_<column>` method, so a row's checks read like any other form
of the site. What the whole file shares (the villages, today, the NIKs seen on earlier rows) is
handed in as a `RowContext`; checks across rows and against the database stay in
`register_import`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .identifiers import check_kk_number, check_nik, clean_number
from .models import (
    KK_MEMBER_COLUMNS,
    Citizenship,
    Education,
    MaritalStatus,
    Region,
    Relationship,
    Religion,
    Resident,
    Sex,
)

COLUMNS = [
    "kk_number",
    *KK_MEMBER_COLUMNS,
    "village_code",
    "address",
    "rt",
    "rw",
    "life_status",
    "ektp_recording",
    "ektp_printed",
]
OPTIONAL = {"father_name", "mother_name", "ektp_printed"}
FREE_TEXT = ["full_name", "birth_place", "occupation", "father_name", "mother_name", "address"]
_TRUE = {"ya", "y", "sudah", "true", "1"}
_FALSE = {"tidak", "t", "belum", "false", "0", ""}
_REQUIRED = {"required": gettext_lazy("Wajib diisi.")}
# Reported before a row's other problems, in column order: what is missing or too long.
_FIRST = {"required", "max_length"}


@functools.cache
def _choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Codes and Indonesian labels, lower-cased, to the code."""
    lookup: dict[str, str] = {}
    with translation.override("id"):
        for value, label in choices.choices:
            lookup[str(value).lower()] = value
            lookup[" ".join(str(label).lower().split())] = value
    return lookup


def _accepted(choices: type[TextChoices]) -> str:
    with translation.override("id"):
        return ", ".join(f"{value} ({label})" for value, label in choices.choices)


class _Shared:
    """A field that every row's form uses as it is. Django copies a form's fields for each
    instance so that one form may change its own; these are never changed, and copying about
    twenty fields for each of up to a million rows would take longer than the checks."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self


class CodeField(_Shared, forms.Field):
    """A choice written as its code or its Indonesian label, in any case and spacing."""

    def __init__(self, choices: type[TextChoices]) -> None:
        super().__init__(error_messages=_REQUIRED)
        self.choice_class = choices

    def clean(self, value: str) -> str:
        key = " ".join(value.lower().split())
        if not key:
            raise ValidationError(self.error_messages["required"], code="required")
        lookup = _choice_lookup(self.choice_class)
        if key not in lookup:
            raise ValidationError(
                _("Nilai '%(value)s' tidak dikenal. Pilihan: %(choices)s.")
                % {"value": value, "choices": _accepted(self.choice_class)},
                code="invalid_choice",
            )
        return lookup[key]


class TextField(_Shared, forms.CharField):
    """Free text: the length is checked as written, then runs of spaces become one."""

    def __init__(self, column: str, *, required: bool = True) -> None:
        super().__init__(required=required, error_messages=_REQUIRED)
        self.limit = Resident._meta.get_field(column).max_length

    def validate(self, value: str) -> None:
        super().validate(value)
        if len(value) > self.limit:
            raise ValidationError(
                _("Terlalu panjang (maksimal %(max)s karakter).") % {"max": self.limit},
                code="max_length",
            )

    def clean(self, value: str) -> str:
        return " ".join(super().clean(value).split())


class PlainField(_Shared, forms.CharField):
    """Checked by the form's `clean_<column>`."""

    def __init__(self, *, required: bool = True) -> None:
        super().__init__(required=required, error_messages=_REQUIRED)


@dataclass
class RowContext:
    """What every row of one file is checked against."""

    villages: dict[str, Region]
    today: dt.date
    # NIK -> the line that has it first: a second row with the same NIK is an error.
    nik_lines: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, today: dt.date) -> RowContext:
        villages = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent")
        return cls({r.code: r for r in villages}, today)


class RowForm(forms.Form):
    """The fields are declared in the order their checks run: the NIK is compared with the
    sex and birth date, so those come first."""

    sex = CodeField(Sex)
    religion = CodeField(Religion)
    education = CodeField(Education)
    marital_status = CodeField(MaritalStatus)
    relationship = CodeField(Relationship)
    citizenship = CodeField(Citizenship)
    life_status = CodeField(Resident.LifeStatus)
    ektp_recording = CodeField(Resident.Recording)
    birth_date = PlainField()
    nik = PlainField()
    kk_number = PlainField()
    village_code = PlainField()
    rt = PlainField()
    rw = PlainField()
    ektp_printed = PlainField(required=False)
    full_name = TextField("full_name")
    birth_place = TextField("birth_place")
    occupation = TextField("occupation")
    father_name = TextField("father_name", required=False)
    mother_name = TextField("mother_name", required=False)
    address = TextField("address")

    def __init__(self, row: dict[str, str], line: int, context: RowContext) -> None:
        super().__init__(data=row)
        self.line, self.context = line, context
        # The date as written, when it is a date at all: the NIK is compared with it even
        # when it is out of range, so staff see both problems at once.
        self.written_birth_date: dt.date | None = None
        self.warnings: list[tuple[str, str]] = []

    def clean_birth_date(self) -> dt.date:
        text = self.cleaned_data["birth_date"]
        try:
            if len(text) != 10:
                raise ValueError
            date = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _("Tanggal harus berformat TTTT-BB-HH, misalnya 1990-05-17."), code="format"
            ) from None
        self.written_birth_date = date
        if date > self.context.today:
            raise ValidationError(_("Tanggal lahir di masa depan."), code="future")
        if date.year < 1900:
            raise ValidationError(_("Tanggal lahir sebelum tahun 1900."), code="too_old")
        return date

    def clean_nik(self) -> str:
        text = self.cleaned_data["nik"]
        check = check_nik(
            text, birth_date=self.written_birth_date, sex=self.cleaned_data.get("sex")
        )
        self.warnings += [("nik", message) for message in check.warnings]
        if check.errors:
            raise ValidationError([ValidationError(m, code="nik") for m in check.errors])
        nik = clean_number(text)
        first = self.context.nik_lines.setdefault(nik, self.line)
        if first != self.line:
            raise ValidationError(
                _("NIK sama dengan baris %(line)s.") % {"line": first}, code="duplicate"
            )
        return nik

    def clean_kk_number(self) -> str:
        text = self.cleaned_data["kk_number"]
        check = check_kk_number(text, regency_code=settings.REGENCY_CODE)
        self.warnings += [("kk_number", message) for message in check.warnings]
        if check.errors:
            raise ValidationError([ValidationError(m, code="kk_number") for m in check.errors])
        return clean_number(text)

    def clean_village_code(self) -> Region:
        code = self.cleaned_data["village_code"]
        village = self.context.villages.get(code)
        if village is None:
            raise ValidationError(
                _("Kode desa/kelurahan '%(code)s' tidak dikenal; impor wilayah dulu.")
                % {"code": code},
                code="unknown_village",
            )
        return village

    def _rt_rw(self, column: str) -> str:
        value = self.cleaned_data[column]
        if not (value.isdigit() and len(value) <= 3):
            raise ValidationError(_("Harus berupa angka, paling banyak 3 digit."), code="digits")
        return value.zfill(3)

    def clean_rt(self) -> str:
        return self._rt_rw("rt")

    def clean_rw(self) -> str:
        return self._rt_rw("rw")

    def clean_ektp_printed(self) -> bool:
        value = self.cleaned_data["ektp_printed"].lower()
        if value not in _TRUE | _FALSE:
            raise ValidationError(_("Isi 'ya' atau 'tidak'."), code="yes_no")
        return value in _TRUE

    def problems(self) -> Iterator[tuple[str, str]]:
        """(column, message): what is missing or too long first, in column order, then the
        other checks in the order they run."""
        errors = self.errors.as_data()
        for column in COLUMNS:
            for error in errors.get(column, []):
                if error.code in _FIRST:
                    yield column, error.messages[0]
        for column in self.fields:
            for error in errors.get(column, []):
                if error.code not in _FIRST:
                    yield column, error.messages[0]

    def row(self) -> dict[str, Any]:
        """The row as loaded. Values that failed a check are kept in their tidied form too,
        for the checks across rows (one head per KK, the head's address, the database)."""
        raw = self.data
        out: dict[str, Any] = {
            "line": self.line,
            "birth_date": self.written_birth_date,
            "nik": clean_number(raw["nik"]),
            "kk_number": clean_number(raw["kk_number"]),
            "rt": raw["rt"].zfill(3),
            "rw": raw["rw"].zfill(3),
            "ektp_printed": raw["ektp_printed"].lower() in _TRUE,
            **{column: " ".join(raw[column].split()) for column in FREE_TEXT},
            **self.cleaned_data,
        }
        out["village"] = out.pop("village_code", None)
        return out
