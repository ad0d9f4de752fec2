"""Perekaman (e-KTP biometric recording) places, their rules, and residents' bookings.

Slots are never stored as a schedule: they are derived on demand from a place's weekly hours,
breaks, closures, public holidays (lokal-id) and jemput bola events (see slots.py). The only
per-slot row is SlotCounter, created on the first booking of a slot and used as the lock that
keeps a slot from being overbooked.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paksemmok.db import ChoiceLabels
from paksemmok.population.models import Region, Resident


class Place(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        DINAS = "dinas", _("Kantor Disdukcapil")
        KECAMATAN = "kecamatan", _("Kantor kecamatan")
        # A village hall: open only on its jemput bola days.
        BALAI_DESA = "balai_desa", _("Jemput bola (balai desa)")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=120)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="perekaman_places",
        verbose_name=_("wilayah"),
        help_text=_("Kabupaten untuk kantor Disdukcapil, kecamatan, atau desa untuk balai desa."),
    )
    address = models.CharField(_("alamat"), max_length=200, blank=True)
    minutes_per_recording = models.PositiveSmallIntegerField(_("menit per perekaman"), default=15)
    stations = models.PositiveSmallIntegerField(
        _("jumlah alat rekam"),
        default=1,
        help_text=_("Kuota tiap slot = jumlah alat rekam."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("tempat perekaman")
        verbose_name_plural = _("tempat perekaman")
        constraints = [
            # One office (or hall) per region and kind keeps seeding idempotent.
            models.UniqueConstraint(fields=["kind", "region"], name="appt_place_kind_region"),
            models.CheckConstraint(
                condition=Q(minutes_per_recording__gte=5), name="appt_place_minutes_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(ChoiceLabels, models.Model):
    """Hours for one weekday (Monday = 0). A weekday without a row is closed."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("hari"),
        choices=[
            (0, _("Senin")),
            (1, _("Selasa")),
            (2, _("Rabu")),
            (3, _("Kamis")),
            (4, _("Jumat")),
            (5, _("Sabtu")),
            (6, _("Minggu")),
        ],
    )
    opens = models.TimeField(_("buka"))
    closes = models.TimeField(_("tutup"))
    break_start = models.TimeField(_("istirahat mulai"), null=True, blank=True)
    break_end = models.TimeField(_("istirahat selesai"), null=True, blank=True)

    class Meta:
        ordering = ["place", "weekday"]
        verbose_name = _("jam layanan")
        verbose_name_plural = _("jam layanan")
        constraints = [
            models.UniqueConstraint(fields=["place", "weekday"], name="appt_hours_place_weekday"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="appt_hours_opens_before_closes"
            ),
            models.CheckConstraint(
                condition=Q(break_start__isnull=True, break_end__isnull=True)
                | Q(break_start__lt=models.F("break_end")),
                name="appt_hours_break_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H.%M}-{self.closes:%H.%M}"


class Closure(models.Model):
    """A date on which a place is closed besides public holidays (e.g. a server outage)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("tanggal"))
    reason = models.CharField(_("alasan"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari tutup")
        verbose_name_plural = _("hari tutup")
        constraints = [
            models.UniqueConstraint(fields=["place", "date"], name="appt_closure_place_date"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.date:%Y-%m-%d}"


class JemputBolaEvent(ChoiceLabels, models.Model):
    """An outreach day at a village hall. Its total capacity is spread over its slots."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Terjadwal")
        CANCELLED = "cancelled", _("Dibatalkan")

    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="events",
        limit_choices_to={"kind": Place.Kind.BALAI_DESA},
        verbose_name=_("balai desa"),
    )
    date = models.DateField(_("tanggal"))
    opens = models.TimeField(_("mulai"))
    closes = models.TimeField(_("selesai"))
    capacity = models.PositiveSmallIntegerField(_("kuota"))
    minutes_per_recording = models.PositiveSmallIntegerField(_("menit per slot"), default=15)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    announced_to = models.PositiveIntegerField(_("jumlah yang diberi tahu"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "opens"]
        verbose_name = _("jemput bola")
        verbose_name_plural = _("jemput bola")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "date"],
                condition=Q(status="scheduled"),
                name="appt_event_one_per_hall_day",
            ),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="appt_event_opens_before_closes"
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_recording__gte=5), name="appt_event_minutes_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.date:%Y-%m-%d}"


class SlotCounter(models.Model):
    """How many bookings hold one slot. Its row is locked by every booking of that slot.

    Capacity is not stored: it comes from the rules at booking time, so changing the number of
    stations takes effect at once for slots not yet full.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "start"], name="appt_counter_place_start"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.start:%Y-%m-%d %H:%M} {self.booked}"


# Unambiguous on a phone screen and when read aloud: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Booking(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Terjadwal")
        CHECKED_IN = "checked_in", _("Hadir")
        RECORDED = "recorded", _("Sudah direkam")
        CANCELLED = "cancelled", _("Dibatalkan")
        NO_SHOW = "no_show", _("Tidak hadir")

    ACTIVE = (Status.BOOKED, Status.CHECKED_IN)

    code = models.CharField(_("kode booking"), max_length=8, unique=True, default=new_booking_code)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="perekaman_bookings",
        verbose_name=_("penduduk"),
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("tempat")
    )
    start = models.DateTimeField(_("waktu"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    is_walk_in = models.BooleanField(_("datang langsung"), default=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dipesan oleh"),
    )
    # Set when the place's hours, closures or event changed after booking and this slot no
    # longer exists: the booking is kept and the resident asked to choose a new time.
    needs_reschedule = models.BooleanField(_("perlu jadwal ulang"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("janji perekaman")
        verbose_name_plural = _("janji perekaman")
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="appt_one_active_booking_per_resident",
            ),
        ]
        indexes = [
            models.Index(fields=["place", "start"], name="appt_booking_place_start"),
            models.Index(fields=["status", "start"], name="appt_booking_status_start"),
            # Figures over a date range for every place (reports.figures.perekaman_load):
            # without it the range reads years of bookings (bench/dashboard.py).
            models.Index(fields=["start"], name="appt_booking_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @classmethod
    def tallies(cls) -> dict[str, models.Count]:
        """How bookings are counted wherever figures are shown (the perekaman staff's day
        figures, the dashboard): one definition of "booked", "present" and the rest."""
        s = cls.Status
        return {
            "booked": models.Count("id", filter=~Q(status=s.CANCELLED)),
            "walk_in": models.Count("id", filter=Q(is_walk_in=True)),
            "present": models.Count("id", filter=Q(status__in=[s.CHECKED_IN, s.RECORDED])),
            "recorded": models.Count("id", filter=Q(status=s.RECORDED)),
            "no_show": models.Count("id", filter=Q(status=s.NO_SHOW)),
            "cancelled": models.Count("id", filter=Q(status=s.CANCELLED)),
        }
