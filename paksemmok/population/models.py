from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.masking import mask_number
from paksemmok.db import ChoiceLabels

from .identifiers import validate_kk_number, validate_nik


class Region(ChoiceLabels, models.Model):
    """A Kemendagri region: province, regency, kecamatan or village, by its dotted code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/kota")
        KECAMATAN = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/kelurahan")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def digits(self) -> str:
        """The code without dots, as it appears inside a NIK or No. KK (kecamatan: 6 digits)."""
        return self.code.replace(".", "")

    @property
    def kecamatan(self) -> Region | None:
        if self.level == self.Level.KECAMATAN:
            return self
        if self.level == self.Level.VILLAGE:
            return self.parent
        return None


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    KRISTEN = "kristen", _("Kristen")
    KATOLIK = "katolik", _("Katolik")
    HINDU = "hindu", _("Hindu")
    BUDDHA = "buddha", _("Buddha")
    KHONGHUCU = "khonghucu", _("Khonghucu")
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")


class Education(models.TextChoices):
    # The ten levels printed on a KK.
    NONE = "tidak_sekolah", _("Tidak/belum sekolah")
    SD_NOT_FINISHED = "belum_tamat_sd", _("Belum tamat SD/sederajat")
    SD = "sd", _("Tamat SD/sederajat")
    SLTP = "sltp", _("SLTP/sederajat")
    SLTA = "slta", _("SLTA/sederajat")
    D1_D2 = "d1_d2", _("Diploma I/II")
    D3 = "d3", _("Akademi/Diploma III/Sarjana Muda")
    S1 = "d4_s1", _("Diploma IV/Strata I")
    S2 = "s2", _("Strata II")
    S3 = "s3", _("Strata III")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED = "kawin", _("Kawin")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Citizenship(models.TextChoices):
    WNI = "wni", _("WNI")
    WNA = "wna", _("WNA")


class Relationship(models.TextChoices):
    # "Status hubungan dalam keluarga" as printed on a KK.
    HEAD = "kepala", _("Kepala keluarga")
    HUSBAND = "suami", _("Suami")
    WIFE = "istri", _("Istri")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua")
    PARENT_IN_LAW = "mertua", _("Mertua")
    OTHER_FAMILY = "famili_lain", _("Famili lain")
    HOUSEHOLD = "pembantu", _("Pembantu")
    OTHER = "lainnya", _("Lainnya")


class Family(models.Model):
    """A household on one Kartu Keluarga. Its current state; every change adds a KK version."""

    kk_number = models.CharField(
        _("nomor KK"), max_length=16, unique=True, validators=[validate_kk_number]
    )
    village = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("desa/kelurahan"),
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    address = models.CharField(_("alamat"), max_length=200)
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    head = models.ForeignKey(
        "Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kepala keluarga"),
    )
    is_active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_("Tidak aktif bila KK sudah diganti nomor baru atau semua anggota keluar."),
    )
    current_version = models.PositiveIntegerField(_("versi KK"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keluarga (KK)")
        verbose_name_plural = _("keluarga (KK)")

    def __str__(self) -> str:
        return mask_number(self.kk_number)


# What a printed KK shows for each member, in its column order: the KK version snapshot, the
# register import's columns and the "needs a new KK version" rule all read this one list.
KK_MEMBER_COLUMNS = (
    "nik",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education",
    "occupation",
    "marital_status",
    "relationship",
    "citizenship",
    "father_name",
    "mother_name",
)


class Resident(ChoiceLabels, models.Model):
    class LifeStatus(models.TextChoices):
        ALIVE = "hidup", _("Hidup")
        DECEASED = "meninggal", _("Meninggal")
        MOVED = "pindah", _("Pindah keluar")

    class Recording(models.TextChoices):
        RECORDED = "sudah_rekam", _("Sudah rekam")
        NOT_RECORDED = "belum_rekam", _("Belum rekam")

    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[validate_nik])
    full_name = models.CharField(_("nama lengkap"), max_length=120)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=60)
    birth_date = models.DateField(_("tanggal lahir"))
    religion = models.CharField(_("agama"), max_length=12, choices=Religion.choices)
    education = models.CharField(_("pendidikan"), max_length=16, choices=Education.choices)
    occupation = models.CharField(_("pekerjaan"), max_length=60)
    marital_status = models.CharField(
        _("status perkawinan"), max_length=12, choices=MaritalStatus.choices
    )
    citizenship = models.CharField(
        _("kewarganegaraan"), max_length=3, choices=Citizenship.choices, default=Citizenship.WNI
    )
    father_name = models.CharField(_("nama ayah"), max_length=120, blank=True)
    mother_name = models.CharField(_("nama ibu"), max_length=120, blank=True)
    village = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("desa/kelurahan"),
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    address = models.CharField(_("alamat"), max_length=200)
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("keluarga (KK)"),
    )
    relationship = models.CharField(
        _("hubungan dalam keluarga"), max_length=12, choices=Relationship.choices, blank=True
    )
    life_status = models.CharField(
        _("status hidup"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ALIVE
    )
    death_date = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    ektp_recording = models.CharField(
        _("perekaman e-KTP"),
        max_length=12,
        choices=Recording.choices,
        default=Recording.NOT_RECORDED,
    )
    ektp_printed = models.BooleanField(_("e-KTP sudah dicetak"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        indexes = [
            models.Index(fields=["full_name"], name="resident_name_idx"),
            models.Index(fields=["village", "life_status"], name="resident_village_status_idx"),
            # Duplicate-person search (population.duplicates) starts from the birth date.
            models.Index(fields=["birth_date"], name="resident_birth_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(life_status="meninggal") | Q(death_date__isnull=True),
                name="resident_death_date_only_if_deceased",
            ),
            # A family has at most one head among its members.
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(relationship="kepala"),
                name="resident_one_head_per_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_number(self.nik)})"

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        from django.utils import timezone

        return self.age_on(timezone.localdate())

    @property
    def is_alive(self) -> bool:
        return self.life_status == self.LifeStatus.ALIVE

    @property
    def is_recorded(self) -> bool:
        return self.ektp_recording == self.Recording.RECORDED

    @property
    def masked_nik(self) -> str:
        return mask_number(self.nik)


class FamilyVersion(models.Model):
    """One printed version of a KK: a frozen snapshot, kept when the family changes again."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("versi"))
    kk_number = models.CharField(_("nomor KK"), max_length=16, db_index=True)
    reason = models.CharField(_("alasan"), max_length=60)
    snapshot = models.JSONField(_("isi KK"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "-version"]
        verbose_name = _("versi KK")
        verbose_name_plural = _("versi KK")
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="family_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{mask_number(self.kk_number)} v{self.version}"


class NumberSequence(ChoiceLabels, models.Model):
    """The last serial used under a 12-digit NIK or No. KK prefix.

    Incremented with one UPDATE ... SET last = last + 1 so concurrent requests never read the
    same serial (see services.next_serial).
    """

    class Kind(models.TextChoices):
        NIK = "nik", "NIK"
        KK = "kk", "KK"

    kind = models.CharField(max_length=3, choices=Kind.choices)
    prefix = models.CharField(max_length=12)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "prefix"], name="number_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.prefix} {self.last_serial}"
