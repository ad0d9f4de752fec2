"""Issued documents (signed PDFs) and cards (e-KTP, KIA) produced by approved applications."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.masking import mask_number
from paksemmok.db import ChoiceLabels

# No 0/O/1/I/L: the code may be typed from a printout when the QR cannot be scanned.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    # 16 symbols of a 31-letter alphabet: ~79 bits, not guessable or countable.
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


def pdf_path(instance: IssuedDocument, filename: str) -> str:
    now = timezone.now()
    return f"issued/{now:%Y/%m}/{secrets.token_urlsafe(24)}.pdf"


class IssuedDocument(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        KK = "kk", _("Kartu Keluarga")
        BIRTH = "akta_kelahiran", _("Akta Kelahiran")
        DEATH = "akta_kematian", _("Akta Kematian")
        EKTP = "ektp_card", _("Kartu e-KTP")
        KIA = "kia_card", _("Kartu Identitas Anak")

    class Status(models.TextChoices):
        VALID = "valid", _("Berlaku")
        SUPERSEDED = "superseded", _("Sudah diganti versi baru")
        REVOKED = "revoked", _("Dicabut")

    class CardStatus(models.TextChoices):
        PRINTING = "printing", _("Dalam pencetakan")
        READY = "ready", _("Siap diambil")
        COLLECTED = "collected", _("Sudah diambil")

    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    # A KK document carries the No. KK (shared by the versions of one KK); the others get a
    # number of their own from DocumentSequence.
    number = models.CharField(_("nomor"), max_length=40, db_index=True)
    code = models.CharField(
        _("kode verifikasi"),
        max_length=16,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("permohonan"),
    )
    subject = models.ForeignKey(
        "population.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("yang bersangkutan"),
    )
    family_version = models.ForeignKey(
        "population.FamilyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("versi KK"),
    )
    # What the verification page shows, frozen at issue (a later change of name does not
    # change what the printed document says).
    holder_name = models.CharField(_("nama"), max_length=120)
    holder_number = models.CharField(_("NIK / No. KK"), max_length=16)
    data = models.JSONField(_("isi dokumen"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    issued_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    signer_name = models.CharField(_("penandatangan"), max_length=120)
    signer_nip = models.CharField(_("NIP penandatangan"), max_length=18)
    pdf = models.FileField(upload_to=pdf_path, max_length=200, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Cards only.
    card_status = models.CharField(
        _("status kartu"), max_length=10, choices=CardStatus.choices, blank=True
    )
    pickup_place = models.CharField(_("tempat pengambilan"), max_length=120, blank=True)
    collected_at = models.DateTimeField(_("diambil"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        constraints = [
            # One valid KK document per family version.
            models.UniqueConstraint(
                fields=["family_version"],
                condition=Q(kind="kk"),
                name="issued_one_kk_per_family_version",
            ),
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=~Q(kind="kk"),
                name="issued_number_unique_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="issued_kind_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def masked_number(self) -> str:
        return mask_number(self.holder_number)

    @property
    def masked_name(self) -> str:
        """First letters of each word kept: "A*** S******"."""
        return " ".join(w[:1] + "*" * (len(w) - 1) for w in self.holder_name.split())

    @property
    def is_card(self) -> bool:
        return self.kind in (self.Kind.EKTP, self.Kind.KIA)


class DocumentSequence(models.Model):
    """The last serial used under a document-number prefix (e.g. akta numbers per day)."""

    prefix = models.CharField(max_length=30, unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} {self.last_serial}"
