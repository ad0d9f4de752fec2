"""Who may download an issued document. Anyone else gets 404 (a 403 would confirm it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from paksemmok.accounts.models import User
from paksemmok.applications.access import staff_may_view

from .models import IssuedDocument


def resident_may_download(user: Any, document: IssuedDocument, acting_for: Any = None) -> bool:
    """The applicant, the person the document is about, or a member of its family (KK).

    A village helper downloads only while acting for such a resident (`acting_for`, the
    grant in force), judged as that resident; the end of the grant ends the access.
    """
    if not user.is_authenticated or user.is_staff_member:
        return False
    if getattr(user, "role", None) == "helper":
        if acting_for is None or acting_for.pk == user.pk:
            return False
        return resident_may_download(acting_for, document)
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
    return user.role in User.SUPERVISING_ROLES


def find_by_code(code: str) -> IssuedDocument | None:
    """The document a verification code (typed, or read from the QR) names, if any.

    Codes are 16 letters and digits; anything else cannot be one, so it is not looked up.
    """
    code = code.strip().upper()
    if not code.isalnum() or len(code) > 16:
        return None
    return IssuedDocument.objects.select_related("superseded_by").filter(code=code).first()


def documents_for(user: Any) -> list[IssuedDocument]:
    """The documents a resident may download: their own, their applications' and their KK's.

    The query narrows the candidates; `resident_may_download` decides each one, so the list
    and the download view can never disagree.
    """
    resident = getattr(user, "resident", None)
    if resident is None or getattr(user, "is_staff_member", False):
        return []
    mine = Q(application__applicant=user) | Q(subject=resident)
    if resident.family_id:
        mine |= Q(family_version__family_id=resident.family_id)
    candidates = (
        IssuedDocument.objects.filter(mine)
        .exclude(pdf="")
        .select_related("application", "family_version")
        .order_by("-issued_at")
    )
    return [d for d in candidates if resident_may_download(user, d)]
