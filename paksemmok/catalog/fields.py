"""The form fields a variant may ask for.

A variant lists field codes (data an admin edits); what a code means (its type, label,
choices, where its pre-filled value comes from) lives here, in code, because a field's type
decides how it is validated and how staff later apply it to the register.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


# One KK data-change application carries several changes (issue 15): "changes" is a list of
# {"member": NIK ("" = the application's subject), "field": CHANGEABLE_FIELDS code, "value"}.
# Applications saved before hold one change as "changed_field"/"new_value" (the e-KTP change
# still does); kk_changes reads both shapes, so stored answers need no migration.
MAX_CHANGES = len(CHANGEABLE_FIELDS) * 3


def kk_changes(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The changes an application asks for, in either stored shape."""
    rows = data.get("changes")
    if isinstance(rows, list) and rows:
        return [
            {
                "member": str(r.get("member") or ""),
                "field": str(r.get("field") or ""),
                "value": str(r.get("value") or ""),
            }
            for r in rows
            if isinstance(r, Mapping)
        ]
    if data.get("changed_field"):
        return [
            {
                "member": "",
                "field": str(data["changed_field"]),
                "value": str(data.get("new_value") or ""),
            }
        ]
    return []


def _iso_date(value: str) -> str | None:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


class ChangesWidget(forms.Widget):
    """Rows of (member, field, new value): the stored changes and one empty row to add
    another; "Simpan draf" adds the next empty row. A row with no field is dropped.
    The API sends the list itself as JSON under the field's own name."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.members: list[tuple[str, str]] = []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            try:
                return json.loads(data[name])
            except (TypeError, ValueError):
                return data[name]
        rows = []
        for i in range(MAX_CHANGES + 1):
            if f"{name}-{i}-field" not in data:
                break
            rows.append({k: data.get(f"{name}-{i}-{k}", "") for k in ("member", "field", "value")})
        return rows

    def id_for_label(self, id_: str) -> str:
        # The field's label leads to the first row's first control.
        return f"{id_}-0-member" if id_ else ""

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}-0-field" not in data

    def _select(self, name: str, options: list[tuple[str, Any]], chosen: str, extra: str) -> Any:
        return format_html(
            '<select name="{}" id="id_{}"{}>{}</select>',
            name,
            name,
            mark_safe(extra),  # noqa: S308 - one of two fixed attribute strings
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, " selected" if v == chosen else "", label) for v, label in options),
            ),
        )

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None):
        rows = kk_changes({"changes": value}) if isinstance(value, list) else []
        attrs = {**self.attrs, **(attrs or {})}
        disabled = " disabled" if attrs.get("disabled") else ""
        affects = ' data-affects-slots="1"' if attrs.get("data-affects-slots") else ""
        if not disabled:
            rows.append({"member": "", "field": "", "value": ""})
        members = [("", _("Orang yang dimohonkan")), *self.members]
        fields = [("", "—"), *CHANGEABLE_FIELDS]
        parts = []
        for i, row in enumerate(rows):
            prefix = f"{name}-{i}"
            parts.append(
                format_html(
                    '<fieldset class="app-change" data-testid="change-{}"><legend>{}</legend>'
                    '<div class="field"><label for="id_{}-member">{}</label>{}</div>'
                    '<div class="field"><label for="id_{}-field">{}</label>{}</div>'
                    '<div class="field"><label for="id_{}-value">{}</label>'
                    '<input type="text" name="{}-value" id="id_{}-value" value="{}" '
                    'maxlength="200"{}></div></fieldset>',
                    i + 1,
                    _("Perubahan %(n)s") % {"n": i + 1},
                    prefix,
                    _("Anggota KK"),
                    self._select(f"{prefix}-member", members, row["member"], disabled),
                    prefix,
                    _("Data yang diubah"),
                    # Which field changes may decide the documents asked for: the page
                    # reloads its upload slots after saving (static/js/applications.js).
                    self._select(f"{prefix}-field", fields, row["field"], disabled + affects),
                    prefix,
                    _("Data yang benar"),
                    prefix,
                    prefix,
                    row["value"],
                    disabled,
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))


def _labels(code: str) -> list[Any]:
    return [label for _v, label in Resident._meta.get_field(code).choices or []]


def _register_choices(code: str) -> dict[str, str]:
    """A coded register field's values by code and by label (lower case), to the code."""
    choices = Resident._meta.get_field(code).choices or []
    return {
        **{str(v).lower(): str(v) for v, _label in choices},
        **{str(label).lower(): str(v) for v, label in choices},
    }


class ChangesField(forms.Field):
    """Cleans the rows: drops empty ones, checks the field codes and the NIK's shape, and
    writes dates as ISO. Whether the member is on the KK and whether a field is changed
    twice are register rules (applications.rules, change.*), checked at submission."""

    widget = ChangesWidget

    def to_python(self, value: Any) -> list[dict[str, str]]:
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise forms.ValidationError(_("Daftar perubahan tidak valid."))
        if len(value) > MAX_CHANGES:
            raise forms.ValidationError(_("Terlalu banyak perubahan dalam satu permohonan."))
        known = dict(CHANGEABLE_FIELDS)
        rows, errors = [], []
        for i, row in enumerate(kk_changes({"changes": value}), start=1):
            member, code = clean_number(row["member"]), row["field"]
            text = " ".join(row["value"].split())
            if not code and not text:
                continue
            if code not in known:
                errors.append(_("Perubahan %(n)s: pilih data yang diubah.") % {"n": i})
                continue
            if member and not check_nik(member).valid:
                errors.append(_("Perubahan %(n)s: NIK anggota tidak valid.") % {"n": i})
                continue
            choices = _register_choices(code)
            if choices and text:
                chosen = choices.get(text.lower())
                if chosen is None:
                    errors.append(
                        _("Perubahan %(n)s: pilih salah satu: %(options)s.")
                        % {"n": i, "options": ", ".join(str(v) for v in _labels(code))}
                    )
                    continue
                text = chosen
            if code == "birth_date" and text:
                iso = _iso_date(text)
                if iso is None:
                    errors.append(
                        _("Perubahan %(n)s: tulis tanggal sebagai HH-BB-TTTT.") % {"n": i}
                    )
                    continue
                text = iso
            rows.append({"member": member, "field": code, "value": text})
        if errors:
            raise forms.ValidationError(errors)
        return rows


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
        if self.kind == "changes":
            return ChangesField(**common)
        return forms.CharField(max_length=200, **common)

    def read(self, data: Mapping[str, Any]) -> Any:
        """This field's stored answer (a KK change also in its older one-change shape)."""
        if self.kind == "changes":
            return kk_changes(data)
        return data.get(self.code)

    def to_json(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        return value if value is not None else ""

    def display(self, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if self.kind == "changes":
            return changes_text(describe_changes(value))
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
        FieldDef(
            "changes",
            _("Perubahan data"),
            "changes",
            help_text=_(
                "Satu baris untuk setiap data yang diubah, boleh untuk beberapa anggota KK. "
                "Tanggal ditulis HH-BB-TTTT. Perlu baris lagi? Tekan “Simpan draf”."
            ),
        ),
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


def register_value(person: Resident | None, field_code: str) -> str:
    """A resident's current value of a changeable field, as a person reads it."""
    if person is None or field_code not in dict(CHANGEABLE_FIELDS):
        return ""
    display = getattr(person, f"get_{field_code}_display", None)
    value = display() if callable(display) else getattr(person, field_code, "")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return "" if value is None else str(value)


def describe_changes(
    changes: list[dict[str, str]], subject: Resident | None = None
) -> list[dict[str, Any]]:
    """Each change itemised for people: whose, which field, the register's value and the new
    one (review pages, the staff API, the confirmation before approval)."""
    niks = {c["member"] for c in changes if c["member"]}
    people = {r.nik: r for r in Resident.objects.filter(nik__in=niks)} if niks else {}
    labels = dict(CHANGEABLE_FIELDS)
    rows = []
    for c in changes:
        person = people.get(c["member"]) if c["member"] else subject
        new = c["value"]
        if c["field"] in labels and (choices := Resident._meta.get_field(c["field"]).choices):
            new = str(dict(choices).get(new, new))
        if c["field"] == "birth_date" and (iso := _iso_date(new)):
            new = dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
        old = register_value(person, c["field"])
        rows.append(
            {
                "member": person.nik if person else c["member"],
                "member_name": person.full_name
                if person
                else (c["member"] or str(_("orang yang dimohonkan"))),
                "field": c["field"],
                "label": str(labels.get(c["field"], c["field"])),
                "old": old,
                "new": new,
                "differs": old.strip().lower() != new.strip().lower(),
            }
        )
    return rows


def changes_text(items: list[dict[str, Any]]) -> str:
    """describe_changes' rows in one line: "Name: field → new value; ..."."""
    return "; ".join(f"{c['member_name']}: {c['label']} → {c['new']}" for c in items) or "—"
