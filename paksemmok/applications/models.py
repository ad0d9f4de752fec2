from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paksemmok.db import ChoiceLabels

from .items import Item
from .lifecycle import CLOCK_RUNNING, OPEN_STATUSES, Status

# No 0/O/1/I/L: a reference is read aloud on the phone and typed from a printed receipt.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    """PS-YYMM-XXXXXX: random, so numbers cannot be guessed or counted from one another."""
    stamp = timezone.localdate().strftime("%y%m")
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"PS-{stamp}-{body}"


def document_path(instance: ApplicationDocument, filename: str) -> str:
    """A random storage name. `filename` is ours (see uploads.py: extension from the sniffed
    type); the resident's own file name never reaches the storage."""
    now = timezone.now()
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"applications/{now:%Y/%m}/{secrets.token_urlsafe(24)}.{ext}"


class Application(ChoiceLabels, models.Model):
    reference = models.CharField(
        _("nomor registrasi"), max_length=20, unique=True, default=new_reference, editable=False
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("jenis permohonan"),
    )
    # Denormalised from the variant: "one open application per person and service" is a
    # database constraint, and constraints cannot follow a join.
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("layanan"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("pemohon"),
    )
    # The village helper who filed it for the applicant; the applicant themself otherwise.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="filed_applications",
        verbose_name=_("diajukan oleh"),
    )
    # Who handles it is not a column here: backoffice.Claim (released, reassigned and expired
    # in one place) is the only record of it.
    subject = models.ForeignKey(
        "population.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("orang yang dimohonkan"),
        help_text=_("Kosong untuk kelahiran: anak belum terdaftar."),
    )
    family = models.ForeignKey(
        "population.Family",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("keluarga (KK)"),
    )
    # Who "the same person" is for the duplicate rule: the NIK, or for a newborn the family,
    # name and birth date (set from the form at submission).
    subject_key = models.CharField(max_length=120, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    data = models.JSONField(_("isian"), default=dict, blank=True)
    # The current return or rejection: [{"item": "doc:kk" | "field:child_name", "reason":
    # code, "note": text}]. Kept (with the events) after resubmission for the record.
    deficiencies = models.JSONField(_("kekurangan"), default=list, blank=True)
    round = models.PositiveSmallIntegerField(_("pengiriman ke"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    returned_at = models.DateTimeField(_("dikembalikan"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("batas waktu"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # Facts for the figures, fixed at the first submission: resubmitting does not move an
    # application to another day, and a family that later moves does not move its history.
    first_submitted_at = models.DateTimeField(
        _("pertama dikirim"), null=True, blank=True, db_index=True
    )
    village = models.ForeignKey(
        "population.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    kecamatan = models.ForeignKey(
        "population.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        constraints = [
            # Race-proof: two tabs (or a resident and their helper) submitting at once cannot
            # both open an application for the same person and service.
            models.UniqueConstraint(
                fields=["service", "subject_key"],
                condition=Q(status__in=OPEN_STATUSES),
                name="application_one_open_per_subject_service",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline_at"], name="application_queue_idx"),
            # The staff queue (backoffice.queues) walks only open applications in deadline
            # order: a partial index holds just those, so a backlog of history is never read.
            # It carries the service and the status too, so the tallies' walk of the first
            # 1,001 (by service, taken or not) is read from the index alone, wherever in the
            # table those rows were stored.
            models.Index(
                fields=["deadline_at", "id"],
                include=["service", "status"],
                condition=Q(status__in=CLOCK_RUNNING),
                name="application_open_queue_idx",
            ),
            models.Index(
                fields=["service", "deadline_at", "id"],
                include=["status"],
                condition=Q(status__in=CLOCK_RUNNING),
                name="application_open_service_idx",
            ),
            # A figure narrowed to one service or kecamatan (the public page asks per service):
            # equality first, then the day range. With only the foreign-key index SQLite
            # reads every year of that service or kecamatan (bench/dashboard.py).
            models.Index(
                fields=["service", "first_submitted_at"], name="application_service_day_idx"
            ),
            models.Index(
                fields=["kecamatan", "first_submitted_at"], name="application_kecamatan_day_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING

    def time_left(self, now: Any = None) -> Any:
        if not self.deadline_at or not self.clock_running:
            return None
        return self.deadline_at - (now or timezone.now())

    @property
    def subject_name(self) -> str:
        if self.subject_id:
            return self.subject.full_name
        return self.data.get("child_name") or str(_("Anak yang baru lahir"))

    def current_documents(self) -> models.QuerySet[ApplicationDocument]:
        return self.documents.filter(replaced_at__isnull=True)

    def deficient_items(self) -> set[Item]:
        return {Item.parse(d.get("item", "")) for d in self.deficiencies}


class ApplicationDocument(models.Model):
    """An uploaded file. Replacing one keeps the earlier row and file (marked replaced) once
    the application has been sent: staff and the resident can see what changed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        "catalog.Requirement", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=document_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Shown to the resident only (escaped); never used for storage or headers.
    original_name = models.CharField(max_length=120, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    # Photo quality flags from the upload check ("blurry", "dark", ...): shown to staff
    # beside the file; the resident chose to send it anyway.
    quality_flags = models.JSONField(default=list, blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requirement__order", "-uploaded_at", "-id"]
        verbose_name = _("berkas permohonan")
        verbose_name_plural = _("berkas permohonan")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"],
                condition=Q(replaced_at__isnull=True),
                name="document_one_current_per_requirement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.requirement.code}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def page_numbers(self) -> range:
        return range(1, (self.pages or 0) + 1)

    @property
    def quality_messages(self) -> list[str]:
        from .uploads import QUALITY_MESSAGES

        return [str(QUALITY_MESSAGES[f]) for f in self.quality_flags if f in QUALITY_MESSAGES]


class Event(models.Model):
    """The application's history as the resident sees it (the audit log is the staff-side,
    append-only record of the same acts plus every read)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.action}"

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label if self.to_status else ""

    @property
    def label(self) -> str:
        from paksemmok.audit.labels import event_label

        return event_label(self.action)


class Decision(ChoiceLabels, models.Model):
    """One staff answer to one sending of an application (approve, return or reject): the
    fact the service standard is measured on. Written in the decision's own transaction and
    never changed, so figures over years are a GROUP BY on one indexed table with no joins.
    The service, area and times are copied from the application at that moment."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Disetujui")
        RETURNED = "returned", _("Dikembalikan")
        REJECTED = "rejected", _("Ditolak")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "population.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kecamatan = models.ForeignKey(
        "population.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When this sending started the clock (submission or resubmission) and when it had to end.
    submitted_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    decided_at = models.DateTimeField()
    seconds_to_decision = models.PositiveIntegerField()
    within_deadline = models.BooleanField()

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="decision_one_per_round")
        ]
        indexes = [
            models.Index(fields=["decided_at", "service"], name="decision_day_idx"),
            # Per service or kecamatan: see Application's indexes.
            models.Index(fields=["service", "decided_at"], name="decision_service_day_idx"),
            models.Index(fields=["kecamatan", "decided_at"], name="decision_kecamatan_day_idx"),
            # The median per officer (officer_workload) asks per officer the same way.
            models.Index(fields=["officer", "decided_at"], name="decision_officer_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.round} {self.outcome}"


class DecisionReason(models.Model):
    """One itemised deficiency of a return or rejection, for "the most frequent reasons"."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reasons")
    decided_at = models.DateTimeField()
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=60)
    reason = models.CharField(max_length=40)

    class Meta:
        indexes = [
            models.Index(fields=["decided_at", "reason"], name="decision_reason_day_idx"),
            models.Index(fields=["service", "decided_at"], name="decision_reason_service_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.item} {self.reason}"
