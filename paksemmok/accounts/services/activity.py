"""The resident's activity log: what was done by, for or about their account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from paksemmok.audit.labels import audit_label
from paksemmok.audit.models import AuditEntry
from paksemmok.population.models import Family, Resident

from ..models import User


def activity_for(user: User) -> QuerySet[AuditEntry]:
    """Audit entries by the user, on their behalf, or about their account or register data."""
    about = Q(object_type=User._meta.label_lower, object_id=str(user.pk))
    if user.resident_id:
        about |= Q(object_type=Resident._meta.label_lower, object_id=str(user.resident_id))
        if user.resident.family_id:
            about |= Q(object_type=Family._meta.label_lower, object_id=str(user.resident.family_id))
    return AuditEntry.objects.filter(Q(actor=user) | Q(on_behalf_of=user) | about).select_related(
        "actor"
    )


def describe_entry(entry: AuditEntry, user: User) -> dict[str, Any]:
    """One line of the resident's activity page. Staff are named by role, not by name: the
    resident learns that and why Disdukcapil read their data; staff names stay internal."""
    actor = entry.actor
    if actor is None:
        who = _("Sistem")
    elif actor.pk == user.pk:
        who = _("Anda")
    elif actor.is_staff_member:
        who = _("Petugas Disdukcapil (%(role)s)") % {"role": actor.get_role_display()}
    else:
        who = actor.get_full_name() or actor.get_username()
    if entry.on_behalf_of_id == user.pk and actor is not None and actor.pk != user.pk:
        who = _("%(who)s atas nama Anda") % {"who": who}
    return {
        "at": entry.created_at,
        "label": audit_label(entry.action),
        "who": who,
        "object": entry.object_label,
        "purpose": entry.purpose,
    }


VISIT_GAP = dt.timedelta(minutes=30)


def grouped_activity(entries: list[AuditEntry], user: User) -> list[dict[str, Any]]:
    """The lines of the activity page. One staff visit reads several things (the
    application, the register record, the KK, each file); the resident sees one line per
    visit: the same officer and purpose, reads less than 30 minutes apart (newest first)."""
    lines: list[dict[str, Any]] = []
    last_read: AuditEntry | None = None
    for entry in entries:
        if (
            entry.action == "personal_data.read"
            and last_read is not None
            and lines
            and entry.actor_id == last_read.actor_id
            and entry.purpose == last_read.purpose
            and last_read.created_at - entry.created_at <= VISIT_GAP
        ):
            lines[-1]["count"] += 1
            lines[-1]["at"] = entry.created_at  # the visit's start
            last_read = entry
            continue
        line = describe_entry(entry, user)
        line["count"] = 1
        lines.append(line)
        last_read = entry if entry.action == "personal_data.read" else None
    return lines
