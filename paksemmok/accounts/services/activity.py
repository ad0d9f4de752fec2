"""The resident's activity log: what was done by, for or about their account."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

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


def action_labels() -> dict[str, str]:
    return {
        "account.registered": _("Pendaftaran akun"),
        "account.verified": _("Akun diverifikasi"),
        "account.signed_in": _("Masuk"),
        "account.signed_out": _("Keluar"),
        "account.signed_out_everywhere": _("Keluar dari semua perangkat"),
        "account.password_reset.requested": _("Permintaan kode atur ulang kata sandi"),
        "account.password.reset": _("Kata sandi diganti"),
        "account.preferences.changed": _("Pengaturan pemberitahuan diubah"),
        "account.data.exported": _("Data pribadi diunduh"),
        "account.profile.viewed": _("Profil dibuka"),
        "account.code.burned": _("Kode dibatalkan karena terlalu banyak salah"),
        "account.phone.released": _("Nomor HP dilepas dari akun yang belum diverifikasi"),
        "account.acting.requested": _("Pendamping desa meminta izin"),
        "account.acting.started": _("Pendamping desa mulai bertindak atas nama Anda"),
        "account.acting.stopped": _("Pendamping desa berhenti bertindak atas nama Anda"),
        "account.totp.enrolled": _("Autentikator dipasang"),
        "account.totp.verified": _("Verifikasi dua langkah"),
        "personal_data.read": _("Data Anda dibuka petugas"),
    }


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
        "label": action_labels().get(entry.action, entry.action),
        "who": who,
        "object": entry.object_label,
        "purpose": entry.purpose,
    }
