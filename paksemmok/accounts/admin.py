from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "is_active", "is_verified"]
    list_filter = ["role", "is_active", "is_verified"]
    raw_id_fields = ["resident"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Pak Semmok"), {"fields": [
            "role", "resident", "phone", "village", "preferred_channel", "preferred_language",
            "is_verified",
        ]}),
    ]
