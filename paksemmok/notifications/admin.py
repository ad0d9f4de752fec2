"""The outbox in the admin: read-only, with the fallback history and a "retry now" action.

In development this is also where a demo user reads the verification code that the console
transport "sent".
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from paksemmok.audit.admin_reads import AuditedReadsMixin
from paksemmok.audit.log import record

from .delivery import retry_now
from .models import Attempt, Message, mask_address
from .services import is_secret

HIDDEN = _("(disembunyikan: berisi kode rahasia)")


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = [
        "at",
        "channel",
        "masked_address",
        "outcome",
        "error",
        "provider_id",
        "worker",
        "duration_ms",
    ]
    readonly_fields = fields

    @admin.display(description=_("alamat"))
    def masked_address(self, obj: Attempt) -> str:
        return mask_address(obj.address)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(AuditedReadsMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "template",
        "channel",
        "recipient",
        "status",
        "attempts",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template", "language", "created_at"]
    search_fields = ["address", "to_phone", "to_email", "user__username", "=provider_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    inlines = [AttemptInline]
    actions = ["retry_now_action"]
    fieldsets = [
        (
            None,
            {"fields": ["template", "language", "user", "status", "shown_subject", "shown_body"]},
        ),
        (
            _("Penerima"),
            {
                "fields": [
                    "requested_channel",
                    "channel",
                    "address",
                    "to_phone",
                    "to_email",
                    "channels_tried",
                ]
            },
        ),
        (
            _("Pengiriman"),
            {
                "fields": [
                    "attempts",
                    "channel_attempts",
                    "next_attempt_at",
                    "expires_at",
                    "last_error",
                    "created_at",
                    "sent_at",
                    "claimed_by",
                    "claimed_at",
                    "provider_id",
                    "key",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _show(self, obj: Message) -> bool:
        return settings.NOTIFY_ADMIN_SHOW_SECRETS or not is_secret(obj.template)

    @admin.display(description=_("subjek"))
    def shown_subject(self, obj: Message) -> str:
        return obj.subject

    @admin.display(description=_("isi"))
    def shown_body(self, obj: Message) -> str:
        return obj.body if self._show(obj) else str(HIDDEN)

    @admin.display(description=_("penerima"), ordering="address")
    def recipient(self, obj: Message) -> str:
        return obj.address or "—"

    @admin.display(description=_("galat terakhir"))
    def short_error(self, obj: Message) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description=_("Kirim ulang sekarang"), permissions=["change"])
    def retry_now_action(self, request, queryset) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        retried = retry_now(Message.objects.filter(pk__in=pks))
        count = len(retried)
        for message in Message.objects.filter(pk__in=retried):
            record("notifications.message.retried", actor=request.user, obj=message)
        self.message_user(
            request,
            ngettext(
                "%(count)d pesan dijadwalkan ulang.", "%(count)d pesan dijadwalkan ulang.", count
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
