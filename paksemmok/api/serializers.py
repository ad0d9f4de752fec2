"""Read shapes (output) and small input serializers. Inputs are only parsed here; every rule
is checked by the service function the view calls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from paksemmok.applications.deadlines import time_left
from paksemmok.applications.lifecycle import Action, Status, allowed
from paksemmok.applications.models import Application, ApplicationDocument, Event
from paksemmok.applications.services import deficiency_display
from paksemmok.appointments.models import Booking, Place
from paksemmok.catalog.models import Requirement, Service, Variant
from paksemmok.population.models import Resident

# What a deficiency item looks like (applications.items.Item), said once for the schema.
ITEM_HELP = "`doc:<persyaratan>`, `field:<isian>` atau `application`."

# --- auth ------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    nik = serializers.CharField(max_length=40)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenInfoSerializer(serializers.Serializer):
    """One of the caller's tokens; the key itself is never shown again."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="The token this request was made with.")


# --- catalogue -------------------------------------------------------------------------------


class RequirementSerializer(serializers.ModelSerializer):
    basis_label = serializers.CharField(source="get_basis_display")
    kinds_label = serializers.CharField()

    class Meta:
        model = Requirement
        fields = [
            "code",
            "name",
            "help_text",
            "basis",
            "basis_label",
            "mandatory",
            "condition",
            "file_kinds",
            "kinds_label",
            "max_size_kb",
        ]


class VariantSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code")
    output_label = serializers.CharField(source="get_output_display")
    requirements = RequirementSerializer(many=True)

    class Meta:
        model = Variant
        fields = [
            "code",
            "name",
            "service",
            "help_text",
            "subject",
            "output",
            "output_label",
            "deadline_hours",
            "form_fields",
            "eligibility",
            "requirements",
        ]


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


class KkMemberSerializer(serializers.Serializer):
    """A member's row of the KK; the resident's and the staff's views add their own fields."""

    id = serializers.IntegerField()
    nik = serializers.CharField()
    full_name = serializers.CharField()
    relationship = serializers.CharField()
    relationship_label = serializers.CharField()
    birth_date = serializers.DateField()


def kk_member_data(member: Resident) -> dict[str, Any]:
    return {
        "id": member.pk,
        "nik": member.nik,
        "full_name": member.full_name,
        "relationship": member.relationship,
        "relationship_label": member.get_relationship_display(),
        "birth_date": member.birth_date,
    }


class MemberSerializer(KkMemberSerializer):
    id = serializers.IntegerField(help_text="Dipakai sebagai `subject` saat membuat permohonan.")
    nik = serializers.CharField(help_text="Tersamar kecuali NIK sendiri.")
    sex = serializers.CharField()
    is_self = serializers.BooleanField()


def member_data(member: Resident, own: Resident) -> dict[str, Any]:
    is_self = member.pk == own.pk
    return {
        **kk_member_data(member),
        "nik": member.nik if is_self else member.masked_nik,
        "sex": member.sex,
        "is_self": is_self,
    }


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
        "username": user.username,
        "nik": r.nik if r else None,
        "full_name": r.full_name if r else user.get_full_name(),
        "sex": r.sex if r else None,
        "birth_place": r.birth_place if r else None,
        "birth_date": r.birth_date if r else None,
        "address": r.address if r else None,
        "rt": r.rt if r else None,
        "rw": r.rw if r else None,
        "village": r.village.name if r else None,
        "kk_number": r.family.kk_number if r and r.family_id else None,
        "ektp_recording": r.ektp_recording if r else None,
        "email": user.email or "",
        "phone": str(user.phone or ""),
        "preferred_channel": user.preferred_channel,
        "preferred_language": user.preferred_language,
    }


class FamilySerializer(serializers.Serializer):
    kk_number = serializers.CharField(allow_null=True)
    members = MemberSerializer(many=True)


# --- applications ----------------------------------------------------------------------------


class UploadedFileSerializer(serializers.Serializer):
    """An uploaded file as the resident's and the staff's views both show it."""

    id = serializers.IntegerField()
    requirement = serializers.CharField(source="requirement.code")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    pages = serializers.IntegerField(allow_null=True)
    quality_flags = serializers.ListField(
        child=serializers.CharField(),
        help_text="Pemeriksaan foto otomatis: blurry, dark, bright, low_contrast, small.",
    )
    round = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class DocumentSerializer(UploadedFileSerializer):
    original_name = serializers.CharField(allow_blank=True)
    replaced = serializers.SerializerMethodField()

    def get_replaced(self, doc: ApplicationDocument) -> bool:
        return doc.replaced_at is not None


class DeficiencySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=ITEM_HELP)
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
        fields = [
            "reference",
            "variant",
            "service",
            "status",
            "status_label",
            "subject_name",
            "round",
            "created_at",
            "submitted_at",
            "returned_at",
            "deadline_at",
            "decided_at",
            "time_left_seconds",
            "actions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, app: Application) -> list[str]:
        return [
            a
            for a in (Action.EDIT, Action.SUBMIT, Action.RESUBMIT, Action.CANCEL)
            if allowed(app.status, a)
        ]

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
        allow_null=True,
        required=False,
        min_value=1,
        help_text="`id` anggota keluarga dari /me/family/; kosong untuk akta kelahiran.",
    )


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
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "address",
            "minutes_per_recording",
            "stations",
        ]


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
        fields = [
            "code",
            "place",
            "start",
            "status",
            "status_label",
            "needs_reschedule",
            "created_at",
        ]


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


class IssuedSerializer(serializers.Serializer):
    """An issued document as a list shows it; residents and staff each add their fields."""

    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()
    has_pdf = serializers.BooleanField()


class IssuedDocumentSerializer(IssuedSerializer):
    issued_at = serializers.DateTimeField()
    application = serializers.CharField(allow_null=True)


def issued_data(doc: Any) -> dict[str, Any]:
    """Every field either serializer shows (each picks its own)."""
    return {
        "code": doc.code,
        "kind": doc.kind,
        "kind_label": doc.get_kind_display(),
        "number": doc.number,
        "status": doc.status,
        "has_pdf": bool(doc.pdf),
        "issued_at": doc.issued_at,
        "application": doc.application.reference if doc.application_id else None,
        "card_status": doc.card_status or "",
    }


# --- staff (back office) ---------------------------------------------------------------------

QUEUE_STATUS_FILTERS = [
    ("submitted", "Dikirim"),
    ("in_review", "Diperiksa petugas"),
    ("free", "Belum diambil"),
    ("overdue", "Lewat batas"),
]


class StaffQueueQuerySerializer(serializers.Serializer):
    """The queue page's filters, with the same meaning."""

    service = serializers.SlugField(
        max_length=40, required=False, allow_blank=True, help_text="Kode layanan, mis. `ektp`."
    )
    variant = serializers.SlugField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Kode jenis permohonan, mis. `ektp-cetak`.",
    )
    kecamatan = serializers.RegexField(
        r"^[0-9.]{0,20}$",
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Kode kecamatan Kemendagri, mis. `33.19.02`.",
    )
    status = serializers.ChoiceField(choices=QUEUE_STATUS_FILTERS, required=False, allow_blank=True)
    after = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Kursor dari `next` halaman sebelumnya; kosong untuk halaman pertama.",
    )
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class StaffQueueItemSerializer(serializers.Serializer):
    """One row of the queue, as the queue page shows it (no identity numbers)."""

    reference = serializers.CharField()
    service = serializers.CharField()
    service_name = serializers.CharField()
    variant = serializers.CharField()
    variant_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    kecamatan = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    deadline_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(
        allow_null=True, help_text="Detik sampai batas waktu; negatif bila sudah lewat."
    )
    overdue = serializers.BooleanField()
    near_deadline = serializers.BooleanField()
    claimed_by = serializers.CharField(allow_null=True, help_text="Nama petugas pemeriksa.")
    claimed_by_me = serializers.BooleanField()


class StaffQueuePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Jumlah permohonan, paling banyak 1000.")
    count_capped = serializers.BooleanField(help_text="Benar bila jumlahnya lebih dari `count`.")
    next = serializers.URLField(allow_null=True)
    results = StaffQueueItemSerializer(many=True)


def queue_item(app: Application, user: Any, now: Any) -> dict[str, Any]:
    left = time_left(app, now)
    claim = getattr(app, "claim", None) if _has_claim(app) else None
    officer = claim.officer if claim is not None else None
    return {
        "reference": app.reference,
        "service": app.service.code,
        "service_name": app.service.name,
        "variant": app.variant.code,
        "variant_name": app.variant.name,
        "status": app.status,
        "status_label": app.get_status_display(),
        # The application's own kecamatan, as on the queue page (backoffice.queues).
        "kecamatan": app.kecamatan.name if app.kecamatan_id else None,
        "submitted_at": app.submitted_at,
        "deadline_at": app.deadline_at,
        "seconds_left": int((app.deadline_at - now).total_seconds()) if app.deadline_at else None,
        "overdue": left["overdue"],
        "near_deadline": left["near"],
        "claimed_by": (officer.get_full_name() or officer.username) if officer else None,
        "claimed_by_me": officer is not None and officer.pk == user.pk,
    }


def _has_claim(app: Application) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return app.claim is not None
    except ObjectDoesNotExist:
        return False


class TakeNextSerializer(serializers.Serializer):
    application = StaffQueueItemSerializer(
        allow_null=True, help_text="Kosong bila tidak ada permohonan yang menunggu."
    )


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class StaffChangeSerializer(serializers.Serializer):
    """One row of a KK data change (issue 15: several per application)."""

    member = serializers.CharField(help_text="NIK anggota KK yang datanya diubah.")
    member_name = serializers.CharField()
    field = serializers.CharField(help_text="Kode data yang diubah.")
    label = serializers.CharField()
    old = serializers.CharField(allow_blank=True, help_text="Nilai di register.")
    new = serializers.CharField(allow_blank=True, help_text="Nilai yang diminta.")
    differs = serializers.BooleanField()


class StaffFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(allow_blank=True, help_text="Isian permohonan, sebagai teks.")
    register = serializers.CharField(allow_blank=True, help_text="Nilai di register, bila ada.")
    differs = serializers.BooleanField()
    changes = StaffChangeSerializer(
        many=True, required=False, help_text="Perubahan data KK satu per satu (isian `changes`)."
    )


class StaffMemberSerializer(KkMemberSerializer):
    """A living member of the KK, as the review page lists them (the read is audited)."""

    ektp_recording = serializers.CharField()
    ektp_recording_label = serializers.CharField()
    is_subject = serializers.BooleanField()


class StaffDocumentSerializer(UploadedFileSerializer):
    """Needs `reference` and `request` in its context (the download URL)."""

    requirement_name = serializers.CharField(source="requirement.name")
    is_image = serializers.BooleanField()
    url = serializers.SerializerMethodField(
        help_text="Unduh lewat API petugas (setiap unduhan diaudit)."
    )

    @extend_schema_field(serializers.CharField())
    def get_url(self, doc: ApplicationDocument) -> str:
        return reverse(
            "api:staff-document",
            args=[self.context["reference"], doc.pk],
            request=self.context.get("request"),
        )


class StaffIssuedSerializer(IssuedSerializer):
    card_status = serializers.CharField(allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DeficiencyItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=ITEM_HELP)
    label = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    item = serializers.CharField()
    message = serializers.CharField()
    code = serializers.CharField(
        required=False, help_text="Kode aturan register (applications.rules), bila ada."
    )


class RuleWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    item = serializers.CharField()
    severity = serializers.CharField()
    details = serializers.JSONField()


class PossibleDuplicateSerializer(serializers.Serializer):
    resident_id = serializers.IntegerField()
    nik = serializers.CharField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField()
    mother_name = serializers.CharField(allow_blank=True)
    father_name = serializers.CharField(allow_blank=True)
    village = serializers.CharField(allow_blank=True)
    kk_number = serializers.CharField(allow_blank=True)
    life_status = serializers.CharField()
    score = serializers.FloatField(help_text="Kemiripan nama 0..1.")
    same_family = serializers.BooleanField()
    same_mother = serializers.BooleanField()


class StaffEventSerializer(EventSerializer):
    actor = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "actor"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: Event) -> str | None:
        actor = event.actor
        return (actor.get_full_name() or actor.username) if actor else None


class StaffApplicationSerializer(StaffQueueItemSerializer):
    """What the review page shows; reading it is audited as the page's read."""

    round = serializers.IntegerField()
    returned_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    applicant_name = serializers.CharField()
    subject_name = serializers.CharField()
    kk_number = serializers.CharField(allow_null=True)
    data = serializers.JSONField(help_text="Isian formulir apa adanya: {kode isian: nilai}.")
    answers = StaffFieldSerializer(many=True, help_text="Isian beserta nilai register.")
    members = StaffMemberSerializer(many=True)
    problems = ProblemSerializer(many=True, help_text="Hasil pemeriksaan otomatis.")
    warnings = RuleWarningSerializer(
        many=True, help_text="Peringatan aturan register untuk petugas (tidak menghalangi)."
    )
    possible_duplicates = PossibleDuplicateSerializer(
        many=True,
        help_text="Penduduk mirip (tanggal lahir sama, nama mirip); persetujuan perlu "
        "supervisor dan `duplicate_reason`.",
    )
    documents = StaffDocumentSerializer(many=True)
    events = StaffEventSerializer(many=True)
    issued_documents = StaffIssuedSerializer(many=True)
    deficiencies = DeficiencySerializer(
        many=True, help_text="Kekurangan dari pengembalian/penolakan terakhir."
    )
    deficiency_items = DeficiencyItemSerializer(
        many=True, help_text="Bagian yang dapat disebut pada `deficiencies[].item`."
    )
    reasons = ReasonSerializer(many=True, help_text="Katalog alasan kekurangan.")
    may_decide = serializers.BooleanField(help_text="Anda memegang permohonan ini.")


class DecisionDeficiencySerializer(serializers.Serializer):
    item = serializers.CharField(max_length=80, help_text=ITEM_HELP)
    reason = serializers.CharField(max_length=40, help_text="Kode alasan dari katalog.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", "approve"), ("return", "return"), ("reject", "reject")]
    )
    deficiencies = DecisionDeficiencySerializer(
        many=True,
        required=False,
        default=list,
        max_length=100,
        help_text="Wajib untuk `return` dan `reject`; kosong untuk `approve`.",
    )
    duplicate_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text="Untuk `approve` bila ada kemungkinan data ganda: alasan tertulis supervisor.",
    )


class DecisionResultSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    issued_documents = StaffIssuedSerializer(many=True)
