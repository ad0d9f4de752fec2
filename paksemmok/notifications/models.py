"""The notification outbox: one row per message, written in the transaction that caused it.

A worker claims due rows, sends them outside any transaction and records the outcome; every
try (including skipped channels and fallbacks) is kept in `Attempt` for the admin.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paksemmok.db import ChoiceLabels


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


PHONE_CHANNELS = frozenset({Channel.WHATSAPP, Channel.SMS})


def mask_address(address: str) -> str:
    """Enough of a phone number or e-mail address to recognise it, not to copy it."""
    if "@" in address:
        name, _sep, domain = address.partition("@")
        return f"{name[:2]}***@{domain}"
    if len(address) > 7:
        return f"{address[:5]}****{address[-3:]}"
    return "****"


class Message(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENDING = "sending", _("sedang dikirim")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal")

    # Sent to gateways as an idempotency key, so a resend after a worker crash can be dropped
    # by providers that support it.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("pengguna"),
    )
    template = models.CharField(_("templat"), max_length=40)
    language = models.CharField(_("bahasa"), max_length=5)
    requested_channel = models.CharField(
        _("saluran yang diminta"), max_length=10, choices=Channel.choices
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    # The addresses are a snapshot taken when the message was queued: a code sent to verify a
    # number must go to that number even if the profile changes meanwhile.
    address = models.CharField(_("alamat"), max_length=254, blank=True)
    to_phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    to_email = models.EmailField(_("e-mail"), blank=True)
    subject = models.CharField(_("subjek"), max_length=200, blank=True)
    body = models.TextField(_("isi"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    channel_attempts = models.PositiveIntegerField(_("percobaan di saluran ini"), default=0)
    channels_tried = models.CharField(_("saluran yang sudah dicoba"), max_length=40, blank=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), default=timezone.now)
    # Codes are useless once expired; sending one hours late only confuses the resident.
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    claimed_by = models.CharField(_("diambil oleh"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("diambil pada"), null=True, blank=True)
    provider_id = models.CharField(_("ID penyedia"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pesan notifikasi")
        verbose_name_plural = _("kotak keluar notifikasi")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The claim query: WHERE status='pending' AND next_attempt_at <= now ORDER BY
            # next_attempt_at. Partial, so sent rows (nearly all of them) cost nothing.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="notif_msg_due_idx",
                condition=models.Q(status="pending"),
            ),
            # Reclaiming rows left by a crashed worker.
            models.Index(
                fields=["claimed_at"],
                name="notif_msg_claimed_idx",
                condition=models.Q(status="sending"),
            ),
            models.Index(fields=["-created_at"], name="notif_msg_created_idx"),
            models.Index(fields=["address"], name="notif_msg_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.get_channel_display()} {mask_address(self.address)}"


class Attempt(ChoiceLabels, models.Model):
    """One try on one channel: the fallback history shown in the admin."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("terkirim")
        TRANSIENT = "transient", _("gagal sementara")
        PERMANENT = "permanent", _("gagal permanen")
        SKIPPED = "skipped", _("dilewati")
        EXPIRED = "expired", _("kedaluwarsa")
        RECLAIMED = "reclaimed", _("diambil ulang")

    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("pesan"),
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("alamat"), max_length=254, blank=True)
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("galat"), blank=True)
    provider_id = models.CharField(_("ID penyedia"), max_length=200, blank=True)
    worker = models.CharField(_("worker"), max_length=64, blank=True)
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("percobaan kirim")
        verbose_name_plural = _("percobaan kirim")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome}"
