"""Every change to an application, one function per act (pretix style).

Each function checks the current state against lifecycle.ALLOWED, changes the row inside one
transaction holding its row lock (select_for_update), records an Event (the resident's
history) and an audit entry (dotted codes `applications.application.<act>`), and queues the
resident's notification with notify(), whose outbox row commits or rolls back with the change.
Views and the API only call these.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from paksemmok.audit.log import record
from paksemmok.catalog.fields import Prefill, field_defs
from paksemmok.catalog.models import DeficiencyReason, Requirement, Variant
from paksemmok.notifications.services import notify, one_message_per_recipient
from paksemmok.population.models import Resident
from paksemmok.storage import storage_errors

from .checks import (
    Problem,
    SubmissionRejected,
    check_application,
    check_subject,
    duplicate_problem,
    field_label,
    open_duplicate,
    subject_key,
)
from .deadlines import deadline_for
from .items import APPLICATION_ITEM, DOC, FIELD, Item, field_codes
from .lifecycle import Action, ApplicationError, Status, ensure_allowed, transition
from .models import Application, ApplicationDocument, Decision, DecisionReason, Event
from .signals import application_completed
from .uploads import UploadRejected, clean_upload, display_name

logger = logging.getLogger("paksemmok.applications")

__all__ = [
    "ApplicationError",
    "SubmissionRejected",
    "UploadRejected",
    "approve_application",
    "attach_document",
    "cancel_application",
    "complete_application",
    "create_draft",
    "reject_application",
    "resubmit_application",
    "return_application",
    "save_draft",
    "start_review",
    "stop_review",
    "submit_application",
]


# --- helpers ---------------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    """The row again, locked for this transaction: a double-clicked submit or a staff member
    deciding at the same moment waits here and then sees the new state."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins (subject).
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("variant", "service", "applicant", "subject", "family__village")
        .get(pk=application.pk)
    )


def _refresh(target: Application, source: Application) -> None:
    # Callers keep using the instance they passed in; bring it up to date.
    for f in Application._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _on_behalf_of(application: Application, actor: Any) -> Any:
    # A village helper filing for a resident: the audit names both.
    return application.applicant if actor.pk != application.applicant_id else None


def _log(
    application: Application,
    action: str,
    actor: Any,
    *,
    from_status: str = "",
    note: str = "",
    details: dict[str, Any] | None = None,
    on_behalf_of: Any = None,
    history_only: dict[str, Any] | None = None,
) -> None:
    # `history_only`: what the application's own history keeps but the audit log must not
    # copy (field values are personal data; see save_draft).
    Event.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=application.status,
        note=note,
        details={**(details or {}), **(history_only or {})},
    )
    record(
        f"applications.application.{action}",
        actor=actor,
        obj=application,
        on_behalf_of=on_behalf_of,
        details={"from": from_status, "to": application.status, **(details or {})},
    )


def deficiency_display(
    application: Application, deficiencies: list[dict[str, str]]
) -> list[dict[str, str]]:
    """The items as words: requirement or field name, reason name, the officer's note."""
    if not deficiencies:
        return []  # nothing to name: no catalogue reads (every submission's message)
    requirements = {r.code: r.name for r in application.variant.requirements.all()}
    reasons = dict(DeficiencyReason.objects.values_list("code", "name"))
    shown = []
    for d in deficiencies:
        part = Item.parse(d.get("item", ""))
        item = (
            requirements.get(part.code, part.code)
            if part.kind == DOC
            else (field_label(part.code) if part.kind == FIELD else _("Permohonan"))
        )
        shown.append(
            {
                "item": str(item),
                "reason": reasons.get(d.get("reason", ""), ""),
                "note": d.get("note", ""),
                "code": d.get("item", ""),
            }
        )
    return shown


def _notify(application: Application, kind: str, deficiencies: list | None = None) -> None:
    from django.conf import settings

    context: dict[str, Any] = {
        "kind": kind,
        "reference": application.reference,
        "url": reverse("applications:detail", args=[application.reference]),
        "deficiencies": deficiency_display(application, deficiencies or []),
    }
    if kind == "submitted" and application.deadline_at:
        # The promise follows what the deadline counts (backoffice.deadlines).
        context.update(
            deadline=application.deadline_at,
            hours=application.variant.deadline_hours,
            deadline_mode=settings.BACKOFFICE_DEADLINE_MODE,
        )
    notify(template="status_change", user=application.applicant, context=context)


def _ensure_staff(actor: Any) -> None:
    if not getattr(actor, "is_staff_member", False):
        raise ApplicationError(_("Hanya petugas yang dapat memutuskan permohonan."))


# --- the resident's side ---------------------------------------------------------------------


def prefilled_data(
    variant: Variant, subject: Resident | None, family: Any, applicant_resident: Resident | None
) -> dict[str, Any]:
    source = Prefill(subject=subject, family=family, applicant=applicant_resident)
    data: dict[str, Any] = {}
    for fdef in field_defs(variant.form_fields):
        if fdef.prefill:
            value = fdef.prefill(source)
            if value not in (None, ""):
                data[fdef.code] = fdef.to_json(value)
    return data


def create_draft(
    *, applicant: Any, variant: Variant, subject: Resident | None = None, filed_by: Any = None
) -> Application:
    """Starts (or resumes) a draft for `subject` (None: a newborn) filed by `filed_by`.

    Eligibility is checked now, so a resident learns before filling the form that, say, an
    e-KTP needs perekaman first. An existing draft for the same variant and person is
    returned instead of a second one (a double tap, or another device). Not for a newborn:
    twins and triplets each get their own draft, and starting the second must never hand
    back (and so overwrite) the first one's; an open draft is resumed from "Permohonan saya"."""
    problems = check_subject(variant, subject, applicant)
    if problems:
        raise SubmissionRejected(problems)
    family = applicant.resident.family
    filed_by = filed_by or applicant
    with transaction.atomic():
        existing = (
            Application.objects.select_for_update()
            .filter(applicant=applicant, variant=variant, subject=subject, status=Status.DRAFT)
            .first()
            if subject is not None
            else None
        )
        if existing is not None:
            return existing
        application = Application(
            variant=variant,
            service=variant.service,
            applicant=applicant,
            filed_by=filed_by,
            subject=subject,
            family=family,
            data=prefilled_data(variant, subject, family, applicant.resident),
        )
        application.subject_key = subject_key(variant, subject, family, application.data)
        if subject is not None:
            first = open_duplicate(application)
            if first is not None:
                raise SubmissionRejected([duplicate_problem(first)])
        application.save()
        _log(
            application,
            "created",
            filed_by,
            on_behalf_of=_on_behalf_of(application, filed_by),
            details={"variant": variant.code},
        )
    return application


def save_draft(application: Application, *, data: dict[str, Any], actor: Any) -> Application:
    """Stores form answers. After a return only the fields the officer listed may change."""
    with transaction.atomic():
        app = _locked(application)
        ensure_allowed(app.status, Action.EDIT)
        known = {f.code: f for f in field_defs(app.variant.form_fields)}
        incoming = {k: known[k].to_json(v) for k, v in data.items() if k in known}
        changed = sorted(
            k
            for k, v in incoming.items()
            if app.data.get(k, "") != v
            and not (v in ("", None, False) and app.data.get(k) in ("", None, False))
        )
        if app.status == Status.RETURNED:
            allowed = field_codes(app.deficient_items())
            locked = [k for k in changed if k not in allowed]
            if locked:
                raise ApplicationError(
                    _("Hanya bagian yang diminta petugas yang dapat diubah; %(fields)s tidak.")
                    % {"fields": ", ".join(field_label(k) for k in locked)}
                )
        if changed:
            before_values = {k: app.data.get(k, "") for k in changed}
            app.data = {**app.data, **{k: incoming[k] for k in changed}}
            app.save(update_fields=["data", "updated_at"])
            if app.status == Status.RETURNED:
                # Which fields, never their values: the audit log must not copy personal data.
                _log(
                    app,
                    "corrected",
                    actor,
                    from_status=app.status,
                    on_behalf_of=_on_behalf_of(app, actor),
                    details={"fields": changed},
                    # The re-review shows old beside new (issue 15).
                    history_only={
                        "before": before_values,
                        "after": {k: app.data[k] for k in changed},
                    },
                )
    _refresh(application, app)
    return application


def attach_document(
    application: Application, requirement: Requirement, upload: UploadedFile, *, actor: Any
) -> ApplicationDocument:
    """Checks, re-encodes and stores one file for one requirement; raises UploadRejected
    with the reason. The earlier file for the slot is kept, marked replaced, once the
    application has been sent; in a never-sent draft it is simply deleted."""
    from django.conf import settings

    if requirement.variant_id != application.variant_id:
        raise ApplicationError(_("Persyaratan ini bukan untuk jenis permohonan ini."))
    ensure_allowed(application.status, Action.EDIT)
    # The expensive part (decode, re-encode) runs before the row lock is taken.
    clean = clean_upload(
        upload, file_kinds=requirement.file_kinds, max_bytes=requirement.max_size_kb * 1024
    )
    document = ApplicationDocument(
        application=application,
        requirement=requirement,
        content_type=clean.content_type,
        size=clean.size,
        sha256=clean.sha256,
        original_name=display_name(upload.name or ""),
        width=clean.width,
        height=clean.height,
        pages=clean.pages,
        quality_flags=clean.quality,
        uploaded_by=actor,
    )
    # Stored first: a file without a row is harmless garbage (removed below on failure, or by
    # the orphan sweep after a crash); a row without its file would be a broken application.
    # The storage writes whole files or none (paksemmok/storage.py); a full or unreachable store
    # becomes StorageUnavailable, which pages and the API answer in Indonesian with a code.
    with storage_errors():
        document.file.save(f"upload.{clean.extension}", ContentFile(clean.content), save=False)
    try:
        with transaction.atomic():
            app = _locked(application)
            ensure_allowed(app.status, Action.EDIT)
            if (
                app.status == Status.RETURNED
                and Item.doc(requirement.code) not in app.deficient_items()
            ):
                raise ApplicationError(_("Berkas ini tidak diminta untuk diperbaiki."))
            # One locked read of the current files gives both the slot's earlier file and
            # the total of the others (issue 14: fewer queries per upload).
            current = list(app.current_documents().select_for_update().order_by("id"))
            previous = next((d for d in current if d.requirement_id == requirement.pk), None)
            others = sum(d.size for d in current if d.requirement_id != requirement.pk)
            limit = settings.APPLICATIONS_MAX_TOTAL_BYTES
            if others + clean.size > limit:
                raise UploadRejected(
                    _("Total berkas permohonan melebihi %(limit)s MB. Perkecil foto atau PDF.")
                    % {"limit": limit // (1024 * 1024)}
                )
            now = timezone.now()
            document.application = app
            document.round = app.round
            document.uploaded_at = now
            if previous is not None:
                if app.submitted_at is None:
                    old_name = previous.file.name
                    storage = previous.file.storage
                    previous.delete()
                    transaction.on_commit(lambda: storage.delete(old_name))
                else:
                    previous.replaced_at = now
                    previous.save(update_fields=["replaced_at"])
            document.save()
            if previous is not None and previous.pk:
                previous.replaced_by = document
                previous.save(update_fields=["replaced_by"])
            record(
                "applications.document.uploaded",
                actor=actor,
                obj=app,
                on_behalf_of=_on_behalf_of(app, actor),
                details={
                    "requirement": requirement.code,
                    "size": clean.size,
                    "type": clean.content_type,
                    "sha256": clean.sha256,
                    # The file as sent (it is not kept: only its rebuilt copy is stored).
                    "original_sha256": clean.original_sha256,
                    "quality": clean.quality,
                    "replaces": previous.pk if previous is not None else None,
                },
            )
    except BaseException:
        try:
            document.file.storage.delete(document.file.name)
        except Exception:  # the store failing now too: the orphan sweep removes it later
            logger.exception("could not remove the file of a failed upload")
        raise
    return document


def submit_application(application: Application, *, actor: Any) -> Application:
    """Sends a draft: runs every check, starts the deadline clock, tells the resident."""
    with transaction.atomic(), one_message_per_recipient():
        app = _locked(application)
        ensure_allowed(app.status, Action.SUBMIT)
        problems = check_application(app)
        if problems:
            raise SubmissionRejected(problems)
        now = timezone.now()
        before = transition(app, Action.SUBMIT)
        app.submitted_at = now
        app.deadline_at = deadline_for(now, app.variant.deadline_hours)
        app.round = 1
        if app.first_submitted_at is None:
            app.first_submitted_at = now
            app.village_id = app.family.village_id
            app.kecamatan_id = app.family.village.parent_id
        _save_open(app)
        _log(app, "submitted", actor, from_status=before, on_behalf_of=_on_behalf_of(app, actor))
        _notify(app, "submitted")
    _refresh(application, app)
    return application


def _save_open(app: Application) -> None:
    # The partial unique index settles a race the check above cannot: two sessions sending
    # for the same person at the same moment.
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError as exc:
        first = open_duplicate(app)
        if first is None:
            raise
        raise SubmissionRejected([duplicate_problem(first)]) from exc


def resubmit_application(application: Application, *, actor: Any, note: str = "") -> Application:
    """Sends a returned application again. Every file the officer asked for must be new;
    the deadline restarts from now. `note`: the resident's word to the officer."""
    with transaction.atomic(), one_message_per_recipient():
        app = _locked(application)
        ensure_allowed(app.status, Action.RESUBMIT)
        problems: list[Problem] = []
        fresh = {
            d.requirement.code
            for d in app.current_documents().select_related("requirement")
            if app.returned_at and d.uploaded_at >= app.returned_at
        }
        for item in sorted(app.deficient_items()):
            if item.is_doc and item.code not in fresh:
                problems.append(Problem(item, _("Unggah berkas pengganti sesuai catatan petugas.")))
        problems += check_application(app)
        if problems:
            raise SubmissionRejected(problems)
        now = timezone.now()
        before = transition(app, Action.RESUBMIT)
        app.submitted_at = now
        app.deadline_at = deadline_for(now, app.variant.deadline_hours)
        app.round += 1
        app.deficiencies = []
        _save_open(app)
        _log(
            app,
            "resubmitted",
            actor,
            from_status=before,
            note=note.strip()[:500],
            on_behalf_of=_on_behalf_of(app, actor),
            details={"round": app.round},
        )
        _notify(app, "submitted")
    _refresh(application, app)
    return application


def cancel_application(application: Application, *, actor: Any, reason: str = "") -> Application:
    """Withdraws an application that is not yet decided."""
    with transaction.atomic(), one_message_per_recipient():
        app = _locked(application)
        before = transition(app, Action.CANCEL)
        app.decided_at = timezone.now()
        app.save(update_fields=["status", "decided_at", "updated_at"])
        _log(
            app,
            "cancelled",
            actor,
            from_status=before,
            note=reason[:500],
            on_behalf_of=_on_behalf_of(app, actor) if not actor.is_staff_member else None,
        )
        if before != Status.DRAFT:
            _notify(app, "cancelled")
    _refresh(application, app)
    return application


# --- the staff side (the back office calls these) -------------------------------------------


def start_review(application: Application, *, actor: Any) -> Application:
    """An officer takes the application: it is now theirs to decide."""
    _ensure_staff(actor)
    with transaction.atomic():
        app = _locked(application)
        before = transition(app, Action.START_REVIEW)
        app.save(update_fields=["status", "updated_at"])
        _log(app, "review_started", actor, from_status=before)
    _refresh(application, app)
    return application


def stop_review(application: Application, *, actor: Any = None) -> Application:
    """The officer let go (or the claim expired): it waits in the queue again, and the
    resident and staff see it as waiting, not as being examined by someone."""
    with transaction.atomic():
        app = _locked(application)
        if app.status != Status.IN_REVIEW:
            return application
        ensure_allowed(app.status, Action.STOP_REVIEW)
        app.status = Status.SUBMITTED
        app.save(update_fields=["status", "updated_at"])
        _log(app, "review_stopped", actor, from_status=Status.IN_REVIEW)
    _refresh(application, app)
    return application


def validate_deficiencies(
    application: Application, deficiencies: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Each item names a requirement (`doc:<code>`) or field (`field:<code>`) of this
    variant, or `application` as a whole, with a reason code from the catalogue."""
    if not deficiencies:
        raise ApplicationError(_("Sebutkan paling sedikit satu kekurangan."))
    docs = {r.code for r in application.variant.requirements.all()}
    fields = set(application.variant.form_fields)
    reasons = set(DeficiencyReason.objects.filter(is_active=True).values_list("code", flat=True))
    clean = []
    for d in deficiencies:
        item = Item.parse(d.get("item", ""))
        valid_item = (
            (item.is_doc and item.code in docs)
            or (item.is_field and item.code in fields)
            or item == APPLICATION_ITEM
        )
        if not valid_item:
            raise ApplicationError(
                _("Bagian “%(item)s” tidak ada pada permohonan ini.") % {"item": d.get("item", "")}
            )
        if d.get("reason") not in reasons:
            raise ApplicationError(
                _("Alasan “%(reason)s” tidak dikenal.") % {"reason": d.get("reason", "")}
            )
        clean.append(
            {
                "item": str(d["item"]),
                "reason": str(d["reason"]),
                "note": str(d.get("note", ""))[:500],
            }
        )
    return clean


def _record_decision(
    app: Application, outcome: str, actor: Any, items: list[dict[str, str]] = ()
) -> Decision:
    """The fact the dashboards count (see models.Decision): this sending, its clock, its
    answer."""
    decided_at = app.decided_at if outcome != Decision.Outcome.RETURNED else app.returned_at
    started = app.submitted_at or decided_at
    deadline = app.deadline_at or started
    decision = Decision.objects.create(
        application=app,
        round=app.round,
        outcome=outcome,
        officer=actor,
        service_id=app.service_id,
        variant_id=app.variant_id,
        village_id=app.village_id,
        kecamatan_id=app.kecamatan_id,
        submitted_at=started,
        deadline_at=deadline,
        decided_at=decided_at,
        seconds_to_decision=max(0, int((decided_at - started).total_seconds())),
        within_deadline=decided_at <= deadline,
    )
    DecisionReason.objects.bulk_create(
        DecisionReason(
            decision=decision,
            decided_at=decided_at,
            service_id=app.service_id,
            item=i["item"][:60],
            reason=i["reason"][:40],
        )
        for i in items
    )
    return decision


def _decide_with_items(
    application: Application,
    deficiencies: list[dict[str, str]],
    actor: Any,
    *,
    action: str,
    stamp: str,
    verb: str,
) -> Application:
    """Return and reject share one shape: the itemised list is validated, stored, logged and
    sent to the resident in the same transaction as the status change."""
    _ensure_staff(actor)
    with transaction.atomic():
        app = _locked(application)
        ensure_allowed(app.status, action)
        items = validate_deficiencies(app, deficiencies)
        before = transition(app, action)
        setattr(app, stamp, timezone.now())
        app.deficiencies = items
        app.save(update_fields=["status", stamp, "deficiencies", "updated_at"])
        _record_decision(app, verb, actor, items)
        _log(app, verb, actor, from_status=before, details={"deficiencies": items})
        _notify(app, verb, items)
    _refresh(application, app)
    return application


def return_application(
    application: Application, deficiencies: list[dict[str, str]], actor: Any
) -> Application:
    """Sends it back with an itemised list; the clock stops until the resident resubmits."""
    return _decide_with_items(
        application,
        deficiencies,
        actor,
        action=Action.RETURN,
        stamp="returned_at",
        verb="returned",
    )


def reject_application(
    application: Application, deficiencies: list[dict[str, str]], actor: Any
) -> Application:
    """Refuses it for good (e.g. not eligible); the reasons are told to the resident."""
    return _decide_with_items(
        application,
        deficiencies,
        actor,
        action=Action.REJECT,
        stamp="decided_at",
        verb="rejected",
    )


def approve_application(application: Application, actor: Any) -> Application:
    """Records the approval and tells the resident. Staff approve through
    `backoffice.services.approve`, which runs this and the register effects and documents
    (`issuance.effects`) in one transaction."""
    _ensure_staff(actor)
    with transaction.atomic():
        app = _locked(application)
        before = transition(app, Action.APPROVE)
        app.decided_at = timezone.now()
        app.save(update_fields=["status", "decided_at", "updated_at"])
        _record_decision(app, Decision.Outcome.APPROVED, actor)
        _log(app, "approved", actor, from_status=before)
        _notify(app, "approved")
    _refresh(application, app)
    return application


def complete_application(application: Application, *, actor: Any) -> Application:
    """The resident has what they asked for: the documents are issued, or the last card is
    collected. Listeners of `application_completed` (the satisfaction survey) act in the same
    transaction."""
    with transaction.atomic():
        app = _locked(application)
        before = transition(app, Action.COMPLETE)
        app.completed_at = timezone.now()
        app.save(update_fields=["status", "completed_at", "updated_at"])
        _log(app, "completed", actor, from_status=before)
        application_completed.send(sender=Application, application=app)
    _refresh(application, app)
    return application
