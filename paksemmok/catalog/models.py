"""The catalogue: services, their variants and what each variant requires.

All of it is data an admin edits (shipped by migration 0002 from domain.md). Code only knows
the meaning of form-field codes (fields.py), eligibility rule codes (applications/rules.py)
and condition expressions (Requirement.applies).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from paksemmok.db import ChoiceLabels

from .fields import CHANGEABLE_FIELDS, FIELDS

ELIGIBILITY_RULES = {
    "member_alive": _("Orang yang dimohonkan tercatat hidup di KK pemohon"),
    "ektp_recorded": _("Sudah perekaman e-KTP"),
    "ektp_age": _("Berusia 17 tahun atau sudah/pernah kawin"),
    "kia_under_5": _("Anak berusia di bawah 5 tahun"),
    "kia_5_to_17": _("Anak berusia 5 tahun sampai 17 tahun kurang satu hari"),
    "newborn": _("Anak yang belum terdaftar di KK"),
}
# Answers computed from the form rather than typed; conditions may use them too.
# `changes_<field>`: a KK change's rows change that field, so the catalogue can ask for that
# change's own evidence (an ijazah for education...), issue 15.
COMPUTED_CONDITIONS = {"late_death_report"} | {
    f"changes_{code}" for code, _label in CHANGEABLE_FIELDS
}
FILE_KINDS = {"image": _("foto (JPG/PNG)"), "pdf": _("PDF")}


@deconstructible
class CodeListValidator:
    """A JSON list whose items are all known codes (field codes, rule codes, file kinds)."""

    registries = {"fields": FIELDS, "rules": ELIGIBILITY_RULES, "kinds": FILE_KINDS}

    def __init__(self, registry: str) -> None:
        self.registry = registry

    def __call__(self, value: object) -> None:
        known = self.registries[self.registry]
        if not isinstance(value, list) or any(v not in known for v in value):
            raise ValidationError(
                _("Isi dengan daftar kode yang dikenal: %(codes)s")
                % {"codes": ", ".join(sorted(known))}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.registry == self.registry


validate_field_codes = CodeListValidator("fields")
validate_rule_codes = CodeListValidator("rules")
validate_file_kinds = CodeListValidator("kinds")


class Output(models.TextChoices):
    DOCUMENT = "document", _("Dokumen (PDF bertanda tangan elektronik)")
    CARD = "card", _("Kartu (diambil sendiri)")


class Service(models.Model):
    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=80)
    description = models.TextField(_("keterangan"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")

    def __str__(self) -> str:
        return self.name


class Variant(ChoiceLabels, models.Model):
    class Subject(models.TextChoices):
        MEMBER = "member", _("Anggota KK pemohon")
        NEWBORN = "newborn", _("Anak yang baru lahir")

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="variants", verbose_name=_("layanan")
    )
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    help_text = models.TextField(_("keterangan"), blank=True)
    subject = models.CharField(
        _("orang yang dimohonkan"), max_length=10, choices=Subject.choices, default=Subject.MEMBER
    )
    output = models.CharField(_("hasil"), max_length=10, choices=Output.choices)
    deadline_hours = models.PositiveSmallIntegerField(
        _("batas waktu (jam)"),
        default=24,
        help_text=_("Dihitung sejak permohonan dikirim (atau dikirim ulang)."),
    )
    form_fields = models.JSONField(
        _("isian formulir"), default=list, blank=True, validators=[validate_field_codes]
    )
    eligibility = models.JSONField(
        _("aturan kelayakan"), default=list, blank=True, validators=[validate_rule_codes]
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["service__order", "order", "code"]
        verbose_name = _("jenis permohonan")
        verbose_name_plural = _("jenis permohonan")

    def __str__(self) -> str:
        return f"{self.service.name}: {self.name}"


class Requirement(ChoiceLabels, models.Model):
    """One upload slot. `condition` makes it needed only for some answers:
    `no_birth_letter` (the answer is yes), `!no_birth_letter` (no), `lost_or_damaged=hilang`."""

    class Basis(models.TextChoices):
        LAW = "law", _("Wajib menurut peraturan")
        LOCAL = "local", _("Tambahan daerah")

    variant = models.ForeignKey(
        Variant,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("jenis permohonan"),
    )
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=160)
    help_text = models.TextField(_("petunjuk"), blank=True)
    basis = models.CharField(_("dasar"), max_length=5, choices=Basis.choices, default=Basis.LAW)
    mandatory = models.BooleanField(
        _("wajib"),
        default=True,
        help_text=_("Tidak wajib: boleh diunggah untuk mempercepat pemeriksaan."),
    )
    condition = models.CharField(_("syarat berlaku"), max_length=60, blank=True)
    file_kinds = models.JSONField(_("jenis berkas"), default=list, validators=[validate_file_kinds])
    max_size_kb = models.PositiveIntegerField(_("ukuran maksimum (KB)"), default=5120)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["variant", "order", "id"]
        verbose_name = _("persyaratan")
        verbose_name_plural = _("persyaratan")
        constraints = [
            models.UniqueConstraint(fields=["variant", "code"], name="requirement_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.condition:
            name = self.condition.lstrip("!").split("=")[0]
            known = {c for c, f in FIELDS.items() if f.kind in ("bool", "choice")}
            if name not in known | COMPUTED_CONDITIONS:
                raise ValidationError({"condition": _("Syarat merujuk isian yang tidak dikenal.")})

    def applies(self, answers: dict[str, Any]) -> bool:
        """Whether this slot is asked for, given the form answers (and computed ones)."""
        if not self.condition:
            return True
        expr = self.condition.strip()
        negate = expr.startswith("!")
        expr = expr.lstrip("!")
        if "=" in expr:
            name, wanted = expr.split("=", 1)
            result = str(answers.get(name, "")) == wanted
        else:
            result = bool(answers.get(expr))
        return result != negate

    def needed(self, answers: dict[str, Any]) -> bool:
        """Must be uploaded before submission."""
        return self.mandatory and self.applies(answers)

    @property
    def accept(self) -> str:
        """The HTML accept attribute: a hint for the phone's picker, never trusted."""
        parts = []
        if "image" in self.file_kinds:
            parts += ["image/jpeg", "image/png", "image/webp"]
        if "pdf" in self.file_kinds:
            parts.append("application/pdf")
        return ",".join(parts)

    @property
    def kinds_label(self) -> str:
        return " / ".join(str(FILE_KINDS[k]) for k in self.file_kinds if k in FILE_KINDS)


class DeficiencyReason(models.Model):
    """Why staff return or reject an item: a short catalogue so residents read the same words."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("alasan"), max_length=160)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("alasan pengembalian")
        verbose_name_plural = _("alasan pengembalian")

    def __str__(self) -> str:
        return self.name


class DocumentText(models.Model):
    """Fixed wording printed on issued documents that a regency must be able to follow as the
    Dirjen Dukcapil template changes (e.g. the akta kelahiran of a child whose parents'
    marriage is not yet recorded). Issued documents copy the text at issue, so an edit
    changes later documents only. Codes the code uses: see DOCUMENT_TEXTS."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    text = models.TextField(_("teks"))
    help_text = models.TextField(_("keterangan"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("teks dokumen")
        verbose_name_plural = _("teks dokumen")

    def __str__(self) -> str:
        return self.code


# The texts as shipped (domain.md; Permendagri 9/2016 for SPTJM F-2.04). Used when the row is
# missing too, so a document never prints without its legally required phrase.
DOCUMENT_TEXTS = {
    "akta-lahir-perkawinan-belum-tercatat": (
        "yang perkawinannya belum tercatat sesuai dengan ketentuan peraturan perundang-undangan",
        "Akta kelahiran anak dari pasangan dengan SPTJM kebenaran sebagai pasangan suami istri "
        "(F-2.04): dicetak setelah nama ayah dan ibu.",
    ),
    "akta-lahir-anak-seorang-ibu": (
        "anak dari seorang ibu",
        "Akta kelahiran anak yang ayahnya tidak tercatat: dicetak sebelum nama ibu.",
    ),
}


def document_text(code: str) -> str:
    row = DocumentText.objects.filter(code=code).values_list("text", flat=True).first()
    return row if row is not None else DOCUMENT_TEXTS[code][0]
