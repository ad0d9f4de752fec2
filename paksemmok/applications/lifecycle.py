"""The one place that says which states an application has and what each state allows.

Service functions (services.py) move an application only through `transition(app, action)`,
which checks ALLOWED and sets the state TARGET names; actions that change no state (EDIT)
ask `ensure_allowed`. Views ask `allowed(status, action)` to decide which buttons to show.
Adding a state or an action means editing these tables, nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from paksemmok.errors import DomainError


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Dikirim")
    IN_REVIEW = "in_review", _("Diperiksa petugas")
    RETURNED = "returned", _("Dikembalikan untuk dilengkapi")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    CANCELLED = "cancelled", _("Dibatalkan")
    COMPLETED = "completed", _("Selesai")


class Action(models.TextChoices):
    EDIT = "edit", _("Ubah")
    SUBMIT = "submit", _("Kirim")
    RESUBMIT = "resubmit", _("Kirim ulang")
    CANCEL = "cancel", _("Batalkan")
    START_REVIEW = "start_review", _("Mulai periksa")
    STOP_REVIEW = "stop_review", _("Lepas pemeriksaan")
    RETURN = "return", _("Kembalikan")
    REJECT = "reject", _("Tolak")
    APPROVE = "approve", _("Setujui")
    COMPLETE = "complete", _("Selesaikan")


# Which actions each state allows, and where each action leads. Cancelling is open until a
# decision: the resident may withdraw while staff are still looking at it.
ALLOWED: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Action.EDIT, Action.SUBMIT, Action.CANCEL}),
    Status.SUBMITTED: frozenset(
        {Action.START_REVIEW, Action.RETURN, Action.REJECT, Action.APPROVE, Action.CANCEL}
    ),
    Status.IN_REVIEW: frozenset(
        {Action.STOP_REVIEW, Action.RETURN, Action.REJECT, Action.APPROVE, Action.CANCEL}
    ),
    Status.RETURNED: frozenset({Action.EDIT, Action.RESUBMIT, Action.CANCEL}),
    Status.APPROVED: frozenset({Action.COMPLETE}),
    Status.REJECTED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.COMPLETED: frozenset(),
}
TARGET: dict[str, str] = {
    Action.SUBMIT: Status.SUBMITTED,
    Action.RESUBMIT: Status.SUBMITTED,
    Action.CANCEL: Status.CANCELLED,
    Action.START_REVIEW: Status.IN_REVIEW,
    Action.STOP_REVIEW: Status.SUBMITTED,
    Action.RETURN: Status.RETURNED,
    Action.REJECT: Status.REJECTED,
    Action.APPROVE: Status.APPROVED,
    Action.COMPLETE: Status.COMPLETED,
}
# Awaiting a decision: one per person and service at a time; the deadline clock runs (except
# while returned, when the resident holds it).
OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED)
CLOCK_RUNNING = (Status.SUBMITTED, Status.IN_REVIEW)
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.COMPLETED)


class ApplicationError(DomainError):
    """A transition or change that is not possible now; the message is shown to the user."""

    code = "application_conflict"


def allowed(status: str, action: str) -> bool:
    return action in ALLOWED.get(status, frozenset())


def transition(application: Any, action: str) -> str:
    """Moves `application` (the row the caller locked and will save) by `action` to the state
    TARGET names, if the current state allows it; returns the state it left."""
    before = application.status
    ensure_allowed(before, action)
    application.status = TARGET[action]
    return before


def ensure_allowed(status: str, action: str) -> None:
    if not allowed(status, action):
        raise ApplicationError(
            _("Permohonan berstatus “%(status)s” tidak dapat di-%(action)s.")
            % {"status": Status(status).label, "action": str(Action(action).label).lower()}
        )
