from django.contrib import admin

from paksemmok.audit.admin_reads import AuditedReadsMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedReadsMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_label", "purpose"]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "object_id", "purpose"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
