"""The form fields a variant may ask for.

A variant lists field codes (data an admin edits); what a code means (its type, label,
choices, where its pre-filled value comes from) lives here, in code, because a field's type
decides how it is validated and how staff later apply it to the register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from paksemmok.population.identifiers import check_kk_number, check_nik, clean_number
from paksemmok.population.kinship import spouses
from paksemmok.population.models import Relationship, Resident, Sex

# The KK fields a resident may ask to change (Permendagri 108/2019 Pasal 15). The NIK stays.
CHANGEABLE_FIELDS = [
    ("full_name", _("Nama")),
    ("sex", _("Jenis kelamin")),
    ("birth_place", _("Tempat lahir")),
    ("birth_date", _("Tanggal lahir")),
    ("religion", _("Agama/kepercayaan")),
    ("education", _("Pendidikan")),
    ("occupation", _("Pekerjaan")),
    ("marital_status", _("Status perkawinan")),
    ("relationship", _("Hubungan dalam keluarga")),
    ("citizenship", _("Kewarganegaraan")),
    ("father_name", _("Nama ayah")),
    ("mother_name", _("Nama ibu")),
    ("address", _("Alamat")),
]
PICKUP_PLACES = [
    ("dinas", _("Kantor Disdukcapil Kabupaten Kudus")),
    ("kecamatan", _("Kantor kecamatan tempat tinggal")),
]
LOST_OR_DAMAGED = [("hilang", _("Hilang")), ("rusak", _("Rusak"))]


@dataclass(frozen=True)
class Prefill:
    """What a pre-filled value may read: the person the application is about (None for a
    newborn), their family (KK) and the applicant's own register record."""

    subject: Resident | None
    family: Any
    applicant: Resident | None


def _parent(role: str) -> Callable[[Prefill], str]:
    """The child's father or mother as the applicant knows them: the applicant, and the
    applicant's spouse on the KK (population.kinship.spouses). Never the KK's head and wife as
    such: a young couple (married or not yet recorded) on her parents' KK would be given the
    grandparents. Left empty when the spouse is not on the KK (the resident types the NIK)."""
    sex = Sex.MALE if role == "father" else Sex.FEMALE

    def get(p: Prefill) -> str:
        me = p.applicant
        if me is None or not me.is_alive:
            return ""
        if me.sex == sex:
            return me.nik
        if me.family_id is None:
            return ""
        members = list(me.family.members.filter(life_status=Resident.LifeStatus.ALIVE))
        spouse = next((m for m in spouses(me, members) if m.sex == sex), None)
        return spouse.nik if spouse else ""

    return get


@dataclass(frozen=True)
class FieldDef:
    code: str
    label: Any
    kind: str  # text, textarea, date, nik, kk, choice, bool
    help_text: Any = ""
    choices: list[tuple[str, Any]] = field(default_factory=list)
    # Needed at submission (drafts may be incomplete). Booleans are never "required".
    required: bool = True
    prefill: Callable[[Prefill], Any] | None = None

    def form_field(self) -> forms.Field:
        # Drafts are saved half-filled, so no form field is required here: completeness is a
        # submission check (checks.py) whose message sits next to the field.
        common = {"label": self.label, "help_text": self.help_text, "required": False}
        if self.kind == "textarea":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), max_length=500, **common
            )
        if self.kind == "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if self.kind in ("nik", "kk"):
            return IdentifierField(self.kind, **common)
        if self.kind == "choice":
            return forms.ChoiceField(choices=[("", "—"), *self.choices], **common)
        if self.kind == "bool":
            return forms.BooleanField(**common)
        return forms.CharField(max_length=200, **common)

    def to_json(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        return value if value is not None else ""

    def display(self, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if self.kind == "bool":
            return str(_("Ya") if value else _("Tidak"))
        if self.kind == "choice":
            return str(dict(self.choices).get(value, value))
        if self.kind == "date":
            try:
                return dt.date.fromisoformat(value).strftime("%d-%m-%Y")
            except (TypeError, ValueError):
                return str(value)
        return str(value)


class IdentifierField(forms.CharField):
    """A NIK or No. KK: typed with spaces or dots allowed, stored as 16 digits, structure
    checked at once so the mistake is shown next to the field while the resident types."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        value = clean_number(super().clean(value))
        if not value:
            return ""
        check = check_nik(value) if self.kind == "nik" else check_kk_number(value)
        if not check.valid:
            raise forms.ValidationError(check.errors)
        return check.value


def _subject_attr(name: str) -> Callable[[Prefill], Any]:
    return lambda p: getattr(p.subject, name, "") if p.subject else ""


def _family_attr(name: str) -> Callable[[Prefill], Any]:
    return lambda p: getattr(p.family, name, "") if p.family else ""


FIELDS: dict[str, FieldDef] = {
    f.code: f
    for f in [
        FieldDef("spouse_nik", _("NIK suami/istri"), "nik"),
        FieldDef("marriage_date", _("Tanggal perkawinan"), "date"),
        FieldDef(
            "unregistered_marriage",
            _("Perkawinan belum tercatat"),
            "bool",
            required=False,
            help_text=_("Centang bila perkawinan belum tercatat; unggah SPTJM (F-1.05)."),
        ),
        FieldDef("address", _("Alamat"), "text", prefill=_family_attr("address")),
        FieldDef("rt", _("RT"), "text", prefill=_family_attr("rt")),
        FieldDef("rw", _("RW"), "text", prefill=_family_attr("rw")),
        FieldDef(
            "new_head_nik", _("NIK kepala keluarga baru"), "nik", prefill=_subject_attr("nik")
        ),
        FieldDef("reason", _("Alasan"), "textarea"),
        FieldDef("changed_field", _("Data yang diubah"), "choice", choices=CHANGEABLE_FIELDS),
        FieldDef("new_value", _("Data yang benar"), "text"),
        FieldDef("lost_or_damaged", _("Hilang atau rusak"), "choice", choices=LOST_OR_DAMAGED),
        FieldDef(
            "police_report_number", _("Nomor surat keterangan kehilangan"), "text", required=False
        ),
        FieldDef(
            "pickup_place",
            _("Tempat pengambilan kartu"),
            "choice",
            choices=PICKUP_PLACES,
            help_text=_("Kartu hanya dapat diambil sendiri dengan verifikasi sidik jari."),
        ),
        FieldDef("child_name", _("Nama anak"), "text"),
        FieldDef("child_sex", _("Jenis kelamin anak"), "choice", choices=list(Sex.choices)),
        FieldDef("child_birth_date", _("Tanggal lahir anak"), "date"),
        FieldDef("child_birth_place", _("Tempat lahir anak"), "text"),
        FieldDef(
            "child_relationship",
            _("Hubungan dalam keluarga"),
            "choice",
            choices=[
                (Relationship.CHILD, Relationship.CHILD.label),
                (Relationship.GRANDCHILD, Relationship.GRANDCHILD.label),
                (Relationship.OTHER_FAMILY, Relationship.OTHER_FAMILY.label),
            ],
            prefill=lambda p: Relationship.CHILD,
        ),
        FieldDef("father_nik", _("NIK ayah"), "nik", required=False, prefill=_parent("father")),
        FieldDef("mother_nik", _("NIK ibu"), "nik", prefill=_parent("mother")),
        FieldDef(
            "no_birth_letter",
            _("Tidak ada surat keterangan lahir"),
            "bool",
            required=False,
            help_text=_(
                "Centang bila tidak ada; unggah SPTJM kebenaran data kelahiran "
                "(F-2.03) dengan dua saksi."
            ),
        ),
        FieldDef(
            "no_marriage_certificate",
            _("Tidak ada buku nikah/akta perkawinan"),
            "bool",
            required=False,
            help_text=_(
                "Centang bila KK mencatat orang tua sebagai suami istri tetapi tidak "
                "ada buku nikah; unggah SPTJM (F-2.04)."
            ),
        ),
        FieldDef("witness1_nik", _("NIK saksi 1"), "nik", required=False),
        FieldDef("witness2_nik", _("NIK saksi 2"), "nik", required=False),
        FieldDef("death_date", _("Tanggal meninggal"), "date"),
        FieldDef("death_place", _("Tempat meninggal"), "text"),
        FieldDef("death_cause", _("Sebab meninggal"), "text", required=False),
    ]
}


def field_defs(codes: list[str]) -> list[FieldDef]:
    """The definitions for a variant's field codes, skipping codes no longer known."""
    return [FIELDS[code] for code in codes if code in FIELDS]
