from django.contrib import admin

from paksemmok.audit.admin_reads import AuditedReadsMixin

from .models import Application, ApplicationDocument, Event


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    fields = readonly_fields


@admin.register(Application)
class ApplicationAdmin(AuditedReadsMixin, admin.ModelAdmin):
    # Read-only here: every change goes through the service functions (audit + notify).
    list_display = ["reference", "variant", "status", "submitted_at", "deadline_at"]
    list_filter = ["status", "service"]
    search_fields = ["reference"]
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(AuditedReadsMixin, admin.ModelAdmin):
    list_display = [
        "application",
        "requirement",
        "content_type",
        "size",
        "uploaded_at",
        "replaced_at",
    ]
    # The file itself is opened only through the audited view, never from the admin.
    readonly_fields = [f.name for f in ApplicationDocument._meta.fields if f.name != "file"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False
