"""Places, hours, closures and events are edited here. Saving a change that removes slots
flags the affected bookings and tells their residents (services.flag_bookings_outside_hours);
bookings are never silently dropped."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from paksemmok.audit.admin_reads import AuditedReadsMixin
from paksemmok.audit.log import record
from paksemmok.population.models import Region

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


class JemputBolaForm(forms.ModelForm):
    """New days are made by services.create_jemput_bola and changes by change_jemput_bola:
    the form runs the same rules (services.check_jemput_bola_day) so a refusal shows here,
    next to the fields, instead of a day the staff page would never have allowed."""

    village = forms.ModelChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.filter(level=Region.Level.VILLAGE),
    )

    class Meta:
        model = JemputBolaEvent
        fields = ["date", "opens", "closes", "capacity", "minutes_per_recording", "note"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            # The hall of an existing day does not move; cancel it and schedule another.
            del self.fields["village"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        village = data.get("village") or self.instance.place.region
        try:
            services.check_jemput_bola_day(
                actor=self.request.user,
                village=village,
                date=data["date"],
                opens=data["opens"],
                closes=data["closes"],
                capacity=data["capacity"],
                minutes_per_recording=data["minutes_per_recording"],
                event=self.instance if self.instance.pk else None,
            )
        except services.AppointmentError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(JemputBolaEvent)
class JemputBolaEventAdmin(admin.ModelAdmin):
    """New days and changes go through the jemput bola services (rules, announcement, audit,
    flagged bookings); cancelling is the action below, never a status edit or a deletion."""

    form = JemputBolaForm
    list_display = ["place", "date", "opens", "closes", "capacity", "status", "announced_to"]
    list_filter = ["status"]
    date_hierarchy = "date"
    readonly_fields = ["place", "status", "announced_to", "created_by"]
    actions = ["cancel_days"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithRequest(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return WithRequest

    def get_fields(self, request, obj=None):
        editable = ["date", "opens", "closes", "capacity", "minutes_per_recording", "note"]
        if obj is None:
            return ["village", *editable]
        return ["place", "status", *editable, "announced_to", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != JemputBolaEvent.Status.SCHEDULED:
            return [*self.get_fields(request, obj)]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            event = services.create_jemput_bola(
                village=data["village"],
                date=data["date"],
                opens=data["opens"],
                closes=data["closes"],
                capacity=data["capacity"],
                minutes_per_recording=data["minutes_per_recording"],
                note=data.get("note", ""),
                actor=request.user,
            )
            # The admin's own bookkeeping (message, redirect, LogEntry) uses `obj`.
            obj.pk, obj.place_id = event.pk, event.place_id
            obj._state.adding = False
            return
        changes = {name: data[name] for name in form.changed_data if name in data}
        # `obj` already holds the new values in memory: the service compares with the row.
        flagged = services.change_jemput_bola(
            JemputBolaEvent.objects.get(pk=obj.pk), actor=request.user, changes=changes
        )
        if flagged:
            self.message_user(
                request,
                _(
                    "%(n)s janji kini di luar jam layanan; penduduk sudah diberi tahu untuk "
                    "memilih waktu baru."
                )
                % {"n": flagged},
                messages.WARNING,
            )

    @admin.action(description=_("Batalkan jemput bola terpilih"))
    def cancel_days(self, request, queryset) -> None:
        cancelled = 0
        for event in queryset:
            try:
                services.cancel_jemput_bola(event, actor=request.user, reason="admin")
            except services.AppointmentError as exc:
                self.message_user(request, f"{event}: {exc}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(request, _("%(n)s jemput bola dibatalkan.") % {"n": cancelled})


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
