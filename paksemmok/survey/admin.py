"""Survey answers in the admin: read-only (statistical data nobody may edit), and reads of a
response audited, because a free-text comment may contain personal data."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.admin_reads import AuditedReadsMixin

from .models import SurveyInvitation, SurveyResponse
from .questions import FIELDS


class ReadOnlyAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """Reads audited by AuditedReadsMixin (lists, records opened)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    # No application or applicant column: the answers are anonymous in every listing.
    list_display = ["answered_at", "service", "variant", *FIELDS, "has_comment"]
    list_filter = ["service", "answered_at"]
    date_hierarchy = "answered_at"
    list_select_related = ["service", "variant"]
    fields = ["answered_at", "service", "variant", *FIELDS, "comment"]
    readonly_fields = fields

    @admin.display(boolean=True, description=_("ada saran"))
    def has_comment(self, obj: SurveyResponse) -> bool:
        return bool(obj.comment)


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["application", "created_at", "expires_at", "responded_at"]
    list_filter = ["responded_at"]
    list_select_related = ["application"]
    search_fields = ["=application__reference"]
    fields = ["application", "created_at", "expires_at", "responded_at"]
    readonly_fields = fields
