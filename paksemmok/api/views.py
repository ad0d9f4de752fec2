"""Resident and public endpoints. Each one reads, calls the service function the page calls,
and serialises the result; rules and their messages live in the services."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from paksemmok.accounts.services.profile import family_members
from paksemmok.applications import services as app_services
from paksemmok.applications.access import resident_may_view
from paksemmok.applications.checks import Problem, SubmissionRejected
from paksemmok.applications.files import stored_file_response
from paksemmok.applications.forms import ApplicationDataForm
from paksemmok.applications.items import SUBJECT_ITEM
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application, ApplicationDocument
from paksemmok.applications.queries import applications_of, subject_for
from paksemmok.appointments import services as appt_services
from paksemmok.appointments import slots as slot_rules
from paksemmok.appointments.models import Booking, Place
from paksemmok.catalog.models import Requirement, Service, Variant

from . import serializers as s
from .errors import ApiError
from .permissions import IsResident


def invalid(field: str, message: str) -> ApiError:
    return ApiError("invalid", _("Data yang dikirim tidak valid."), 400, {field: [message]})


# --- root and catalogue ----------------------------------------------------------------------


class RootView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["meta"], auth=[], responses={200: OpenApiTypes.OBJECT}, summary="Daftar alamat API"
    )
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return reverse(f"api:{name}", request=request)

        return Response(
            {
                "schema": url("schema"),
                "docs": url("docs"),
                "token": url("token"),
                "services": url("services"),
                "me": url("me"),
                "family": url("family"),
                "applications": url("applications"),
                "places": url("places"),
                "availability": url("availability"),
                "appointments": url("appointments"),
                "documents": url("documents"),
                "staff_queue": url("staff-queue"),
                "verify": reverse("api:verify", args=["KODE"], request=request),
            }
        )


def _services() -> Any:
    variants = (
        Variant.objects.filter(is_active=True)
        .select_related("service")
        .prefetch_related("requirements")
    )
    return Service.objects.filter(is_active=True).prefetch_related(
        Prefetch("variants", queryset=variants)
    )


class ServiceListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["katalog"],
        auth=[],
        responses={200: s.ServiceSerializer(many=True)},
        summary="Layanan, jenis permohonan dan persyaratannya",
    )
    def get(self, request: Request) -> Response:
        return Response(s.ServiceSerializer(_services(), many=True).data)


class ServiceDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=["katalog"], auth=[], responses={200: s.ServiceSerializer})
    def get(self, request: Request, code: str) -> Response:
        return Response(s.ServiceSerializer(get_object_or_404(_services(), code=code)).data)


class VariantDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=["katalog"], auth=[], responses={200: s.VariantSerializer})
    def get(self, request: Request, code: str) -> Response:
        variant = get_object_or_404(
            Variant.objects.filter(is_active=True, service__is_active=True)
            .select_related("service")
            .prefetch_related("requirements"),
            code=code,
        )
        return Response(s.VariantSerializer(variant).data)


# --- profile and family ----------------------------------------------------------------------


class ResidentView(APIView):
    permission_classes = [IsResident]


class MeView(ResidentView):
    @extend_schema(tags=["profil"], responses={200: s.ProfileSerializer}, summary="Profil sendiri")
    def get(self, request: Request) -> Response:
        return Response(s.ProfileSerializer(s.profile_data(request.user)).data)


class FamilyView(ResidentView):
    @extend_schema(
        tags=["profil"],
        responses={200: s.FamilySerializer},
        summary="Anggota KK (NIK anggota lain tersamar)",
    )
    def get(self, request: Request) -> Response:
        own = request.user.resident
        members = family_members(own)
        return Response(
            s.FamilySerializer(
                {
                    "kk_number": own.family.kk_number if own.family_id else None,
                    "members": [s.member_data(m, own) for m in members],
                }
            ).data
        )


# --- applications ----------------------------------------------------------------------------

REFERENCE_RE = re.compile(r"PS-[0-9]{4}-[0-9A-Z]{6}")
BOOKING_CODE_RE = re.compile(r"[0-9A-Z]{8}")


def own_application(request: Request, reference: str) -> Application:
    """The application if this resident may see it; 404 otherwise (never 403, which would
    confirm that a guessed reference exists)."""
    if not REFERENCE_RE.fullmatch(reference):
        raise ApiError("not_found", _("Permohonan tidak ditemukan."), 404)
    app = (
        Application.objects.select_related("variant", "service", "subject", "family")
        .filter(reference=reference)
        .first()
    )
    if app is None or not resident_may_view(request.user, request.user, app):
        raise ApiError("not_found", _("Permohonan tidak ditemukan."), 404)
    return app


def detail(app: Application, code: int = 200) -> Response:
    return Response(s.ApplicationDetailSerializer(app).data, status=code)


class ApplicationListView(ResidentView):
    @extend_schema(
        tags=["permohonan"],
        responses={200: s.ApplicationSerializer(many=True)},
        summary="Permohonan sendiri",
    )
    def get(self, request: Request) -> Response:
        apps = applications_of(request.user)
        return Response(s.ApplicationSerializer(apps, many=True).data)

    @extend_schema(
        tags=["permohonan"],
        request=s.CreateApplicationSerializer,
        responses={201: s.ApplicationDetailSerializer},
        summary="Buat draf (atau lanjutkan draf yang ada untuk orang yang sama; kelahiran: "
        "selalu draf baru, untuk anak kembar)",
    )
    def post(self, request: Request) -> Response:
        form = s.CreateApplicationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        variant = (
            Variant.objects.select_related("service")
            .filter(code=form.validated_data["variant"], is_active=True)
            .first()
        )
        if variant is None:
            raise invalid("variant", _("Jenis permohonan tidak dikenal."))
        user = request.user
        subject = None
        subject_id = form.validated_data.get("subject")
        if subject_id is not None:
            # Only a member of the applicant's own KK can be chosen, as on the page; the
            # words do not say whether the id exists elsewhere.
            subject = subject_for(user, subject_id)
            if subject is None:
                raise SubmissionRejected(
                    [Problem(SUBJECT_ITEM, _("Pilih anggota keluarga yang dimohonkan."))]
                )
        app = app_services.create_draft(
            applicant=user, variant=variant, subject=subject, filed_by=user
        )
        return detail(app, 201)


class ApplicationDetailView(ResidentView):
    @extend_schema(
        tags=["permohonan"],
        responses={200: s.ApplicationDetailSerializer},
        summary="Rincian permohonan",
    )
    def get(self, request: Request, reference: str) -> Response:
        return detail(own_application(request, reference))

    @extend_schema(
        tags=["permohonan"],
        request=s.SaveDraftSerializer,
        responses={200: s.ApplicationDetailSerializer},
        summary="Simpan isian formulir (draf, atau bagian yang diminta petugas)",
    )
    def patch(self, request: Request, reference: str) -> Response:
        app = own_application(request, reference)
        payload = s.SaveDraftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        incoming = payload.validated_data["data"]
        # The page's form cleans the values (dates, NIK/No. KK structure, choices).
        form = ApplicationDataForm(app.variant, _as_form_data(incoming))
        unknown = sorted(k for k in incoming if k not in form.fields)
        if unknown:
            raise ApiError(
                "invalid",
                _("Data yang dikirim tidak valid."),
                400,
                {k: [_("Isian ini tidak ada pada formulir.")] for k in unknown},
            )
        if not form.is_valid():
            raise ApiError(
                "invalid",
                _("Data yang dikirim tidak valid."),
                400,
                {k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        data = {k: v for k, v in form.cleaned_data.items() if k in incoming}
        app_services.save_draft(app, data=data, actor=request.user)
        return detail(app)


def _as_form_data(incoming: dict[str, Any]) -> dict[str, str]:
    data = {}
    for key, value in incoming.items():
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | dict):
            # The rows of a KK change ("changes"): the form field reads them as JSON.
            data[key] = json.dumps(value)
        elif value in (False, None):
            data[key] = ""
        else:
            data[key] = str(value)
    return data


class ApplicationStatusView(ResidentView):
    @extend_schema(
        tags=["permohonan"], responses={200: s.StatusSerializer}, summary="Status dan riwayat"
    )
    def get(self, request: Request, reference: str) -> Response:
        app = own_application(request, reference)
        return Response(
            s.StatusSerializer(
                {
                    "reference": app.reference,
                    "status": app.status,
                    "status_label": app.get_status_display(),
                    "deadline_at": app.deadline_at,
                    "events": app.events.all(),
                }
            ).data
        )


class DeficienciesView(ResidentView):
    @extend_schema(
        tags=["permohonan"],
        responses={200: s.DeficiencySerializer(many=True)},
        summary="Kekurangan yang diminta petugas",
    )
    def get(self, request: Request, reference: str) -> Response:
        app = own_application(request, reference)
        items = (
            app_services.deficiency_display(app, app.deficiencies)
            if app.status in (Status.RETURNED, Status.REJECTED)
            else []
        )
        return Response(s.DeficiencySerializer(items, many=True).data)


class DocumentUploadView(ResidentView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["permohonan"],
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.DocumentSerializer},
        summary="Unggah berkas untuk satu persyaratan",
    )
    def post(self, request: Request, reference: str) -> Response:
        app = own_application(request, reference)
        form = s.UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        requirement = Requirement.objects.filter(
            variant=app.variant, code=form.validated_data["requirement"]
        ).first()
        if requirement is None:
            raise invalid("requirement", _("Persyaratan ini bukan untuk jenis permohonan ini."))
        document = app_services.attach_document(
            app, requirement, form.validated_data["file"], actor=request.user
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class FileDownload:
    """A view that answers with a file whatever the client accepts (errors stay JSON)."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)  # type: ignore[misc]


UPLOAD_RESPONSES = {
    (200, "image/jpeg"): OpenApiTypes.BINARY,
    (200, "application/pdf"): OpenApiTypes.BINARY,
}


class DocumentFileView(FileDownload, ResidentView):
    @extend_schema(
        tags=["permohonan"], responses=UPLOAD_RESPONSES, summary="Unduh berkas yang diunggah"
    )
    def get(self, request: Request, reference: str, document_id: int) -> Any:
        app = own_application(request, reference)
        return upload_download(app, uploaded_document(app, document_id))


def uploaded_document(app: Application, document_id: int) -> ApplicationDocument:
    """One of the application's uploads, or the API's 404."""
    doc = (
        ApplicationDocument.objects.select_related("requirement")
        .filter(pk=document_id, application=app)
        .first()
    )
    if doc is None:
        raise ApiError("not_found", _("Berkas tidak ditemukan."), 404)
    return doc


def upload_download(app: Application, doc: ApplicationDocument) -> FileResponse:
    """An uploaded file as an attachment, never cached and never rendered as a page."""
    ext = "pdf" if doc.content_type == "application/pdf" else "jpg"
    return stored_file_response(
        doc.file,
        content_type=doc.content_type,
        filename=f"{app.reference}-{doc.requirement.code}.{ext}",
        download=True,
    )


class _Act(ResidentView):
    def act(self, app: Application, request: Request) -> None:
        raise NotImplementedError

    def post(self, request: Request, reference: str) -> Response:
        app = own_application(request, reference)
        self.act(app, request)
        return detail(app)


class SubmitView(_Act):
    @extend_schema(
        tags=["permohonan"],
        request=None,
        responses={200: s.ApplicationDetailSerializer},
        summary="Kirim draf",
    )
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)

    def act(self, app: Application, request: Request) -> None:
        app_services.submit_application(app, actor=request.user)


class ResubmitView(_Act):
    @extend_schema(
        tags=["permohonan"],
        request=None,
        responses={200: s.ApplicationDetailSerializer},
        summary="Kirim ulang setelah dikembalikan",
    )
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)

    def act(self, app: Application, request: Request) -> None:
        app_services.resubmit_application(app, actor=request.user)


class CancelView(_Act):
    @extend_schema(
        tags=["permohonan"],
        request=s.CancelSerializer,
        responses={200: s.ApplicationDetailSerializer},
        summary="Batalkan",
    )
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)

    def act(self, app: Application, request: Request) -> None:
        form = s.CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        app_services.cancel_application(
            app, actor=request.user, reason=form.validated_data.get("reason", "")
        )


# --- perekaman appointments ------------------------------------------------------------------


class PlaceListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["perekaman"],
        auth=[],
        responses={200: s.PlaceSerializer(many=True)},
        summary="Tempat perekaman e-KTP",
    )
    def get(self, request: Request) -> Response:
        return Response(s.PlaceSerializer(Place.objects.filter(is_active=True), many=True).data)


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["perekaman"],
        auth=[],
        parameters=[s.AvailabilityQuerySerializer],
        responses={200: s.AvailabilitySerializer},
        summary="Slot tersedia untuk satu tempat dan rentang tanggal",
    )
    def get(self, request: Request) -> Response:
        query = s.AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        place = Place.objects.filter(pk=query.validated_data["place"], is_active=True).first()
        if place is None:
            raise ApiError("not_found", _("Tempat perekaman tidak ditemukan."), 404)
        first_ok, last_ok = slot_rules.booking_window(timezone.localdate())
        first = max(query.validated_data.get("date_from") or first_ok, first_ok)
        last = min(query.validated_data.get("date_to") or last_ok, last_ok)
        days = (last - first).days + 1
        result: dict[dt.date, list] = {}
        if days > 0:
            result = slot_rules.availability([place], first, days)[place.pk]
        return Response(
            s.AvailabilitySerializer(
                {
                    "place": place.pk,
                    "days": [
                        {
                            "date": day,
                            "slots": [
                                {
                                    "start": x.start,
                                    "end": x.end,
                                    "capacity": x.capacity,
                                    "free": x.free,
                                }
                                for x in day_slots
                            ],
                        }
                        for day, day_slots in sorted(result.items())
                    ],
                }
            ).data
        )


def own_booking(request: Request, code: str) -> Booking:
    code = code.upper()
    booking = (
        Booking.objects.select_related("place", "resident")
        .filter(code=code, resident_id=request.user.resident_id)
        .first()
        if BOOKING_CODE_RE.fullmatch(code)
        else None
    )
    if booking is None:
        raise ApiError("not_found", _("Janji perekaman tidak ditemukan."), 404)
    return booking


def _place(place_id: int) -> Place:
    place = Place.objects.filter(pk=place_id, is_active=True).first()
    if place is None:
        raise invalid("place", _("Tempat perekaman tidak ditemukan."))
    return place


class BookingListView(ResidentView):
    @extend_schema(
        tags=["perekaman"],
        responses={200: s.BookingSerializer(many=True)},
        summary="Janji perekaman sendiri",
    )
    def get(self, request: Request) -> Response:
        bookings = (
            Booking.objects.filter(resident_id=request.user.resident_id)
            .select_related("place")
            .order_by("-start")
        )
        return Response(s.BookingSerializer(bookings, many=True).data)

    @extend_schema(
        tags=["perekaman"],
        request=s.BookSerializer,
        responses={201: s.BookingSerializer},
        summary="Buat janji perekaman",
    )
    def post(self, request: Request) -> Response:
        form = s.BookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        booking = appt_services.book_appointment(
            resident=request.user.resident,
            place=_place(form.validated_data["place"]),
            start=form.validated_data["start"],
            actor=request.user,
        )
        return Response(s.BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingDetailView(ResidentView):
    @extend_schema(tags=["perekaman"], responses={200: s.BookingSerializer})
    def get(self, request: Request, code: str) -> Response:
        return Response(s.BookingSerializer(own_booking(request, code)).data)


class RescheduleView(ResidentView):
    @extend_schema(
        tags=["perekaman"],
        request=s.BookSerializer,
        responses={200: s.BookingSerializer},
        summary="Ubah jadwal",
    )
    def post(self, request: Request, code: str) -> Response:
        booking = own_booking(request, code)
        form = s.BookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        booking = appt_services.reschedule_appointment(
            booking,
            place=_place(form.validated_data["place"]),
            start=form.validated_data["start"],
            actor=request.user,
        )
        return Response(s.BookingSerializer(booking).data)


class BookingCancelView(ResidentView):
    @extend_schema(
        tags=["perekaman"],
        request=s.BookingCancelSerializer,
        responses={200: s.BookingSerializer},
        summary="Batalkan janji",
    )
    def post(self, request: Request, code: str) -> Response:
        booking = own_booking(request, code)
        form = s.BookingCancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        booking = appt_services.cancel_appointment(
            booking, actor=request.user, reason=form.validated_data.get("reason", "")
        )
        return Response(s.BookingSerializer(booking).data)


# --- public verification of issued documents (the QR on a printed document) ----------------

VERIFY_MESSAGES = {
    "valid": _noop("Dokumen asli dan berlaku."),
    "superseded": _noop(
        "Dokumen asli, tetapi sudah diganti versi yang lebih baru dan tidak berlaku lagi."
    ),
    "revoked": _noop("Dokumen ini sudah dicabut dan tidak berlaku."),
}


class VerifyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["verifikasi"],
        auth=[],
        responses={200: s.VerificationSerializer},
        summary="Verifikasi dokumen terbit dengan kodenya",
    )
    def get(self, request: Request, code: str) -> Response:
        from paksemmok.issuance.access import find_by_code
        from paksemmok.issuance.models import IssuedDocument

        doc = find_by_code(code)
        if doc is None:
            raise ApiError(
                "unknown_document",
                _(
                    "Dokumen tidak dikenal. Kode verifikasi ini tidak terdaftar; dokumen yang "
                    "memuat kode ini bukan dokumen resmi yang diterbitkan oleh %(agency)s."
                )
                % {"agency": settings.AGENCY_NAME},
                404,
            )
        is_kk = doc.kind == IssuedDocument.Kind.KK
        return Response(
            s.VerificationSerializer(
                {
                    "code": doc.code,
                    "status": doc.status,
                    "status_label": doc.get_status_display(),
                    "message": _(VERIFY_MESSAGES.get(doc.status, VERIFY_MESSAGES["revoked"])),
                    "kind": doc.kind,
                    "kind_label": doc.get_kind_display(),
                    "number": doc.masked_number if is_kk else doc.number,
                    "kk_version": (doc.data or {}).get("version") if is_kk else None,
                    "issued_at": doc.issued_at,
                    "holder_name": doc.masked_name,
                    "holder_number": doc.masked_number,
                    "signer_name": doc.signer_name,
                    "signer_nip": doc.signer_nip,
                    "status_changed_at": doc.status_changed_at if doc.status != "valid" else None,
                }
            ).data
        )


# --- issued documents (download) -------------------------------------------------------------


def _may_download(user: Any, doc: Any) -> bool:
    from paksemmok.issuance.access import resident_may_download

    return resident_may_download(user, doc)


class IssuedDocumentListView(ResidentView):
    @extend_schema(
        tags=["dokumen"],
        responses={200: s.IssuedDocumentSerializer(many=True)},
        summary="Dokumen terbit milik sendiri atau keluarga (KK)",
    )
    def get(self, request: Request) -> Response:
        from paksemmok.issuance.access import documents_for

        docs = documents_for(request.user)
        return Response(
            s.IssuedDocumentSerializer([s.issued_data(d) for d in docs], many=True).data
        )


class IssuedDocumentFileView(FileDownload, ResidentView):
    @extend_schema(
        tags=["dokumen"],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Unduh PDF dokumen terbit",
    )
    def get(self, request: Request, code: str) -> Any:
        from paksemmok.issuance.models import IssuedDocument
        from paksemmok.issuance.services import download_name, ensure_pdf

        doc = (
            IssuedDocument.objects.select_related("application", "family_version")
            .filter(code=code)
            .first()
            if code.isalnum()
            else None
        )
        if doc is None or not _may_download(request.user, doc):
            raise ApiError("not_found", _("Dokumen tidak ditemukan."), 404)
        # As the page: a document whose PDF is not rendered yet is rendered now, or answers
        # 503 document_not_ready; every version downloads under its own name.
        ensure_pdf(doc)
        return stored_file_response(
            doc.pdf,
            content_type="application/pdf",
            filename=download_name(doc),
            download=True,
        )
