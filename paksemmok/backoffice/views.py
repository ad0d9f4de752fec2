"""Thin staff views: the queue, the review page and the decisions (services.py decides)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from paksemmok.accounts.models import User
from paksemmok.accounts.permissions import role_required
from paksemmok.applications.access import staff_may_view
from paksemmok.applications.checks import check_application
from paksemmok.applications.deadlines import NEAR_HOURS, time_left
from paksemmok.applications.files import private_file_response, stored_file_response
from paksemmok.applications.items import APPLICATION_ITEM, Item
from paksemmok.applications.lifecycle import CLOCK_RUNNING, Status
from paksemmok.applications.models import Application, ApplicationDocument
from paksemmok.applications.viewer import PageNotFound, render_page
from paksemmok.audit.reads import audited_read
from paksemmok.catalog.models import DeficiencyReason
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.services import living_members

from . import queues, services
from .models import Claim
from .review import (
    approval_effects,
    open_review,
    register_differences,
    rereview,
    review_findings,
    verdict_items,
)


@never_cache
@role_required(*User.DECIDING_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    f = queues.QueueFilters.from_mapping(request.GET)
    # Read once: each call would ask the shared cache for the catalogue version again.
    choices = queues.queue_choices()
    try:
        page = queues.page_rows(
            user, f, after=request.GET.get("after", ""), now=now, choices=choices
        )
    except queues.CursorError:
        return redirect("backoffice:queue")
    services_shown = choices.services_for(user)
    shown_ids = {row["id"] for row in services_shown}
    counts = queues.queue_counts(user, now, choices)
    none = queues.CappedCount(0, counts["capped"])
    next_query = None
    if page.next_cursor:
        next_query = QueryDict(mutable=True)
        next_query.update({k: v for k, v in f.as_dict().items() if v})
        next_query["after"] = page.next_cursor
    return render(
        request,
        "backoffice/queue.html",
        {
            "rows": queues.rows_html(page.rows, now, choices),
            "counts": counts,
            "filters": f.as_dict(),
            "filtered": queues.capped_count(queues.filtered_queue(user, f, now, choices))
            if f.active
            else None,
            "next_query": next_query.urlencode() if next_query else "",
            "first_page": bool(request.GET.get("after")),
            "services": [
                {"s": s, "n": counts["per_service"].get(s["id"], none)} for s in services_shown
            ],
            "options": {
                "service": queues.options_html(services_shown, f.service),
                "variant": queues.options_html(
                    (v for v in choices.variants if v["service_id"] in shown_ids), f.variant
                ),
                "kecamatan": queues.options_html(choices.kecamatans, f.kecamatan),
            },
        },
    )


@require_POST
@role_required(*User.DECIDING_ROLES)
def take_next(request: HttpRequest) -> HttpResponse:
    try:
        app = services.take_next(actor=request.user)
    except services.BackofficeError as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:queue")
    if app is None:
        messages.info(request, _("Tidak ada permohonan yang menunggu."))
        return redirect("backoffice:queue")
    return redirect("backoffice:review", app.reference)


def _application(request: HttpRequest, reference: str) -> Application:
    app = get_object_or_404(
        Application.objects.select_related(
            "service", "variant", "subject", "family__village__parent", "applicant"
        ),
        reference=reference,
    )
    if app.status == Status.DRAFT or not staff_may_view(request.user, app):
        raise Http404
    return app


@require_POST
@role_required(*User.DECIDING_ROLES)
def claim(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    try:
        services.claim_application(app, actor=request.user)
    except services.BackofficeError as exc:
        messages.error(request, str(exc))
    return redirect("backoffice:review", app.reference)


@require_POST
@role_required(*User.DECIDING_ROLES)
def release(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    try:
        services.release_claim(app, actor=request.user)
        messages.success(request, _("Permohonan dikembalikan ke antrean."))
    except services.BackofficeError as exc:
        messages.error(request, str(exc))
    return redirect("backoffice:queue")


@require_POST
@role_required(*User.SUPERVISING_ROLES)
def reassign(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(request, reference)
    to = User.objects.filter(
        pk=request.POST.get("officer"), role__in=User.DECIDING_ROLES, is_active=True
    ).first()
    if to is None:
        messages.error(request, _("Pilih petugas."))
    else:
        try:
            services.reassign(app, to=to, actor=request.user)
            messages.success(request, _("Permohonan dialihkan."))
        except services.BackofficeError as exc:
            messages.error(request, str(exc))
    return redirect("backoffice:review", app.reference)


def _render_review(
    request: HttpRequest, app: Application, posted: Any = None, status: int = 200
) -> HttpResponse:
    """The review page; `posted`: an earlier form whose verdicts are shown again (a refused
    or reconsidered decision keeps what the officer had marked)."""
    holder = open_review(request, app)
    members = living_members(app.family)
    problems = check_application(app) if app.status in CLOCK_RUNNING else []
    findings = (
        review_findings(request, app)
        if app.status in CLOCK_RUNNING
        else {"warnings": [], "duplicates": []}
    )
    history = rereview(app)
    posted = posted or {}
    replaced = history["replaced"] if history else {}
    asked = history["asked_by_item"] if history else {}

    def verdict(item: str) -> dict[str, Any]:
        return {
            "item": item,
            "verdict": posted.get(f"verdict-{item}", ""),
            "reason": posted.get(f"reason-{item}", ""),
            "note": posted.get(f"note-{item}", ""),
            "asked": asked.get(item),
        }

    documents = [
        {
            "doc": d,
            "old": replaced.get(d.requirement.code),
            **verdict(Item.doc(d.requirement.code)),
        }
        for d in app.current_documents().select_related("requirement")
    ]
    field_items = set(verdict_items(app))
    rows = [
        {
            **r,
            **verdict(Item.field(r["code"])),
            "needs_verdict": Item.field(r["code"]) in field_items,
        }
        for r in register_differences(app)
    ]
    return render(
        request,
        "backoffice/review.html",
        {
            "app": app,
            "holder": holder,
            "mine": holder is not None and holder.officer_id == request.user.pk,
            "left": time_left(app, timezone.now()),
            "rows": rows,
            "members": members,
            "documents": documents,
            "history": history,
            "problems": problems,
            "rule_warnings": findings["warnings"],
            "duplicates": findings["duplicates"],
            "may_override": request.user.role in User.SUPERVISING_ROLES,
            "reasons": DeficiencyReason.objects.filter(is_active=True),
            "events": app.events.select_related("actor"),
            "issued": IssuedDocument.objects.filter(application=app),
            "reject_reason": posted.get("reject_reason", ""),
            "reject_note": posted.get("reject_note", ""),
            "officers": User.objects.filter(role__in=User.DECIDING_ROLES, is_active=True)
            if request.user.role in User.SUPERVISING_ROLES
            else [],
        },
        status=status,
    )


@never_cache
@role_required(*User.DECIDING_ROLES)
def review(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_review(request, _application(request, reference))


def _verdicts(request: HttpRequest) -> dict[Item, str]:
    return {
        Item.parse(k.removeprefix("verdict-")): v
        for k, v in request.POST.items()
        if k.startswith("verdict-")
    }


def _deficiencies(request: HttpRequest, app: Application) -> list[dict[str, str]]:
    """Per-item verdicts from the form: `verdict-<item>` = "ok" | "deficient"."""
    return [
        {
            "item": item,
            "reason": request.POST.get(f"reason-{item}", ""),
            "note": request.POST.get(f"note-{item}", "").strip(),
        }
        for item, verdict in _verdicts(request).items()
        if verdict == "deficient"
    ]


def _reject_items(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {
            "item": APPLICATION_ITEM,
            "reason": request.POST.get("reject_reason", ""),
            "note": request.POST.get("reject_note", "").strip(),
        }
    ]


def _summary(app: Application, request: HttpRequest, action: str) -> list[dict[str, str]]:
    """Each item with its verdict, in words, for the confirmation."""
    from paksemmok.applications.services import deficiency_display

    if action == "reject":
        return deficiency_display(app, _reject_items(request))
    deficient = {d["code"]: d for d in deficiency_display(app, _deficiencies(request, app))}
    oks = [
        {"code": item, "verdict": "ok"}
        for item, verdict in _verdicts(request).items()
        if verdict == "ok"
    ]
    named = {d["code"]: d["item"] for d in deficiency_display(app, oks)} if oks else {}
    out = [dict(d, verdict="deficient") for d in deficient.values()]
    out += [{"item": named.get(o["code"], o["code"]), "verdict": "ok"} for o in oks]
    return out


@require_POST
@role_required(*User.DECIDING_ROLES)
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Two steps: the officer's verdicts are checked and summed up on a confirmation page
    (with the register changes an approval makes); only the confirmed form decides."""
    from paksemmok.applications.lifecycle import ApplicationError
    from paksemmok.applications.services import validate_deficiencies

    app = _application(request, reference)
    action = request.POST.get("action")
    if action not in ("approve", "return", "reject"):
        raise Http404
    if request.POST.get("confirmed") == "0":  # "back" from the confirmation: keep the marks
        return _render_review(request, app, posted=request.POST)
    try:
        services.ensure_deciding_now(app, request.user)
        if action == "approve":
            services.check_duplicates_answered(
                app, request.user, request.POST.get("duplicate_reason", "")
            )
        services.check_verdicts(app, action, _verdicts(request))
        if action == "return":
            validate_deficiencies(app, _deficiencies(request, app))
        elif action == "reject":
            validate_deficiencies(app, _reject_items(request))
    except (services.BackofficeError, ApplicationError) as exc:
        messages.error(request, str(exc))
        return _render_review(request, app, posted=request.POST, status=400)
    if request.POST.get("confirmed") != "1":
        return render(
            request,
            "backoffice/confirm.html",
            {
                "app": app,
                "action": action,
                "summary": _summary(app, request, action),
                "effects": approval_effects(app) if action == "approve" else [],
                "hidden": [
                    (k, v)
                    for k, values in request.POST.lists()
                    for v in values
                    if k not in ("csrfmiddlewaretoken", "confirmed")
                ],
            },
        )
    try:
        if action == "approve":
            services.approve(
                app,
                actor=request.user,
                duplicate_reason=request.POST.get("duplicate_reason", ""),
            )
            messages.success(request, _("Permohonan disetujui; register dan dokumen diperbarui."))
        elif action == "return":
            services.return_for_fixes(
                app, deficiencies=_deficiencies(request, app), actor=request.user
            )
            messages.success(request, _("Permohonan dikembalikan kepada pemohon."))
        else:
            services.reject(app, actor=request.user, deficiencies=_reject_items(request))
            messages.success(request, _("Permohonan ditolak."))
    except services.BackofficeError as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:review", app.reference)
    return redirect("backoffice:queue")


@never_cache
@role_required(*User.DECIDING_ROLES)
def document(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """An uploaded file: an image to show in the review page, or the rebuilt PDF as a
    download (staff read PDFs as page images, below). Same access rule as the review page;
    every read audited."""
    app = _application(request, reference)
    doc = get_object_or_404(
        ApplicationDocument.objects.select_related("requirement"), pk=document_id, application=app
    )
    audited_read(request, app, f"Permohonan {app.reference}", what=f"file:{doc.requirement.code}")
    return stored_file_response(
        doc.file,
        content_type=doc.content_type,
        filename=f"{app.reference}-{doc.requirement.code}.{'jpg' if doc.is_image else 'pdf'}",
    )


@never_cache
@role_required(*User.DECIDING_ROLES)
def document_page(
    request: HttpRequest, reference: str, document_id: int, page: int
) -> HttpResponse:
    """One page of an uploaded PDF, rendered to an image on the server."""
    app = _application(request, reference)
    doc = get_object_or_404(
        ApplicationDocument.objects.select_related("requirement"), pk=document_id, application=app
    )
    try:
        image = render_page(doc, page)
    except PageNotFound:
        raise Http404 from None
    audited_read(
        request, app, f"Permohonan {app.reference}", what=f"file:{doc.requirement.code}:p{page}"
    )
    return private_file_response(
        image,
        content_type="image/jpeg",
        filename=f"{app.reference}-{doc.requirement.code}-{page}.jpg",
    )


@never_cache
@role_required(*User.SUPERVISING_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    """Queue size, overdue, decisions today, workload per officer, nearing the deadline."""
    from paksemmok.applications.models import Event

    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    waiting = Application.objects.filter(status__in=CLOCK_RUNNING)
    decisions = Event.objects.filter(at__gte=today, action__in=("approved", "returned", "rejected"))
    by_action = dict(decisions.order_by().values_list("action").annotate(n=Count("id")))
    decided = dict(decisions.order_by().values_list("actor").annotate(n=Count("id")))
    held = dict(Claim.objects.order_by().values_list("officer").annotate(n=Count("id")))
    officers = User.objects.filter(role__in=User.DECIDING_ROLES, is_active=True).order_by(
        "username"
    )
    workload = [
        {
            "officer": o,
            "claims": held.get(o.pk, 0),
            "decided": decided.get(o.pk, 0),
            "services": ", ".join(o.services or []) or "—",
        }
        for o in officers
    ]
    near = list(
        waiting.filter(deadline_at__gte=now, deadline_at__lt=now + dt.timedelta(hours=NEAR_HOURS))
        .select_related("variant", "claim__officer")
        .order_by("deadline_at")[:50]
    )
    return render(
        request,
        "backoffice/overview.html",
        {
            "queue_size": waiting.count(),
            "overdue": waiting.filter(deadline_at__lt=now).count(),
            "decided_today": sum(by_action.values()),
            "by_action": by_action,
            "workload": workload,
            "near": [{"app": a, "left": time_left(a, now)} for a in near],
        },
    )


@never_cache
@role_required(*User.DECIDING_ROLES)
def cards(request: HttpRequest) -> HttpResponse:
    """Cards being printed or waiting for pickup; staff mark them ready and collected."""
    from paksemmok.issuance import services as issuance

    if request.method == "POST":
        card = get_object_or_404(
            IssuedDocument, pk=request.POST.get("card"), card_status__in=["printing", "ready"]
        )
        if card.application and not staff_may_view(request.user, card.application):
            raise Http404
        try:
            if request.POST.get("action") == "ready":
                issuance.mark_card_ready(card, actor=request.user)
            elif request.POST.get("action") == "collected":
                issuance.mark_card_collected(card, actor=request.user)
        except issuance.IssuanceError as exc:
            messages.error(request, str(exc))
        return redirect("backoffice:cards")
    waiting = (
        IssuedDocument.objects.filter(card_status__in=["printing", "ready"])
        .select_related("application__service", "subject")
        .order_by("issued_at")
    )
    if request.user.role == User.Role.OPERATOR:
        waiting = waiting.filter(application__service__code__in=request.user.services or [])
    shown = list(waiting[:200])
    for card in shown:  # names of card holders are personal data: each read is audited
        audited_read(request, card, "Pengambilan kartu", what="card")
    return render(request, "backoffice/cards.html", {"cards": shown})


@never_cache
@role_required(*User.SUPERVISING_ROLES)
def revoke(request: HttpRequest) -> HttpResponse:
    """Supervisors revoke an issued document (found by its verification code or number)
    with a reason; the holder is told, and the verification page says "dicabut"."""
    from paksemmok.issuance import services as issuance

    query = (request.POST.get("code") or request.GET.get("kode") or "").strip().upper()
    doc = None
    if query:
        doc = (
            IssuedDocument.objects.select_related("application")
            .filter(Q(code=query) | Q(number=query))
            .order_by("-issued_at")
            .first()
        )
        if doc is None:
            messages.error(request, _("Dokumen dengan kode atau nomor itu tidak ditemukan."))
        else:
            audited_read(request, doc, _("Pencabutan dokumen"), what="document")
    if request.method == "POST" and doc is not None:
        try:
            issuance.revoke_document(doc, actor=request.user, reason=request.POST.get("reason", ""))
        except issuance.IssuanceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Dokumen dicabut; pemegangnya diberi tahu."))
            return redirect(f"{request.path}?kode={doc.code}")
    return render(request, "backoffice/revoke.html", {"doc": doc, "query": query})
