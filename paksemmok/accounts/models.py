from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from paksemmok.db import ChoiceLabels


def new_session_token() -> str:
    return secrets.token_hex(16)


def validate_service_codes(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(_('Isi dengan daftar kode layanan, misalnya ["kk", "ektp"].'))


class User(ChoiceLabels, AbstractUser):
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

    # Who may do what, said once: pages (`role_required`), API permissions and service checks
    # all read these sets; none of them lists roles of its own.
    # Staff accounts: made by an admin, no contact check, staff pages and audited reads.
    STAFF_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.PEREKAMAN, Role.ADMIN)
    # Handle and decide applications: the back-office queue, review, decisions, register
    # look-up, and the staff API. An operator only for the services in `services`.
    DECIDING_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
    # Every service at once: all applications and documents, reassigning and overriding
    # claims, the overview, dashboards, revoking documents. Signing in needs TOTP.
    SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
    # The perekaman desk: a place's bookings, check-in, walk-ins, jemput bola days (seen).
    PEREKAMAN_DESK_ROLES = (Role.PEREKAMAN, Role.SUPERVISOR, Role.ADMIN)
    # Plan, change and cancel jemput bola days.
    JEMPUT_BOLA_ROLES = (Role.PEREKAMAN, Role.ADMIN)
    # The resident's pages: residents, and village helpers acting for one.
    RESIDENT_SIDE_ROLES = (Role.RESIDENT, Role.HELPER)

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    role = models.CharField(_("peran"), max_length=12, choices=Role.choices, default=Role.RESIDENT)
    resident = models.OneToOneField(
        "population.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("penduduk"),
    )
    phone = PhoneNumberField(_("nomor WhatsApp/HP"), null=True, blank=True, unique=True)
    # Village helpers act for residents of one village.
    village = models.ForeignKey(
        "population.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    preferred_channel = models.CharField(
        _("saluran notifikasi"), max_length=10, choices=Channel.choices, default=Channel.WHATSAPP
    )
    preferred_language = models.CharField(_("bahasa"), max_length=5, default="id")
    # Named `contact_verified`, not `is_verified`: django-otp's middleware installs an
    # `is_verified()` method on request.user, which would shadow (and, on save, corrupt) a
    # field of that name.
    contact_verified = models.BooleanField(
        _("kontak terverifikasi"),
        default=False,
        help_text=_("Penduduk membuktikan nomor/e-mailnya dengan kode sekali pakai."),
    )
    # Service codes an operator handles. A JSON list for now, so it works on SQLite; the
    # catalogue app will turn it into a relation (a data migration reads this list).
    services = models.JSONField(
        _("layanan yang ditangani"),
        default=list,
        blank=True,
        validators=[validate_service_codes],
        help_text=_('Daftar kode layanan, misalnya ["kk", "ektp"]. Khusus operator.'),
    )
    # Part of the session hash: rotating it logs the user out of every session ("keluar dari
    # semua perangkat") without touching the password.
    session_token = models.CharField(max_length=32, default=new_session_token, editable=False)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def is_staff_member(self) -> bool:
        return self.role in self.STAFF_ROLES

    @property
    def requires_totp(self) -> bool:
        """Supervising roles, and anyone who may open the admin site, need a TOTP."""
        return self.role in self.SUPERVISING_ROLES or self.is_staff or self.is_superuser

    @property
    def needs_contact_verification(self) -> bool:
        # Only self-registered residents prove their contact; staff and helpers are created by
        # an admin who checked them in person.
        return self.role == self.Role.RESIDENT and not self.contact_verified

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's own hash covers only the password; adding session_token lets
        # `rotate_session_token()` end every session. Overrides a private hook that Django's
        # get_session_auth_hash() and its SECRET_KEY_FALLBACKS variant both call.
        key_salt = "paksemmok.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_token}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()
        self.save(update_fields=["session_token"])


class OneTimeCode(ChoiceLabels, models.Model):
    """A 6-digit code sent to a resident: sign-up verification, password reset, or consent
    for a village helper to act for them. Only an HMAC of the code is stored."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("Verifikasi akun")
        RESET = "reset", _("Atur ulang kata sandi")
        ACT_FOR = "act_for", _("Izin pendamping desa")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_codes"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=User.Channel.choices)
    # The helper who asked (purpose act_for): the code only works in that helper's session.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer code replaces this one or too many wrong tries burn it.
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kode sekali pakai")
        verbose_name_plural = _("kode sekali pakai")
        indexes = [
            models.Index(fields=["user", "purpose", "created_at"], name="otc_user_purpose_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"

    @staticmethod
    def hash_code(user_id: int, purpose: str, code: str) -> str:
        # A keyed hash: 10^6 possible codes are trivial to brute-force from a plain hash, but
        # not without SECRET_KEY, which is not in the database.
        return salted_hmac(
            "paksemmok.accounts.OneTimeCode", f"{user_id}:{purpose}:{code}", algorithm="sha256"
        ).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.used_at is None and self.invalidated_at is None

    def is_expired(self, now: timezone.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at
