"""What a resident's pages and the API both read: the people an applicant may apply for and
the applicant's own applications. One function each, so a page and an endpoint never list
different things."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from paksemmok.population.models import Resident
from paksemmok.population.services import living_members

from .lifecycle import Status
from .models import Application


def subjects_for(applicant: Any) -> list[Resident]:
    """The living members of the applicant's own KK, in KK order: the only people an
    application may be about (a newborn has no record yet). Empty without a KK; starting a
    draft then says why (`checks.check_subject`)."""
    own = getattr(applicant, "resident", None)
    if own is None or not own.family_id:
        return []
    return living_members(own.family)


def subject_for(applicant: Any, subject_id: int | str) -> Resident | None:
    """The chosen member if `subject_id` names one of `subjects_for(applicant)`, else None.
    Deliberately no difference between an id that exists elsewhere and one that does not."""
    return next((m for m in subjects_for(applicant) if str(m.pk) == str(subject_id)), None)


def applications_of(applicant: Any) -> QuerySet[Application]:
    """The applicant's applications, newest first, without drafts cancelled before they were
    ever sent (a resident who gave up on a draft does not want it listed)."""
    return (
        Application.objects.filter(applicant=applicant)
        .exclude(status=Status.CANCELLED, submitted_at__isnull=True)
        .select_related("variant", "service", "subject")
    )
