"""Personal-data export (UU 27/2022 right of access)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from paksemmok.audit.log import record
from paksemmok.audit.masking import mask_number
from paksemmok.population.models import Resident

from ..models import User
from .activity import activity_for
from .profile import family_members


def _resident_data(r: Resident) -> dict[str, Any]:
    return {
        "nik": r.nik,
        "full_name": r.full_name,
        "sex": r.get_sex_display(),
        "birth_place": r.birth_place,
        "birth_date": r.birth_date.isoformat(),
        "religion": r.get_religion_display(),
        "education": r.get_education_display(),
        "occupation": r.occupation,
        "marital_status": r.get_marital_status_display(),
        "citizenship": r.get_citizenship_display(),
        "father_name": r.father_name,
        "mother_name": r.mother_name,
        "address": r.address,
        "rt": r.rt,
        "rw": r.rw,
        "village": {"code": r.village.code, "name": r.village.name},
        "relationship": r.get_relationship_display(),
        "life_status": r.get_life_status_display(),
        "ektp_recording": r.get_ektp_recording_display(),
        "ektp_printed": r.ektp_printed,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def export_personal_data(user: User, *, ip_address: str | None = None) -> dict[str, Any]:
    """Everything held about the user (UU 27/2022 right of access), as JSON-ready data.

    Family members are listed as on the profile page (NIK masked): they are other people's
    personal data. Messages are listed without their text, which may hold one-time codes.
    """
    from paksemmok.notifications.models import Message

    data: dict[str, Any] = {
        "format": "paksemmok.personal-data.v1",
        "generated_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "full_name": user.get_full_name(),
            "role": user.get_role_display(),
            "phone": str(user.phone) if user.phone else "",
            "email": user.email,
            "preferred_channel": user.preferred_channel,
            "preferred_language": user.preferred_language,
            "contact_verified": user.contact_verified,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "register": None,
        "family": None,
    }
    resident = user.resident
    if resident is not None:
        data["register"] = _resident_data(resident)
        if resident.family_id:
            family = resident.family
            data["family"] = {
                "kk_number": family.kk_number,
                "address": family.address,
                "rt": family.rt,
                "rw": family.rw,
                "village": family.village.name,
                "members": [
                    {
                        "nik": m.nik if m.pk == resident.pk else mask_number(m.nik),
                        "full_name": m.full_name,
                        "relationship": m.get_relationship_display(),
                        "birth_date": m.birth_date.isoformat(),
                    }
                    for m in family_members(resident)
                ],
            }
    data["one_time_codes"] = [
        {
            "purpose": c.purpose,
            "channel": c.channel,
            "created_at": _iso(c.created_at),
            "used_at": _iso(c.used_at),
        }
        for c in user.one_time_codes.all()
    ]
    data["notifications"] = [
        {
            "template": m.template,
            "channel": m.channel,
            "status": m.status,
            "created_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in Message.objects.filter(user=user).order_by("created_at")
    ]
    data["activity"] = [
        {
            "at": _iso(e.created_at),
            "action": e.action,
            "by": e.actor_label,
            "on_behalf_of": e.on_behalf_of_id == user.pk,
            "object": e.object_label,
            "purpose": e.purpose,
        }
        for e in activity_for(user).order_by("created_at", "id")
    ]
    record("account.data.exported", actor=user, obj=user, ip_address=ip_address)
    return data
