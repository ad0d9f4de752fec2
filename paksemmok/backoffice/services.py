"""The staff side: claim, take next, release, reassign, decide (pretix style).

Each function runs in one transaction, checks who holds the application, writes the audit
entry (`backoffice.claim.<act>`; decisions are audited by applications.services) and, for
decisions, applies the register effects (issuance.effects) in the same transaction as the
approval: the decision, the register change and the signed documents commit together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from paksemmok.accounts.models import User
from paksemmok.applications import rules
from paksemmok.applications import services as app_services
from paksemmok.applications.access import staff_may_view
from paksemmok.applications.deadlines import NEAR_HOURS
from paksemmok.applications.lifecycle import CLOCK_RUNNING, ApplicationError, Status
from paksemmok.applications.models import Application
from paksemmok.applications.rules import RulesRefused
from paksemmok.audit.log import record
from paksemmok.db import in_constants
from paksemmok.errors import DomainError
from paksemmok.issuance.effects import apply_approval
from paksemmok.issuance.models import IssuedDocument
from paksemmok.issuance.services import files_removed_on_failure, pdfs_after_commit
from paksemmok.notifications.services import one_message_per_recipient
from paksemmok.population.services import RegisterError

from .models import Claim
from .queues import queue_for


class BackofficeError(DomainError):
    """An act refused now (someone else holds it, already decided); the message is shown to
    staff, the code tells programs (the API) which case it is: "claimed_by_other",
    "claim_required", "not_pending", "not_permitted", "rule_violation" (a register rule no
    longer holds; `details` lists each with its rule code), "duplicate_needs_supervisor",
    "duplicate_reason_required", or "refused" (the rules of the applications or the register
    said no; see __cause__)."""

    def api_error(self) -> tuple[str, str, Any, int]:
        """A decision the applications rules refused (the deficiency list) and a register
        change that cannot be made are told apart by the cause."""
        code = self.code
        if code == "refused" and isinstance(self.__cause__, ApplicationError):
            code = "decision_refused"
        elif code == "refused" and isinstance(self.__cause__, RegisterError):
            code = "register_conflict"
        elif code == "refused":
            code = "backoffice_conflict"
        return code, self.message, self.details, BACKOFFICE_STATUS.get(code, 409)


BACKOFFICE_STATUS = {
    "rule_violation": 422,
    "duplicate_reason_required": 422,
    "decision_refused": 422,
    "duplicate_needs_supervisor": 403,
    "not_permitted": 403,
}


def _may_decide(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in User.DECIDING_ROLES)


def _ensure_may_decide(user: Any) -> None:
    if not _may_decide(user):
        raise BackofficeError(
            _("Hanya operator dan supervisor yang dapat memeriksa permohonan."), "not_permitted"
        )


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service", "variant")
        .get(pk=application.pk)
    )


def _holder_name(claim: Claim) -> str:
    officer = claim.officer
    return officer.get_full_name() or officer.username


def _create_claim(app: Application, actor: Any) -> Claim:
    try:
        with transaction.atomic():
            claim = Claim.objects.create(application=app, officer=actor)
    except IntegrityError as exc:
        raise BackofficeError(
            _("Permohonan ini baru saja diambil petugas lain."), "claimed_by_other"
        ) from exc
    if app.status == Status.SUBMITTED:
        app_services.start_review(app, actor=actor)
    record("backoffice.claim.taken", actor=actor, obj=app)
    return claim


def _ensure_pending(app: Application) -> None:
    """Only an application awaiting a decision can be taken or handed to someone: a claim
    on any other would outlive the review it stands for (a returned one sent again would
    come back "taken" by nobody examining it)."""
    if app.status not in CLOCK_RUNNING:
        raise BackofficeError(
            _("Permohonan ini tidak menunggu keputusan (status: %(status)s).")
            % {"status": app.get_status_display()},
            "not_pending",
        )


def claim_application(application: Application, *, actor: Any) -> Claim:
    """Takes this application for review, unless another officer holds it."""
    _ensure_may_decide(actor)
    with transaction.atomic():
        app = _locked(application)
        if not staff_may_view(actor, app):
            raise BackofficeError(_("Anda tidak menangani layanan ini."), "not_permitted")
        _ensure_pending(app)
        existing = Claim.objects.select_related("officer").filter(application=app).first()
        if existing is not None:
            if existing.officer_id == actor.pk:
                return existing
            raise BackofficeError(
                _("Permohonan ini sedang diperiksa oleh %(name)s.")
                % {"name": _holder_name(existing)},
                "claimed_by_other",
            )
        claim = _create_claim(app, actor)
    application.refresh_from_db()
    return claim


def take_next(*, actor: Any) -> Application | None:
    """The unclaimed application with the oldest deadline, claimed for `actor`.

    PostgreSQL: SKIP LOCKED, so officers pressing "take next" at the same moment get
    different applications instead of waiting for each other. SQLite serialises writers, and
    the unique claim per application is the guard either way (retry on a lost race).
    """
    _ensure_may_decide(actor)
    for _attempt in range(5):
        with transaction.atomic():
            candidates = queue_for(actor).filter(claim__isnull=True)
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            app = candidates.select_related("service", "variant").first()
            if app is None:
                return None
            try:
                _create_claim(app, actor)
            except BackofficeError:
                continue
        app.refresh_from_db()
        return app
    return None


def touch_claim(application: Application, actor: Any) -> None:
    Claim.objects.filter(application=application, officer=actor).update(last_seen_at=timezone.now())


def release_claim(application: Application, *, actor: Any, reason: str = "") -> None:
    """The holder lets go, or a supervisor releases it."""
    with transaction.atomic():
        app = _locked(application)
        claim = Claim.objects.filter(application=app).first()
        if claim is None:
            return
        if claim.officer_id != actor.pk and actor.role not in User.SUPERVISING_ROLES:
            raise BackofficeError(
                _("Hanya supervisor yang dapat melepas permohonan petugas lain."), "not_permitted"
            )
        claim.delete()
        app_services.stop_review(app, actor=actor)
        record(
            "backoffice.claim.released",
            actor=actor,
            obj=app,
            details={"officer": claim.officer_id, "reason": reason[:200]},
        )


def reassign(application: Application, *, to: Any, actor: Any) -> Claim:
    if actor.role not in User.SUPERVISING_ROLES:
        raise BackofficeError(
            _("Hanya supervisor yang dapat mengalihkan permohonan."), "not_permitted"
        )
    with transaction.atomic():
        app = _locked(application)
        _ensure_pending(app)
        if not staff_may_view(to, app):
            raise BackofficeError(_("Petugas tujuan tidak menangani layanan ini."), "not_permitted")
        Claim.objects.filter(application=app).delete()
        claim = _create_claim(app, to)
        record("backoffice.claim.reassigned", actor=actor, obj=app, details={"to": to.pk})
    return claim


def release_idle_claims(now: dt.datetime | None = None) -> int:
    """Claims nobody has touched for BACKOFFICE_CLAIM_IDLE_MINUTES go back to the queue."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.BACKOFFICE_CLAIM_IDLE_MINUTES)
    released = 0
    with transaction.atomic():
        stale = Claim.objects.select_for_update(skip_locked=True).filter(last_seen_at__lt=cutoff)
        for claim in stale.select_related("application"):
            claim.delete()
            app_services.stop_review(claim.application)
            record(
                "backoffice.claim.expired",
                obj=claim.application,
                details={"officer": claim.officer_id},
            )
            released += 1
    return released


def reconcile_review_states() -> int:
    """Puts back the rule "an application awaiting a decision is in review exactly when an
    officer holds its claim" (backoffice.models.Claim) where rows were written around these
    functions (an import, a hand edit in the database). Returns how many it mended.

    In review with no claim: back to waiting (nobody is examining it, and "take next" would
    otherwise never offer it). Waiting with a claim: in review by the claim's officer (the
    claim is the guard of who handles it). A claim on an application that no longer awaits
    a decision (returned, decided, withdrawn while in review) is let go: sent again, a
    returned one would otherwise come back "taken" by nobody examining it. Each mend is
    audited. SKIP LOCKED: an application a decision holds right now is left for the next
    run.
    """
    mended = 0
    skip = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    with transaction.atomic():
        orphans = Application.objects.select_for_update(of=("self",), **skip).filter(
            Q(in_constants("status", [Status.IN_REVIEW])) & Q(claim__isnull=True)
        )
        for app in orphans.order_by("pk"):
            app_services.stop_review(app)
            record("backoffice.claim.missing", obj=app)
            mended += 1
        held = Claim.objects.select_for_update(of=("self",), **skip).filter(
            application__status=Status.SUBMITTED
        )
        for claim in held.select_related("application", "officer").order_by("pk"):
            # An officer who may no longer decide keeps nothing: the application is free.
            kept = _may_decide(claim.officer)
            if kept:
                app_services.start_review(claim.application, actor=claim.officer)
            else:
                claim.delete()
            record(
                "backoffice.claim.unmarked",
                obj=claim.application,
                details={"officer": claim.officer_id, "kept": kept},
            )
            mended += 1
        stale = Claim.objects.select_for_update(of=("self",), **skip).exclude(
            in_constants("application__status", CLOCK_RUNNING)
        )
        for claim in stale.select_related("application").order_by("pk"):
            claim.delete()
            record(
                "backoffice.claim.stale",
                obj=claim.application,
                details={"officer": claim.officer_id, "status": claim.application.status},
            )
            mended += 1
    return mended


# --- decisions ---------------------------------------------------------------------------


def _ensure_holder(app: Application, actor: Any) -> Claim:
    if app.status not in CLOCK_RUNNING:
        raise BackofficeError(
            _("Permohonan ini sudah diputuskan atau tidak menunggu keputusan (status: %(status)s).")
            % {"status": app.get_status_display()},
            "not_pending",
        )
    claim = Claim.objects.select_related("officer").filter(application=app).first()
    if claim is None:
        raise BackofficeError(_("Ambil permohonan ini dulu sebelum memutuskan."), "claim_required")
    if claim.officer_id != actor.pk:
        raise BackofficeError(
            _("Permohonan ini sedang diperiksa oleh %(name)s.") % {"name": _holder_name(claim)},
            "claimed_by_other",
        )
    return claim


def _decide(application: Application, actor: Any, act: Any) -> Any:
    _ensure_may_decide(actor)
    try:
        # PDFs are rendered after the commit: the number-sequence rows an approval takes
        # are then held for milliseconds, not for the seconds rendering and signing take.
        # One decision is one event: its messages (decided, documents issued, survey) reach
        # each person as one message, written in the decision's transaction.
        with (
            pdfs_after_commit(),
            files_removed_on_failure(),
            transaction.atomic(),
            one_message_per_recipient(),
        ):
            app = _locked(application)
            claim = _ensure_holder(app, actor)
            result = act(app)
            claim.delete()
    except RulesRefused as exc:
        raise BackofficeError(
            str(exc), "rule_violation", [v.as_dict() for v in exc.violations]
        ) from exc
    except (ApplicationError, RegisterError) as exc:
        raise BackofficeError(str(exc)) from exc
    application.refresh_from_db()
    return result


DUPLICATE_REASON_MIN = 10


def check_duplicates_answered(app: Application, actor: Any, reason: str) -> list[Any]:
    """Refuses an approval of a possible duplicate by an operator or without a written
    reason; returns the matches. Also asked before the confirmation page (views.decide)."""
    matches = rules.possible_duplicates(app.data, app.family)
    if not matches:
        return []
    if actor.role not in User.SUPERVISING_ROLES:
        raise BackofficeError(
            _(
                "Ada kemungkinan data ganda (%(n)s penduduk mirip). Hanya supervisor yang dapat "
                "menyetujui permohonan ini, dengan alasan tertulis."
            )
            % {"n": len(matches)},
            "duplicate_needs_supervisor",
        )
    reason = (reason or "").strip()
    if len(reason) < DUPLICATE_REASON_MIN:
        raise BackofficeError(
            _(
                "Tuliskan alasan menyetujui meskipun ada kemungkinan data ganda (paling sedikit "
                "%(n)s huruf)."
            )
            % {"n": DUPLICATE_REASON_MIN},
            "duplicate_reason_required",
        )
    return matches


def _ensure_duplicates_answered(app: Application, actor: Any, reason: str) -> None:
    """A birth whose child resembles someone already registered (the review's "possible
    duplicates" panel) is approved only by a supervisor who writes why; audited."""
    matches = check_duplicates_answered(app, actor, reason)
    if not matches:
        return
    reason = (reason or "").strip()
    record(
        "backoffice.duplicate.overridden",
        actor=actor,
        obj=app,
        details={
            "reason": reason[:1000],
            "matches": [{"nik": m.resident.masked_nik, "score": m.score} for m in matches],
        },
    )


def approve(
    application: Application, *, actor: Any, duplicate_reason: str = ""
) -> list[IssuedDocument]:
    """Approves and applies the event to the register, all in one transaction. The register
    rules are checked again first (applications.rules: the register may have changed since
    submission), and possible duplicate people need a supervisor and a written reason."""

    def act(app: Application) -> list[IssuedDocument]:
        violations = rules.errors(rules.check_application(app))
        if violations:
            raise RulesRefused(violations)
        _ensure_duplicates_answered(app, actor, duplicate_reason)
        app_services.approve_application(app, actor)
        documents = apply_approval(app, actor)
        # Printed documents are in the resident's hands now; a card completes the application
        # when it is collected (issuance.services.mark_card_collected).
        if not any(d.is_card for d in documents):
            app_services.complete_application(app, actor=actor)
        return documents

    return _decide(application, actor, act)


def return_for_fixes(
    application: Application, *, deficiencies: list[dict[str, str]], actor: Any
) -> None:
    _decide(
        application, actor, lambda app: app_services.return_application(app, deficiencies, actor)
    )


def reject(application: Application, *, deficiencies: list[dict[str, str]], actor: Any) -> None:
    _decide(
        application, actor, lambda app: app_services.reject_application(app, deficiencies, actor)
    )


# --- supervisors' alerts ------------------------------------------------------------------


def send_deadline_alerts(now: dt.datetime | None = None) -> int:
    """Tells supervisors (outbox) when an application has 4 hours left and when it becomes
    overdue: each once per (re)submission round, guarded by AlertSent's unique key.

    The query leaves out what was already alerted for the current round and kind, so a
    backlog larger than one batch does not hide newer applications behind older ones. One
    run is one event: each supervisor gets one message listing every alert of the run."""
    from paksemmok.notifications.services import notify

    from .models import AlertSent

    now = now or timezone.now()
    supervisors = list(User.objects.filter(role=User.Role.SUPERVISOR, is_active=True))
    near_cutoff = now + dt.timedelta(hours=NEAR_HOURS)
    alerted = AlertSent.objects.filter(application=OuterRef("pk"), round=OuterRef("round"))
    not_yet_alerted = Q(deadline_at__gt=now) & ~Exists(alerted.filter(kind="near")) | Q(
        deadline_at__lte=now
    ) & ~Exists(alerted.filter(kind="overdue"))
    waiting = (
        Application.objects.filter(status__in=CLOCK_RUNNING, deadline_at__lte=near_cutoff)
        .filter(not_yet_alerted)
        .select_related("variant")
        .order_by("deadline_at")[:500]
    )
    alerts: list[tuple[str, Application]] = []
    with transaction.atomic():
        for app in waiting:
            kind = "overdue" if app.deadline_at <= now else "near"
            try:
                with transaction.atomic():
                    AlertSent.objects.create(application=app, round=app.round, kind=kind)
            except IntegrityError:
                continue  # another worker sent it
            alerts.append((kind, app))
        if alerts:
            subject, body = _alert_text(alerts)
            for supervisor in supervisors:
                notify(
                    template="generic",
                    user=supervisor,
                    context={"subject": subject, "body": body},
                )
    return len(alerts)


def _alert_text(alerts: list[tuple[str, Application]]) -> tuple[str, str]:
    """One alert: its own subject; several: how many of each kind, each one on a line."""
    if len(alerts) == 1:
        kind, app = alerts[0]
        if kind == "overdue":
            subject = _("Permohonan %(ref)s melewati batas waktu") % {"ref": app.reference}
        else:
            subject = _("Permohonan %(ref)s: sisa waktu kurang dari %(h)s jam") % {
                "ref": app.reference,
                "h": NEAR_HOURS,
            }
    else:
        subject = _(
            "%(overdue)s permohonan melewati batas waktu, %(near)s sisa waktu kurang dari %(h)s jam"
        ) % {
            "overdue": sum(kind == "overdue" for kind, _app in alerts),
            "near": sum(kind == "near" for kind, _app in alerts),
            "h": NEAR_HOURS,
        }
    lines = [
        _("%(ref)s (%(state)s): %(variant)s, batas %(deadline)s.")
        % {
            "ref": app.reference,
            "state": _("lewat batas") if kind == "overdue" else _("hampir batas"),
            "variant": app.variant.name,
            "deadline": timezone.localtime(app.deadline_at).strftime("%d-%m-%Y %H.%M"),
        }
        for kind, app in alerts
    ]
    return subject, "\n".join(lines)


# --- verdicts ------------------------------------------------------------------------------


def ensure_deciding_now(application: Application, actor: Any) -> None:
    """Refuses early (before any confirmation) when `actor` may not decide this now."""
    _ensure_may_decide(actor)
    _ensure_holder(application, actor)


def check_verdicts(application: Application, action: str, verdicts: dict[str, str]) -> None:
    """Nothing is approved on silence: every file and checked answer needs "ok" before an
    approval (a return's items are checked by validate_deficiencies).
    `verdicts` maps an item (`doc:kk`, `field:child_name`) to "ok" or "deficient"."""
    from .review import verdict_items

    if action == "approve":
        needed = verdict_items(application)
        missing = [i for i in needed if verdicts.get(i) not in ("ok", "deficient")]
        if missing:
            raise BackofficeError(
                _(
                    "Beri putusan (Sesuai atau Kurang) pada setiap berkas dan isian yang diperiksa: "  # noqa: E501
                    "%(n)s belum."
                )
                % {"n": len(missing)},
                "verdict_missing",
            )
        if any(verdicts.get(i) == "deficient" for i in needed):
            raise BackofficeError(
                _("Ada yang ditandai Kurang: kembalikan permohonan, jangan setujui."),
                "verdict_deficient",
            )
