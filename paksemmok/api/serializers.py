"""Read shapes (output) and small input serializers. Inputs are only parsed here; every rule
is checked by the service function the view calls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from paksemmok.applications.lifecycle import Action, Status, allowed
from paksemmok.applications.models import Application, ApplicationDocument, Event
from paksemmok.applications.services import deficiency_display
from paksemmok.appointments.models import Booking, Place
from paksemmok.catalog.models import Requirement, Service, Variant
from paksemmok.population.models import Resident


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kode galat yang stabil, mis. `not_found`.")
    message = serializers.CharField(help_text="Pesan untuk orang (bahasa Indonesia).")
    details = serializers.JSONField(allow_null=True)


# --- auth ------------------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    nik = serializers.CharField(max_length=40)
    password = serializers.CharField(max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    token_type = serializers.CharField()


# --- catalogue -------------------------------------------------------------------------------

class RequirementSerializer(serializers.ModelSerializer):
    basis_label = serializers.CharField(source="get_basis_display")
    kinds_label = serializers.CharField()

    class Meta:
        model = Requirement
        fields = ["code", "name", "help_text", "basis", "basis_label", "mandatory", "condition",
                  "file_kinds", "kinds_label", "max_size_kb"]


class VariantSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code")
    output_label = serializers.CharField(source="get_output_display")
    requirements = RequirementSerializer(many=True)

    class Meta:
        model = Variant
        fields = ["code", "name", "service", "help_text", "subject", "output", "output_label",
                  "deadline_hours", "form_fields", "eligibility", "requirements"]


class ServiceSerializer(serializers.ModelSerializer):
    variants = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = ["code", "name", "description", "variants"]

    @extend_schema_field(VariantSerializer(many=True))
    def get_variants(self, service: Service) -> list[dict[str, Any]]:
        active = [v for v in service.variants.all() if v.is_active]
        return VariantSerializer(active, many=True).data


# --- profile and family ----------------------------------------------------------------------

class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Dipakai sebagai `subject` saat membuat permohonan.")
    nik = serializers.CharField(help_text="Tersamar kecuali NIK sendiri.")
    full_name = serializers.CharField()
    relationship = serializers.CharField()
    relationship_label = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    is_self = serializers.BooleanField()


def member_data(member: Resident, own: Resident) -> dict[str, Any]:
    is_self = member.pk == own.pk
    return {"id": member.pk, "nik": member.nik if is_self else member.masked_nik,
            "full_name": member.full_name, "relationship": member.relationship,
            "relationship_label": member.get_relationship_display(), "sex": member.sex,
            "birth_date": member.birth_date, "is_self": is_self}


class ProfileSerializer(serializers.Serializer):
    username = serializers.CharField()
    nik = serializers.CharField(allow_null=True)
    full_name = serializers.CharField()
    sex = serializers.CharField(allow_null=True)
    birth_place = serializers.CharField(allow_null=True)
    birth_date = serializers.DateField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    rt = serializers.CharField(allow_null=True)
    rw = serializers.CharField(allow_null=True)
    village = serializers.CharField(allow_null=True)
    kk_number = serializers.CharField(allow_null=True)
    ektp_recording = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    preferred_channel = serializers.CharField()
    preferred_language = serializers.CharField()


def profile_data(user: Any) -> dict[str, Any]:
    r = user.resident
    return {
        "username": user.username, "nik": r.nik if r else None,
        "full_name": r.full_name if r else user.get_full_name(),
        "sex": r.sex if r else None, "birth_place": r.birth_place if r else None,
        "birth_date": r.birth_date if r else None, "address": r.address if r else None,
        "rt": r.rt if r else None, "rw": r.rw if r else None,
        "village": r.village.name if r else None,
        "kk_number": r.family.kk_number if r and r.family_id else None,
        "ektp_recording": r.ektp_recording if r else None,
        "email": user.email or "", "phone": str(user.phone or ""),
        "preferred_channel": user.preferred_channel,
        "preferred_language": user.preferred_language,
    }


class FamilySerializer(serializers.Serializer):
    kk_number = serializers.CharField(allow_null=True)
    members = MemberSerializer(many=True)


# --- applications ----------------------------------------------------------------------------

class DocumentSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.code")
    id = serializers.IntegerField()
    replaced = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = ["id", "requirement", "content_type", "size", "original_name", "width",
                  "height", "pages", "round", "uploaded_at", "replaced"]

    def get_replaced(self, doc: ApplicationDocument) -> bool:
        return doc.replaced_at is not None


class DeficiencySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="`doc:<persyaratan>`, `field:<isian>` atau "
                                           "`application`.")
    item = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class EventSerializer(serializers.ModelSerializer):
    to_status_label = serializers.CharField()

    class Meta:
        model = Event
        fields = ["at", "action", "from_status", "to_status", "to_status_label", "note"]


class ApplicationSerializer(serializers.ModelSerializer):
    variant = serializers.CharField(source="variant.code")
    service = serializers.CharField(source="service.code")
    status_label = serializers.CharField(source="get_status_display")
    subject_name = serializers.CharField()
    actions = serializers.SerializerMethodField()
    time_left_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["reference", "variant", "service", "status", "status_label", "subject_name",
                  "round", "created_at", "submitted_at", "returned_at", "deadline_at",
                  "decided_at", "time_left_seconds", "actions"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, app: Application) -> list[str]:
        return [a for a in (Action.EDIT, Action.SUBMIT, Action.RESUBMIT, Action.CANCEL)
                if allowed(app.status, a)]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_left_seconds(self, app: Application) -> int | None:
        left = app.time_left(timezone.now())
        return int(left.total_seconds()) if left is not None else None


class ApplicationDetailSerializer(ApplicationSerializer):
    data = serializers.JSONField()
    documents = serializers.SerializerMethodField()
    deficiencies = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "data", "documents", "deficiencies"]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, app: Application) -> list[dict[str, Any]]:
        docs = app.current_documents().select_related("requirement")
        return DocumentSerializer(docs, many=True).data

    @extend_schema_field(DeficiencySerializer(many=True))
    def get_deficiencies(self, app: Application) -> list[dict[str, str]]:
        if app.status not in (Status.RETURNED, Status.REJECTED):
            return []
        return deficiency_display(app, app.deficiencies)


class StatusSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    deadline_at = serializers.DateTimeField(allow_null=True)
    events = EventSerializer(many=True)


class CreateApplicationSerializer(serializers.Serializer):
    variant = serializers.SlugField(max_length=40)
    subject = serializers.IntegerField(
        allow_null=True, required=False, min_value=1,
        help_text="`id` anggota keluarga dari /me/family/; kosong untuk akta kelahiran.")


class SaveDraftSerializer(serializers.Serializer):
    data = serializers.DictField(help_text="Isian formulir: {kode isian: nilai}.")


class UploadSerializer(serializers.Serializer):
    requirement = serializers.SlugField(max_length=40)
    file = serializers.FileField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


# --- appointments ----------------------------------------------------------------------------

class PlaceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Place
        fields = ["id", "kind", "kind_label", "name", "address", "minutes_per_recording",
                  "stations"]


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    free = serializers.IntegerField()


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    slots = SlotSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    place = serializers.IntegerField()
    days = AvailabilityDaySerializer(many=True)


class AvailabilityQuerySerializer(serializers.Serializer):
    place = serializers.IntegerField(min_value=1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class BookingSerializer(serializers.ModelSerializer):
    place = PlaceSerializer()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Booking
        fields = ["code", "place", "start", "status", "status_label", "needs_reschedule",
                  "created_at"]


class BookSerializer(serializers.Serializer):
    place = serializers.IntegerField(min_value=1)
    start = serializers.DateTimeField()


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- public verification of issued documents ---------------------------------------------

class VerificationSerializer(serializers.Serializer):
    """What the public /verifikasi/<code> page shows, no more: names and numbers masked."""

    code = serializers.CharField()
    status = serializers.CharField(help_text="`valid`, `superseded` atau `revoked`.")
    status_label = serializers.CharField()
    message = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    number = serializers.CharField()
    kk_version = serializers.IntegerField(allow_null=True)
    issued_at = serializers.DateTimeField()
    holder_name = serializers.CharField()
    holder_number = serializers.CharField()
    signer_name = serializers.CharField()
    signer_nip = serializers.CharField()
    status_changed_at = serializers.DateTimeField(allow_null=True)


class IssuedDocumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()
    application = serializers.CharField(allow_null=True)
    has_pdf = serializers.BooleanField()


def issued_data(doc: Any) -> dict[str, Any]:
    return {"code": doc.code, "kind": doc.kind, "kind_label": doc.get_kind_display(),
            "number": doc.number, "status": doc.status, "issued_at": doc.issued_at,
            "application": doc.application.reference if doc.application_id else None,
            "has_pdf": bool(doc.pdf)}
