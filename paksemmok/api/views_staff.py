"""Back-office endpoints for staff: the queue, claims and decisions.

Thin like the staff pages (backoffice/views.py): who may see an application, the queue and
every decision are `backoffice.services` (and, inside it, `applications.services`); reads of
personal data are audited with `audited_read` exactly where the pages audit them. Staff
authenticate with their site session only (see permissions.IsBackofficeStaff).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from paksemmok.applications.access import staff_may_view
from paksemmok.applications.checks import check_application
from paksemmok.applications.items import APPLICATION_ITEM, Item
from paksemmok.applications.lifecycle import CLOCK_RUNNING, Status
from paksemmok.applications.models import Application
from paksemmok.applications.services import deficiency_display
from paksemmok.audit.reads import audited_read
from paksemmok.backoffice import queues, services
from paksemmok.backoffice.review import open_review, register_differences, review_findings
from paksemmok.catalog.fields import field_defs
from paksemmok.catalog.models import DeficiencyReason
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.services import living_members

from . import serializers as s
from .errors import ApiError
from .permissions import IsBackofficeStaff
from .views import (
    REFERENCE_RE,
    UPLOAD_RESPONSES,
    FileDownload,
    invalid,
    upload_download,
    uploaded_document,
)

TAGS = ["petugas"]
# Documented as session-only: a token is authenticated (so a resident's gets a clear 403)
# but never admitted here.
AUTH = [{"cookieAuth": []}]
ROW_RELATED = queues.ROW_RELATED


class StaffView(APIView):
    permission_classes = [IsBackofficeStaff]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Personal data for one officer: never kept by a browser or a shared cache.
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


def staff_application(request: Request, reference: str) -> Application:
    """The application if this officer handles its service and it has been sent (the pages'
    rule, `applications.access.staff_may_view`); 404 otherwise, so a reference outside one's
    services is not confirmed to exist."""
    app = (
        Application.objects.select_related(
            "service", "variant", "subject", "family__village__parent", "applicant"
        )
        .filter(reference=reference)
        .first()
        if REFERENCE_RE.fullmatch(reference)
        else None
    )
    if app is None or app.status == Status.DRAFT or not staff_may_view(request.user, app):
        raise ApiError("not_found", _("Permohonan tidak ditemukan."), 404)
    return app


def _row(app: Application, request: Request) -> dict[str, Any]:
    fresh = Application.objects.select_related(*ROW_RELATED).get(pk=app.pk)
    return s.queue_item(fresh, request.user, timezone.now())


# --- queue -----------------------------------------------------------------------------------


class QueueView(StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        parameters=[s.StaffQueueQuerySerializer],
        responses=s.StaffQueuePageSerializer,
        summary="Antrean pemeriksaan (batas waktu terdekat dahulu)",
        description=(
            "Halaman demi halaman dengan kursor: `next` berisi alamat halaman berikutnya "
            "(parameter `after`). `count` berhenti di batas; `count_capped` benar bila "
            "jumlah sebenarnya lebih besar."
        ),
    )
    def get(self, request: Request) -> Response:
        # The queue page's query and filters (backoffice.queues), over the officer's own queue.
        query = s.StaffQueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = queues.QueueFilters.from_mapping(data)
        now = timezone.now()
        choices = queues.queue_choices()
        try:
            page = queues.queue_page(
                request.user,
                filters,
                after=data.get("after", ""),
                size=data.get("page_size") or queues.PAGE_SIZE,
                now=now,
                choices=choices,
            )
        except queues.CursorError as exc:
            raise ApiError("invalid", _("Kursor halaman tidak dikenal."), 400) from exc
        count = queues.capped_count(queues.filtered_queue(request.user, filters, now, choices))
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["after"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        rows = [s.queue_item(app, request.user, now) for app in page.rows]
        return Response(
            {
                "count": count.n,
                "count_capped": count.capped,
                "next": next_url,
                "results": s.StaffQueueItemSerializer(rows, many=True).data,
            }
        )


class TakeNextView(StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        request=None,
        responses={200: s.TakeNextSerializer},
        summary="Ambil permohonan berikutnya (batas waktu terdekat, belum diambil)",
    )
    def post(self, request: Request) -> Response:
        app = services.take_next(actor=request.user)
        return Response(
            s.TakeNextSerializer(
                {"application": _row(app, request) if app is not None else None}
            ).data
        )


class ClaimView(StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        request=None,
        responses={200: s.StaffQueueItemSerializer},
        summary="Ambil permohonan ini untuk diperiksa",
    )
    def post(self, request: Request, reference: str) -> Response:
        app = staff_application(request, reference)
        services.claim_application(app, actor=request.user)
        return Response(s.StaffQueueItemSerializer(_row(app, request)).data)


class ReleaseView(StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        request=s.ReleaseSerializer,
        responses={200: s.StaffQueueItemSerializer},
        summary="Lepas permohonan kembali ke antrean",
    )
    def post(self, request: Request, reference: str) -> Response:
        app = staff_application(request, reference)
        form = s.ReleaseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.release_claim(
            app, actor=request.user, reason=form.validated_data.get("reason", "")
        )
        return Response(s.StaffQueueItemSerializer(_row(app, request)).data)


# --- review ----------------------------------------------------------------------------------


def _deficiency_items(app: Application) -> list[dict[str, str]]:
    """The parts a deficiency may name; the service (validate_deficiencies) is the judge."""
    items = [{"code": Item.doc(r.code), "label": r.name} for r in app.variant.requirements.all()]
    items += [
        {"code": Item.field(d.code), "label": str(d.label)}
        for d in field_defs(app.variant.form_fields)
    ]
    items.append({"code": APPLICATION_ITEM, "label": _("Permohonan")})
    return items


class ApplicationView(StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        responses={200: s.StaffApplicationSerializer},
        summary="Data pemeriksaan satu permohonan (pembacaan diaudit)",
    )
    def get(self, request: Request, reference: str) -> Response:
        app = staff_application(request, reference)
        user = request.user
        # Exactly what opening the review page does: audited reads, claim kept alive.
        holder = open_review(request._request, app)
        mine = holder is not None and holder.officer_id == user.pk
        row = s.queue_item(
            Application.objects.select_related(*ROW_RELATED).get(pk=app.pk), user, timezone.now()
        )
        documents = app.current_documents().select_related("requirement")
        problems = check_application(app) if app.status in CLOCK_RUNNING else []
        findings = (
            review_findings(request._request, app)
            if app.status in CLOCK_RUNNING
            else {"warnings": [], "duplicates": []}
        )
        data = {
            **row,
            "round": app.round,
            "returned_at": app.returned_at,
            "decided_at": app.decided_at,
            "applicant_name": app.applicant.get_full_name() or app.applicant.username,
            "subject_name": app.subject_name,
            "kk_number": app.family.kk_number if app.family_id else None,
            "data": app.data,
            "answers": [
                {"code": d.code, **row_}
                for d, row_ in zip(
                    field_defs(app.variant.form_fields), register_differences(app), strict=True
                )
            ],
            "members": [
                {
                    **s.kk_member_data(m),
                    "ektp_recording": m.ektp_recording,
                    "ektp_recording_label": m.get_ektp_recording_display(),
                    "is_subject": m.pk == app.subject_id,
                }
                for m in (living_members(app.family) if app.family_id else [])
            ],
            "problems": [
                {"item": p.item, "message": str(p.message), "code": p.code} for p in problems
            ],
            "warnings": findings["warnings"],
            "possible_duplicates": findings["duplicates"],
            "documents": documents,
            "events": app.events.select_related("actor"),
            "issued_documents": [
                s.issued_data(d) for d in IssuedDocument.objects.filter(application=app)
            ],
            "deficiencies": deficiency_display(app, app.deficiencies or []),
            "deficiency_items": _deficiency_items(app),
            "reasons": DeficiencyReason.objects.filter(is_active=True),
            "may_decide": mine and app.status in CLOCK_RUNNING,
        }
        context = {"request": request, "reference": app.reference}
        return Response(s.StaffApplicationSerializer(data, context=context).data)


class DocumentView(FileDownload, StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        responses=UPLOAD_RESPONSES,
        summary="Unduh berkas unggahan (setiap unduhan diaudit)",
    )
    def get(self, request: Request, reference: str, document_id: int) -> Any:
        app = staff_application(request, reference)
        doc = uploaded_document(app, document_id)
        # As backoffice.views.document: every read of a file is its own audit entry.
        audited_read(
            request._request,
            app,
            f"Permohonan {app.reference}",
            what=f"file:{doc.requirement.code}",
        )
        return upload_download(app, doc)


# --- decisions -------------------------------------------------------------------------------


class DecideView(StaffView):
    @extend_schema(
        tags=TAGS,
        auth=AUTH,
        request=s.DecideSerializer,
        responses={200: s.DecisionResultSerializer},
        summary="Putuskan: setujui, kembalikan atau tolak",
    )
    def post(self, request: Request, reference: str) -> Response:
        app = staff_application(request, reference)
        form = s.DecideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decision = form.validated_data["decision"]
        items = [
            {"item": d["item"], "reason": d["reason"], "note": d.get("note", "").strip()}
            for d in form.validated_data["deficiencies"]
        ]
        issued: list[IssuedDocument] = []
        if decision == "approve":
            # Not a rule of the decision, only of this request's shape: a list sent with an
            # approval would be silently dropped, which hides a client's mistake.
            if items:
                raise invalid("deficiencies", _("Persetujuan tidak disertai daftar kekurangan."))
            issued = services.approve(
                app,
                actor=request.user,
                duplicate_reason=form.validated_data.get("duplicate_reason", ""),
            )
        elif decision == "return":
            services.return_for_fixes(app, deficiencies=items, actor=request.user)
        else:
            services.reject(app, deficiencies=items, actor=request.user)
        return Response(
            s.DecisionResultSerializer(
                {
                    "reference": app.reference,
                    "status": app.status,
                    "status_label": app.get_status_display(),
                    "issued_documents": [s.issued_data(d) for d in issued],
                }
            ).data
        )
