from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.admin_reads import AuditedReadsMixin
from paksemmok.audit.ip import client_ip
from paksemmok.audit.log import record

from .models import Family, FamilyVersion, Region, Resident
from .queries import exact_number_matches
from .services import (
    CORRECTABLE_RESIDENT_FIELDS,
    FAMILY_ADDRESS_FIELDS,
    correct_family_address,
    correct_resident,
)


class AuditedAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """Every staff read (AuditedReadsMixin: lists, searches, records opened) and change of a
    person's record through the admin is audited."""

    audit_prefix = ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            f"{self.audit_prefix}.{'changed' if change else 'created'}",
            actor=request.user,
            obj=obj,
            details={"fields": sorted(form.changed_data)},
            purpose="Django admin",
            ip_address=client_ip(request),
        )

    def has_delete_permission(self, request, obj=None):
        # People leave the register by a status (deceased, moved), never by deletion.
        return False


class CorrectionForm(forms.ModelForm):
    """The admin's change form for register rows: a correction needs its reason, which goes
    into the audit entry and the new KK version."""

    correction_reason = forms.CharField(
        label=_("Alasan koreksi"),
        max_length=200,
        help_text=_("Dicatat di log audit dan di versi KK baru, mis. “salah ketik nama”."),
    )


class RegisterCorrectionAdmin(AuditedAdmin):
    """Register rows are corrected only through the register services (audit + KK version);
    new people and families come from applications or the register import, never from here.
    Fields outside `correctable` are read-only."""

    form = CorrectionForm
    correctable: frozenset[str] | tuple[str, ...] = ()

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.concrete_fields if f.editable]
        return [f for f in fields if f not in self.correctable and f != "id"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "correction_reason"]})
            for name, opts in super().get_fieldsets(request, obj)
        ]
        if not self.has_change_permission(request, obj):
            return fieldsets
        return [*fieldsets, (_("Koreksi"), {"fields": ["correction_reason"]})]

    def correct(self, request, obj, changes: dict, reason: str) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in self.correctable}
        self.correct(request, obj, changes, form.cleaned_data["correction_reason"])


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "postal_code"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    ordering = ["code"]


class MemberInline(admin.TabularInline):
    model = Resident
    fields = ["nik", "full_name", "relationship", "sex", "birth_date", "life_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = FamilyVersion
    fields = ["version", "kk_number", "reason", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Family)
class FamilyAdmin(RegisterCorrectionAdmin):
    audit_prefix = "register.family"
    list_display = ["kk_number", "head", "village", "rt", "rw", "current_version", "is_active"]
    list_filter = ["is_active", "village__parent", "village"]
    search_fields = ["=kk_number", "head__full_name", "=head__nik"]
    raw_id_fields = ["head"]
    autocomplete_fields = ["village"]
    list_select_related = ["head", "village"]
    inlines = [MemberInline, VersionInline]
    correctable = FAMILY_ADDRESS_FIELDS

    def correct(self, request, obj, changes, reason):
        correct_family_address(
            obj, changes, actor=request.user, reason=reason, ip_address=client_ip(request)
        )


@admin.register(Resident)
class ResidentAdmin(RegisterCorrectionAdmin):
    audit_prefix = "register.resident"
    list_display = [
        "nik",
        "full_name",
        "sex",
        "birth_date",
        "village",
        "life_status",
        "ektp_recording",
    ]
    list_filter = [
        "life_status",
        "ektp_recording",
        "ektp_printed",
        "sex",
        "village__parent",
        "village",
    ]
    # "=" makes NIK and No. KK exact matches, which use the unique indexes.
    search_fields = ["full_name"]
    list_select_related = ["village"]
    # Counting 850k rows for "of N total" on every search costs more than the search.
    show_full_result_count = False
    correctable = CORRECTABLE_RESIDENT_FIELDS

    def correct(self, request, obj, changes, reason):
        correct_resident(
            obj, changes, actor=request.user, reason=reason, ip_address=client_ip(request)
        )

    fieldsets = [
        (None, {"fields": ["nik", "full_name", "sex", "birth_place", "birth_date"]}),
        (
            _("Data pribadi"),
            {
                "fields": [
                    "religion",
                    "education",
                    "occupation",
                    "marital_status",
                    "citizenship",
                    "father_name",
                    "mother_name",
                ]
            },
        ),
        (
            _("Alamat dan keluarga"),
            {
                "fields": [
                    "village",
                    "address",
                    "rt",
                    "rw",
                    "family",
                    "relationship",
                ]
            },
        ),
        (
            _("Status"),
            {
                "fields": [
                    "life_status",
                    "death_date",
                    "ektp_recording",
                    "ektp_printed",
                ]
            },
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        # The staff look-up's rule (population.queries): an exact 16-digit NIK or No. KK is
        # two index look-ups; only other terms fall back to the name search (trigram index
        # on PostgreSQL), never an OR of all three over every row.
        exact = exact_number_matches(search_term)
        if exact is not None:
            return queryset.filter(pk__in=exact.values("pk")), False
        return super().get_search_results(request, queryset, search_term)
