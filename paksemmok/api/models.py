from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "psm_"  # noqa: S105 (a prefix that marks our tokens, not a secret)


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A resident's API token. Only its SHA-256 is stored (the key is shown once), and it is
    tied to the account's `session_token`: "keluar dari semua perangkat" (which rotates it)
    or a new password ends every token as well as every session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("pengguna"),
    )
    key_digest = models.CharField(max_length=64, unique=True)
    session_token = models.CharField(max_length=32)
    password_hash_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Set at issue from API_TOKEN_LIFETIME_DAYS; tokens from before expiry existed have none
    # and are judged by created_at (still_valid).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"token #{self.pk}"

    @classmethod
    def issue(cls, user: object) -> tuple[ApiToken, str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_digest=digest(raw),
            session_token=user.session_token,
            password_hash_digest=digest(user.password),
            expires_at=timezone.now() + lifetime(),
        )
        return token, raw

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        ends = self.expires_at or (self.created_at + lifetime() if self.created_at else None)
        return ends is not None and now >= ends

    def still_valid(self) -> bool:
        user = self.user
        return (
            not self.is_expired()
            and user.is_active
            and user.session_token == self.session_token
            and digest(user.password) == self.password_hash_digest
        )
