"""Who may download an issued document. Anyone else gets 404 (a 403 would confirm it)."""

from __future__ import annotations

from typing import Any

from paksemmok.applications.access import staff_may_view

from .models import IssuedDocument


def resident_may_download(user: Any, document: IssuedDocument) -> bool:
    """The applicant, the person the document is about, or a member of its family (KK)."""
    if not user.is_authenticated or user.is_staff_member:
        return False
    application = document.application
    if application is not None and user.pk in (application.applicant_id, application.filed_by_id):
        return True
    resident = getattr(user, "resident", None)
    if resident is None:
        return False
    if document.subject_id == resident.pk:
        return True
    if document.family_version_id and resident.family_id:
        return document.family_version.family_id == resident.family_id
    return False


def staff_may_download(user: Any, document: IssuedDocument) -> bool:
    if not (user.is_authenticated and user.is_staff_member):
        return False
    if document.application is not None:
        return staff_may_view(user, document.application)
    return user.role in ("supervisor", "admin")
