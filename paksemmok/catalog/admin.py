from django.contrib import admin

from .models import DeficiencyReason, DocumentText, Requirement, Service, Variant


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0
    fields = [
        "order",
        "code",
        "name",
        "basis",
        "mandatory",
        "condition",
        "file_kinds",
        "max_size_kb",
        "help_text",
    ]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["order", "code", "name", "output", "deadline_hours", "is_active"]
    show_change_link = True


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "code", "output", "deadline_hours", "is_active"]
    list_filter = ["service", "output", "is_active"]
    inlines = [RequirementInline]


@admin.register(DeficiencyReason)
class DeficiencyReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]


@admin.register(DocumentText)
class DocumentTextAdmin(admin.ModelAdmin):
    list_display = ["code", "text"]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        # Only the codes the documents use exist; they come with migration 0003.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
