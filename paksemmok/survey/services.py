"""Inviting to the survey and recording an answer. Views only call these."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from paksemmok.applications.lifecycle import Status
from paksemmok.errors import DomainError
from paksemmok.notifications.services import notify

from .models import SurveyInvitation, SurveyResponse
from .questions import FIELDS, VALUES

logger = logging.getLogger("paksemmok.survey")


class SurveyError(DomainError):
    """The answer cannot be recorded; the message is shown to the resident. `code` says
    why: "invalid", "answered" (a second submit) or "expired"."""

    code = "invalid"
    status = 400


def response_days() -> int:
    return int(getattr(settings, "SURVEY_RESPONSE_DAYS", 30))


def invite(application: Any) -> SurveyInvitation | None:
    """Creates the invitation for a completed application and queues the message, in the
    caller's transaction (the completion's). Returns None if it was already invited: the
    completion signal fires once, but a second invitation must never be sent anyway."""
    now = timezone.now()
    days = response_days()
    invitation, created = SurveyInvitation.objects.get_or_create(
        application=application,
        defaults={
            "applicant_id": application.applicant_id,
            "created_at": now,
            "expires_at": now + dt.timedelta(days=days),
        },
    )
    if not created:
        return None
    notify(
        template="survey_invitation",
        user=application.applicant,
        context={
            "reference": application.reference,
            "url": reverse("survey:answer", args=[application.reference]),
            "days": days,
        },
    )
    return invitation


def on_application_completed(sender: Any, application: Any, **kwargs: Any) -> None:
    """Receiver of applications.signals.application_completed (sent inside the completing
    transaction): the invitation and its message commit or roll back with the completion."""
    invite(application)


def pending_invitation(application: Any) -> SurveyInvitation | None:
    """The invitation the resident can still answer, for the banner on the application page."""
    if application.status != Status.COMPLETED:
        return None
    invitation = SurveyInvitation.objects.filter(application=application).first()
    if invitation is None or invitation.is_answered or invitation.is_expired():
        return None
    return invitation


def _clean(answers: dict[str, Any]) -> dict[str, int]:
    cleaned = {}
    for field in FIELDS:
        try:
            value = int(answers[field])
        except (KeyError, TypeError, ValueError):
            value = None
        if value not in VALUES:
            raise SurveyError(_("Jawab kesembilan pertanyaan dengan nilai 1 sampai 4."))
        cleaned[field] = value
    return cleaned


def already_answered() -> str:
    return _("Survei untuk permohonan ini sudah diisi. Terima kasih.")


def submit_response(
    invitation: SurveyInvitation, *, answers: dict[str, Any], comment: str = ""
) -> SurveyResponse:
    """Records the one response for this invitation. A second submit (another tab, a double
    click, a race) gets SurveyError, never a second row: the invitation row is locked, and
    the unique application key settles what the lock cannot (SQLite)."""
    cleaned = _clean(answers)
    try:
        with transaction.atomic():
            locked = (
                SurveyInvitation.objects.select_for_update()
                .select_related("application")
                .get(pk=invitation.pk)
            )
            if locked.is_answered:
                raise SurveyError(already_answered(), "answered")
            now = timezone.now()
            if locked.is_expired(now):
                raise SurveyError(_("Masa pengisian survei ini sudah berakhir."), "expired")
            app = locked.application
            response = SurveyResponse.objects.create(
                application=app,
                service_id=app.service_id,
                variant_id=app.variant_id,
                answered_at=now,
                comment=(comment or "").strip(),
                **cleaned,
            )
            locked.responded_at = now
            locked.save(update_fields=["responded_at"])
    except IntegrityError as exc:
        if SurveyResponse.objects.filter(application_id=invitation.application_id).exists():
            raise SurveyError(already_answered(), "answered") from exc
        raise
    invitation.responded_at = locked.responded_at
    return response
