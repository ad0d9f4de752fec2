"""Places, hours, closures and events are edited here. Saving a change that removes slots
flags the affected bookings and tells their residents (services.flag_bookings_outside_hours);
bookings are never silently dropped."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.admin_reads import AuditedReadsMixin
from paksemmok.audit.log import record

from . import services
from .models import Booking, Closure, JemputBolaEvent, OpeningHours, Place


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "stations", "minutes_per_recording", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
    inlines = [OpeningHoursInline, ClosureInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = form.changed_data + [f"{fs.prefix}" for fs in formsets if fs.has_changed()]
        record(
            "appointments.place.changed" if change else "appointments.place.created",
            actor=request.user,
            obj=form.instance,
            details={"fields": sorted(changed)},
            purpose="admin",
        )
        if change:
            flagged = services.flag_bookings_outside_hours(form.instance, actor=request.user)
            if flagged:
                self.message_user(
                    request,
                    _(
                        "%(n)s janji kini di luar jam layanan; penduduk sudah diberi "
                        "tahu untuk memilih waktu baru."
                    )
                    % {"n": flagged},
                    messages.WARNING,
                )


@admin.register(JemputBolaEvent)
class JemputBolaEventAdmin(admin.ModelAdmin):
    """Editing hours or cancelling here flags bookings; new events are best made on the staff
    page, which announces them. An event added here is announced on save too."""

    list_display = ["place", "date", "opens", "closes", "capacity", "status", "announced_to"]
    list_filter = ["status"]
    date_hierarchy = "date"
    readonly_fields = ["announced_to", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            obj.announced_to = services.announce_jemput_bola(obj)
            obj.save(update_fields=["announced_to"])
        record(
            "appointments.jemput_bola.changed" if change else "appointments.jemput_bola.created",
            actor=request.user,
            obj=obj,
            details={"fields": sorted(form.changed_data)},
            purpose="admin",
        )
        if change:
            services.flag_bookings_outside_hours(obj.place, actor=request.user)


@admin.register(Booking)
class BookingAdmin(AuditedReadsMixin, admin.ModelAdmin):
    """Read-only: bookings change through the service functions (and their audit)."""

    list_display = ["code", "place", "start", "status", "is_walk_in", "needs_reschedule"]
    list_filter = ["status", "place", "needs_reschedule", "is_walk_in"]
    search_fields = ["=code", "=resident__nik"]
    date_hierarchy = "start"
    list_select_related = ["place"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
