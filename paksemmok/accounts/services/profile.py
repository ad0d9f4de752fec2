"""The profile page: notification preferences and the family shown on it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.population.models import Resident

from ..errors import AccountError
from ..models import User


@transaction.atomic
def update_preferences(user: User, *, channel: str, language: str, actor: Any = None) -> None:
    if channel == User.Channel.EMAIL and not user.email:
        raise AccountError(_("Isi alamat e-mail dulu untuk memilih e-mail."))
    if channel in {User.Channel.WHATSAPP, User.Channel.SMS} and not user.phone:
        raise AccountError(_("Akun ini tidak punya nomor HP."))
    before = {"channel": user.preferred_channel, "language": user.preferred_language}
    user.preferred_channel = channel
    user.preferred_language = language
    user.save(update_fields=["preferred_channel", "preferred_language"])
    record(
        "account.preferences.changed",
        actor=actor or user,
        obj=user,
        details={"before": before, "after": {"channel": channel, "language": language}},
    )


def family_members(resident: Resident) -> list[Resident]:
    if not resident.family_id:
        return [resident]
    from paksemmok.population.services import living_members

    return living_members(resident.family)
