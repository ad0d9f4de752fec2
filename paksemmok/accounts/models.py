from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class User(AbstractUser):
    """Residents, village helpers and Disdukcapil staff.

    A resident's username is their NIK; a staff member's is chosen by an admin. The role decides
    what a user may see; permissions are always checked on the server.
    """

    class Role(models.TextChoices):
        RESIDENT = "resident", _("Penduduk")
        HELPER = "helper", _("Pendamping desa")
        OPERATOR = "operator", _("Operator")
        SUPERVISOR = "supervisor", _("Supervisor")
        PEREKAMAN = "perekaman", _("Petugas perekaman")
        ADMIN = "admin", _("Admin")

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    role = models.CharField(_("peran"), max_length=12, choices=Role.choices, default=Role.RESIDENT)
    resident = models.OneToOneField(
        "population.Resident", on_delete=models.PROTECT, null=True, blank=True,
        related_name="account", verbose_name=_("penduduk"),
    )
    phone = PhoneNumberField(_("nomor WhatsApp/HP"), null=True, blank=True, unique=True)
    # Village helpers act for residents of one village.
    village = models.ForeignKey(
        "population.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    preferred_channel = models.CharField(
        _("saluran notifikasi"), max_length=10, choices=Channel.choices, default=Channel.WHATSAPP
    )
    preferred_language = models.CharField(_("bahasa"), max_length=5, default="id")
    is_verified = models.BooleanField(_("terverifikasi"), default=False)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def is_staff_member(self) -> bool:
        return self.role in {
            self.Role.OPERATOR, self.Role.SUPERVISOR, self.Role.PEREKAMAN, self.Role.ADMIN,
        }
