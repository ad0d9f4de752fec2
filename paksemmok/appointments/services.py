"""Perekaman booking lifecycle. Every function checks the current state, changes it in one
transaction, writes the audit entry and queues the notification (an outbox row in the same
transaction, so a rolled-back booking never sends a message).

Capacity: a booking first derives the slot from the rules (slots.find_slot), then takes a
place with a conditional UPDATE on the slot's SlotCounter row:

    UPDATE ... SET booked = booked + 1 WHERE place = %s AND start = %s AND booked < capacity

On PostgreSQL the UPDATE locks the row and re-checks `booked < capacity` after waiting for any
concurrent booking of the same slot, so the last place goes to exactly one of them; on SQLite
the project's IMMEDIATE transactions serialise writers. See tests/appointments/test_concurrency.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from paksemmok.accounts.models import User
from paksemmok.audit.log import record
from paksemmok.errors import DomainError
from paksemmok.notifications.services import one_message_per_recipient
from paksemmok.population.ektp_eligibility import perekaman_eligibility
from paksemmok.population.models import MaritalStatus, Region, Resident

from . import slots as slot_rules
from .models import Booking, JemputBolaEvent, Place, SlotCounter


class AppointmentError(DomainError):
    """A booking action that cannot be done; the message is shown to the user as is."""

    code = "appointment_conflict"


# --- helpers ------------------------------------------------------------------------------


def _notify(**kwargs: Any) -> Any:
    # Imported late: the notifications app is developed alongside this one.
    from paksemmok.notifications.services import notify

    return notify(**kwargs)


def format_when(start: dt.datetime) -> str:
    """ "Senin, 7 Desember 2026 pukul 08.00 WIB": what residents read in messages."""
    local = timezone.localtime(start)
    with translation.override("id"):
        day = formats.date_format(local, "l, j F Y")
    return _("%(day)s pukul %(time)s %(zone)s") % {
        "day": day,
        "time": local.strftime("%H.%M"),
        "zone": local.tzname() or "",
    }


def format_day(day: dt.date) -> str:
    with translation.override("id"):
        return formats.date_format(day, "l, j F Y")


def recipient(booking: Booking) -> Any:
    """Messages go to the resident's own account, else to whoever booked (a helper)."""
    account = getattr(booking.resident, "account", None)
    if account is not None and account.is_active:
        return account
    return booking.booked_by


def _send(booking: Booking, template: str, context: dict[str, Any]) -> None:
    user = recipient(booking)
    if user is not None:
        _notify(template=template, context=context, user=user)


def _send_generic(booking: Booking, subject: str, body: str) -> None:
    _send(booking, "generic", {"subject": subject, "body": body})


def _booking_context(booking: Booking) -> dict[str, Any]:
    # A datetime, not text: notify() formats it in the recipient's language and local time.
    return {"place": booking.place.name, "when": booking.start, "booking_code": booking.code}


def _reminder_covered(start: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """A booking made on the day before (or the day itself) gets no separate reminder: the
    day-before reminder would follow the booking message within hours, saying the same.
    Returns the value for `reminder_sent_at`."""
    days_ahead = (timezone.localtime(start).date() - timezone.localtime(now).date()).days
    return now if days_ahead <= 1 else None


def is_desk_staff(user: Any) -> bool:
    """Staff of the perekaman desk (`User.PEREKAMAN_DESK_ROLES`): they book for walk-ins and
    check residents in. Operators handle applications, not bookings."""
    return bool(
        user is not None and user.is_authenticated and user.role in User.PEREKAMAN_DESK_ROLES
    )


def can_act_for(user: Any, resident: Resident) -> bool:
    """A resident books for themselves, a helper for residents of their village, staff for
    anyone (walk-ins)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == User.Role.RESIDENT:
        return user.resident_id == resident.pk
    if user.role == User.Role.HELPER:
        return user.village_id is not None and user.village_id == resident.village_id
    return is_desk_staff(user)


def _audit(action: str, booking: Booking, actor: Any, **details: Any) -> None:
    account = getattr(booking.resident, "account", None)
    acting_for = account if account is not None and account != actor else None
    record(
        action,
        actor=actor,
        obj=booking,
        on_behalf_of=acting_for,
        details={
            "resident_id": booking.resident_id,
            "resident": str(booking.resident),
            "place_id": booking.place_id,
            "start": booking.start.isoformat(),
            **details,
        },
    )


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update().select_related("resident", "place").get(pk=booking.pk)
    )


def _take(place: Place, start: dt.datetime, capacity: int) -> bool:
    """Takes one place in the slot if it has room. Must run inside the booking transaction."""
    SlotCounter.objects.get_or_create(place=place, start=start)
    return bool(
        SlotCounter.objects.filter(place=place, start=start, booked__lt=capacity).update(
            booked=F("booked") + 1
        )
    )


def _release(place_id: int, start: dt.datetime) -> None:
    SlotCounter.objects.filter(place_id=place_id, start=start, booked__gt=0).update(
        booked=F("booked") - 1
    )


def closed_message(place: Place, day: dt.date) -> str | None:
    """Why `place` has no slots on `day`, for people; None when it is open."""
    reason = slot_rules.closed_reason(place, day)
    if reason is None:
        return None
    if reason == "holiday":
        return _("%(place)s tutup pada %(day)s (hari libur: %(name)s).") % {
            "place": place.name,
            "day": format_day(day),
            "name": slot_rules.public_holiday(day),
        }
    if reason == "no_event":
        return _("Tidak ada jemput bola di %(place)s pada %(day)s.") % {
            "place": place.name,
            "day": format_day(day),
        }
    return _("%(place)s tidak melayani perekaman pada %(day)s.") % {
        "place": place.name,
        "day": format_day(day),
    }


def _check_slot(place: Place, start: dt.datetime, now: dt.datetime) -> slot_rules.Slot:
    """The rules' slot at `start`, or an AppointmentError saying why it cannot be booked."""
    start = timezone.localtime(start)
    if start < slot_rules.earliest_bookable_start(now):
        raise AppointmentError(_("Waktu ini sudah lewat atau terlalu dekat. Pilih waktu lain."))
    first, last = slot_rules.booking_window(timezone.localtime(now).date())
    if start.date() > last:
        raise AppointmentError(
            _("Janji hanya bisa dibuat paling lambat %(days)s hari ke depan.")
            % {"days": (last - first).days + 1}
        )
    message = closed_message(place, start.date())
    if message:
        raise AppointmentError(message)
    slot = slot_rules.find_slot(place, start)
    if slot is None:
        raise AppointmentError(
            _("Jam ini bukan jam layanan %(place)s. Pilih jam yang tersedia.")
            % {"place": place.name}
        )
    return slot


FULL_MESSAGE = gettext_lazy("Maaf, slot ini baru saja penuh. Silakan pilih jam lain.")
SECOND_BOOKING_MESSAGE = gettext_lazy(
    "Penduduk ini sudah memiliki janji perekaman yang aktif. Ubah atau batalkan janji itu "
    "terlebih dahulu."
)


# --- residents and helpers ------------------------------------------------------------------


def book_appointment(
    *,
    resident: Resident,
    place: Place,
    start: dt.datetime,
    actor: Any,
    now: dt.datetime | None = None,
) -> Booking:
    """Books `resident` into the slot of `place` starting at `start`."""
    now = now or timezone.now()
    if not can_act_for(actor, resident):
        raise AppointmentError(_("Anda tidak berhak membuat janji untuk penduduk ini."))
    try:
        with transaction.atomic(), one_message_per_recipient():
            resident = Resident.objects.select_for_update().get(pk=resident.pk)
            eligibility = perekaman_eligibility(resident, on=timezone.localtime(start).date())
            if not eligibility:
                raise AppointmentError(eligibility.message)
            if Booking.objects.filter(resident=resident, status__in=Booking.ACTIVE).exists():
                raise AppointmentError(str(SECOND_BOOKING_MESSAGE))
            slot = _check_slot(place, start, now)
            if not _take(place, slot.start, slot.capacity):
                raise AppointmentError(str(FULL_MESSAGE))
            booking = Booking.objects.create(
                resident=resident,
                place=place,
                start=slot.start,
                booked_by=actor,
                reminder_sent_at=_reminder_covered(slot.start, now),
            )
            _audit(
                "appointments.booking.created",
                booking,
                actor,
                on_behalf=actor.role != User.Role.RESIDENT,
            )
            _send(booking, "appointment_booked", _booking_context(booking))
    except IntegrityError as exc:
        # The partial unique index caught a second active booking made at the same moment
        # (anything else, such as a booking-code collision, is a real error).
        if Booking.objects.filter(resident=resident, status__in=Booking.ACTIVE).exists():
            raise AppointmentError(str(SECOND_BOOKING_MESSAGE)) from exc
        raise
    return booking


def reschedule_appointment(
    booking: Booking,
    *,
    place: Place,
    start: dt.datetime,
    actor: Any,
    now: dt.datetime | None = None,
) -> Booking:
    """Moves an active booking to another slot (any place); the old slot's place is freed."""
    now = now or timezone.now()
    with transaction.atomic(), one_message_per_recipient():
        booking = _lock(booking)
        if not can_act_for(actor, booking.resident):
            raise AppointmentError(_("Anda tidak berhak mengubah janji ini."))
        if booking.status != Booking.Status.BOOKED:
            raise AppointmentError(
                _("Janji ini tidak bisa diubah lagi (status: %(status)s).")
                % {"status": booking.get_status_display()}
            )
        eligibility = perekaman_eligibility(booking.resident, on=timezone.localtime(start).date())
        if not eligibility:
            raise AppointmentError(eligibility.message)
        slot = _check_slot(place, start, now)
        old_place_id, old_start = booking.place_id, booking.start
        if (old_place_id, old_start) == (place.pk, slot.start):
            raise AppointmentError(_("Itu waktu janji Anda sekarang. Pilih waktu lain."))
        # Touch the two counter rows in a fixed order so that two residents swapping slots
        # cannot deadlock; a failed take rolls the release back with the transaction.
        if (old_place_id, old_start) < (place.pk, slot.start):
            _release(old_place_id, old_start)
            taken = _take(place, slot.start, slot.capacity)
        else:
            taken = _take(place, slot.start, slot.capacity)
            _release(old_place_id, old_start)
        if not taken:
            raise AppointmentError(str(FULL_MESSAGE))
        booking.place, booking.start = place, slot.start
        booking.needs_reschedule = False
        booking.reminder_sent_at = _reminder_covered(slot.start, now)
        booking.save(
            update_fields=["place", "start", "needs_reschedule", "reminder_sent_at", "updated_at"]
        )
        _audit(
            "appointments.booking.rescheduled",
            booking,
            actor,
            previous_place_id=old_place_id,
            previous_start=old_start.isoformat(),
        )
        _send(booking, "appointment_booked", _booking_context(booking))
    return booking


def cancel_appointment(booking: Booking, *, actor: Any, reason: str = "") -> Booking:
    """Cancels an active booking that has not been checked in; its place goes back to the slot."""
    with transaction.atomic(), one_message_per_recipient():
        booking = _lock(booking)
        if not (can_act_for(actor, booking.resident) or is_desk_staff(actor)):
            raise AppointmentError(_("Anda tidak berhak membatalkan janji ini."))
        if booking.status != Booking.Status.BOOKED:
            raise AppointmentError(
                _("Janji ini tidak bisa dibatalkan (status: %(status)s).")
                % {"status": booking.get_status_display()}
            )
        _release(booking.place_id, booking.start)
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        _audit("appointments.booking.cancelled", booking, actor, reason=reason[:200])
        _send_generic(
            booking,
            _("Janji perekaman dibatalkan"),
            _(
                "Janji perekaman e-KTP %(code)s di %(place)s, %(when)s, telah dibatalkan. "
                "Anda dapat membuat janji baru kapan saja di Pak Semmok."
            )
            % {
                "code": booking.code,
                "place": booking.place.name,
                "when": format_when(booking.start),
            },
        )
    return booking


# --- staff --------------------------------------------------------------------------------


def find_booking(query: str, *, place: Place | None = None) -> Booking | None:
    """The booking for a check-in: by booking code, or by NIK (the resident's active one)."""
    query = "".join(query.split()).upper()
    qs = Booking.objects.select_related("resident", "place")
    if place is not None:
        qs = qs.filter(place=place)
    if len(query) == 16 and query.isdigit():
        return (
            qs.filter(resident__nik=query, status__in=Booking.ACTIVE).first()
            or qs.filter(resident__nik=query).order_by("-start").first()
        )
    if len(query) == 8:
        return qs.filter(code=query).first()
    return None


def check_in(
    booking: Booking, *, actor: Any, place: Place | None = None, now: dt.datetime | None = None
) -> Booking:
    """The resident has arrived on the day of their booking."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        if not is_desk_staff(actor):
            raise AppointmentError(_("Hanya petugas yang dapat mencatat kehadiran."))
        if place is not None and booking.place_id != place.pk:
            raise AppointmentError(
                _("Janji %(code)s untuk %(place)s, bukan tempat ini.")
                % {"code": booking.code, "place": booking.place.name}
            )
        if booking.status != Booking.Status.BOOKED:
            raise AppointmentError(
                _("Janji %(code)s berstatus %(status)s.")
                % {"code": booking.code, "status": booking.get_status_display()}
            )
        if timezone.localtime(booking.start).date() != timezone.localtime(now).date():
            raise AppointmentError(
                _("Janji %(code)s untuk %(when)s, bukan hari ini.")
                % {"code": booking.code, "when": format_when(booking.start)}
            )
        booking.status = Booking.Status.CHECKED_IN
        booking.checked_in_at = now
        booking.save(update_fields=["status", "checked_in_at", "updated_at"])
        _audit("appointments.booking.checked_in", booking, actor)
    return booking


def add_walk_in(
    *, resident: Resident, place: Place, actor: Any, now: dt.datetime | None = None
) -> Booking:
    """Records a resident who came without a booking, in the current or next slot of today
    that still has room. Walk-ins count against capacity like bookings do."""
    now = now or timezone.now()
    if not is_desk_staff(actor):
        raise AppointmentError(_("Hanya petugas yang dapat menambah pendaftar langsung."))
    today = timezone.localtime(now).date()
    try:
        with transaction.atomic():
            resident = Resident.objects.select_for_update().get(pk=resident.pk)
            eligibility = perekaman_eligibility(resident, on=today)
            if not eligibility:
                raise AppointmentError(eligibility.message)
            existing = Booking.objects.filter(resident=resident, status__in=Booking.ACTIVE).first()
            if existing is not None:
                raise AppointmentError(
                    _(
                        "Penduduk ini sudah punya janji %(code)s (%(place)s, %(when)s). Catat "
                        "kehadiran dengan kode itu, atau batalkan dulu."
                    )
                    % {
                        "code": existing.code,
                        "place": existing.place.name,
                        "when": format_when(existing.start),
                    }
                )
            message = closed_message(place, today)
            if message:
                raise AppointmentError(message)
            day_slots = slot_rules.Rules([place], today, today).day_slots(place, today)
            booking = None
            for slot in day_slots:
                if slot.end > now and _take(place, slot.start, slot.capacity):
                    booking = Booking.objects.create(
                        resident=resident,
                        place=place,
                        start=slot.start,
                        booked_by=actor,
                        is_walk_in=True,
                        status=Booking.Status.CHECKED_IN,
                        checked_in_at=now,
                    )
                    break
            if booking is None:
                raise AppointmentError(
                    _("Kuota perekaman di %(place)s hari ini sudah penuh.") % {"place": place.name}
                )
            _audit("appointments.booking.walk_in", booking, actor)
    except IntegrityError as exc:
        raise AppointmentError(str(SECOND_BOOKING_MESSAGE)) from exc
    return booking


def mark_recorded(booking: Booking, *, actor: Any, now: dt.datetime | None = None) -> Booking:
    """Perekaman done: the resident becomes "sudah rekam" and may apply for the e-KTP print
    online."""
    now = now or timezone.now()
    with transaction.atomic(), one_message_per_recipient():
        booking = _lock(booking)
        if not is_desk_staff(actor):
            raise AppointmentError(_("Hanya petugas yang dapat mencatat perekaman."))
        if booking.status != Booking.Status.CHECKED_IN:
            raise AppointmentError(
                _("Catat kehadiran %(code)s terlebih dahulu (status: %(status)s).")
                % {"code": booking.code, "status": booking.get_status_display()}
            )
        booking.status = Booking.Status.RECORDED
        booking.recorded_at = now
        booking.save(update_fields=["status", "recorded_at", "updated_at"])
        resident = Resident.objects.select_for_update().get(pk=booking.resident_id)
        resident.ektp_recording = Resident.Recording.RECORDED
        resident.save(update_fields=["ektp_recording", "updated_at"])
        _audit("appointments.booking.recorded", booking, actor)
        record(
            "register.resident.ektp_recorded",
            actor=actor,
            obj=resident,
            details={"booking": booking.code, "place_id": booking.place_id},
        )
        _send_generic(
            booking,
            _("Perekaman e-KTP selesai"),
            _(
                "Perekaman e-KTP Anda di %(place)s telah selesai. Sekarang Anda dapat mengajukan "
                "cetak e-KTP secara daring di Pak Semmok."
            )
            % {"place": booking.place.name},
        )
    return booking


def mark_no_shows(
    *, before: dt.date | None = None, place: Place | None = None, actor: Any = None
) -> int:
    """Bookings of days before `before` (default today) nobody came to become "no show".

    A booking flagged because its slot disappeared (hours changed) is cancelled instead, so
    the figures do not blame residents for our schedule change.
    """
    before = before or timezone.localdate()
    cutoff = slot_rules._aware(before, dt.time.min)
    qs = Booking.objects.filter(status=Booking.Status.BOOKED, start__lt=cutoff)
    if place is not None:
        qs = qs.filter(place=place)
    count = 0
    for pk in qs.values_list("pk", flat=True):
        with transaction.atomic():
            booking = _lock(Booking(pk=pk))
            if booking.status != Booking.Status.BOOKED:
                continue  # another worker got there first
            if booking.needs_reschedule:
                booking.status, booking.cancelled_at = Booking.Status.CANCELLED, timezone.now()
                booking.save(update_fields=["status", "cancelled_at", "updated_at"])
                _audit(
                    "appointments.booking.cancelled",
                    booking,
                    actor,
                    reason="slot removed by schedule change, not rescheduled",
                )
            else:
                booking.status = Booking.Status.NO_SHOW
                booking.save(update_fields=["status", "updated_at"])
                _audit("appointments.booking.no_show", booking, actor)
                count += 1
    return count


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Sends the day-before reminder for tomorrow's bookings, each exactly once.

    The claim is a conditional UPDATE on reminder_sent_at in the same transaction as the outbox
    row, so two workers never both send and a crash never loses one.
    """
    from django.conf import settings

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.APPOINTMENTS_REMINDER_FROM_HOUR:
        return 0  # nobody wants a WhatsApp reminder at 01.00
    tomorrow = local.date() + dt.timedelta(days=1)
    due = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminder_sent_at__isnull=True,
        start__gte=slot_rules._aware(tomorrow, dt.time.min),
        start__lt=slot_rules._aware(tomorrow + dt.timedelta(days=1), dt.time.min),
    ).select_related("resident", "booked_by")
    # A helper who booked for several residents gets one reminder naming them all.
    per_recipient: dict[Any, list[int]] = {}
    for booking in due.order_by("start", "pk"):
        who = recipient(booking)
        per_recipient.setdefault(who.pk if who else None, []).append(booking.pk)
    sent = 0
    for pks in per_recipient.values():
        with transaction.atomic(), one_message_per_recipient():
            for pk in pks:
                claimed = Booking.objects.filter(
                    pk=pk, status=Booking.Status.BOOKED, reminder_sent_at__isnull=True
                ).update(reminder_sent_at=now)
                if not claimed:
                    continue
                booking = Booking.objects.select_related("resident", "place").get(pk=pk)
                _send(booking, "appointment_reminder", _booking_context(booking))
                sent += 1
    return sent


def flag_bookings_outside_hours(
    place: Place, *, actor: Any = None, now: dt.datetime | None = None
) -> int:
    """After hours, closures or an event changed: future bookings whose slot no longer exists
    are kept, flagged and their residents told to choose a new time. Returns how many were
    newly flagged. Bookings whose slot exists again lose the flag."""
    now = now or timezone.now()
    bookings = list(
        Booking.objects.filter(
            place=place, status=Booking.Status.BOOKED, start__gte=now
        ).select_related("resident", "place")
    )
    if not bookings:
        return 0
    days = sorted({timezone.localtime(b.start).date() for b in bookings})
    place.refresh_from_db()
    rules = slot_rules.Rules([place], days[0], days[-1])
    valid = {s.start for day in days for s in rules.day_slots(place, day)}
    flagged = 0
    # One schedule change is one event: a helper who booked for several residents gets one
    # message naming every booking.
    with transaction.atomic(), one_message_per_recipient():
        for booking in bookings:
            flagged += _flag_one(booking, booking.start not in valid, place, actor)
    return flagged


def _flag_one(booking: Booking, outside: bool, place: Place, actor: Any) -> int:
    """Flags (or unflags) one booking; 1 when it was newly flagged and its resident told."""
    if outside == booking.needs_reschedule:
        return 0
    with transaction.atomic():
        booking.needs_reschedule = outside
        booking.save(update_fields=["needs_reschedule", "updated_at"])
        if not outside:
            _audit("appointments.booking.unflagged", booking, actor)
            return 0
        _audit("appointments.booking.flagged", booking, actor, reason="outside changed hours")
        _send_generic(
            booking,
            _("Jadwal perekaman berubah"),
            _(
                "Jadwal layanan %(place)s berubah sehingga janji %(code)s pada %(when)s "
                "tidak bisa dilayani. Silakan pilih waktu baru di Pak Semmok."
            )
            % {
                "place": place.name,
                "code": booking.code,
                "when": format_when(booking.start),
            },
        )
    return 1


# --- jemput bola ----------------------------------------------------------------------------


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def hall_for(village: Region) -> Place:
    """The village hall as a perekaman place, created on its first jemput bola day."""
    hall_name = (
        _("Balai Kelurahan %(name)s")
        if village.kind == Region.Kind.KELURAHAN
        else _("Balai Desa %(name)s")
    ) % {"name": village.name}
    place, _created = Place.objects.get_or_create(
        kind=Place.Kind.BALAI_DESA,
        region=village,
        defaults={"name": hall_name, "minutes_per_recording": 15, "stations": 1},
    )
    return place


def check_jemput_bola_day(
    *,
    actor: Any,
    village: Region,
    date: dt.date,
    opens: dt.time,
    closes: dt.time,
    capacity: int,
    minutes_per_recording: int = 15,
    event: JemputBolaEvent | None = None,
) -> None:
    """The rules for a jemput bola day, raising AppointmentError with the reason: who may
    schedule it, a village hall, a working day after today, hours holding at least one slot,
    one event per hall and day. `event` is the one being edited (not its own duplicate)."""
    from django.conf import settings

    if actor is None or not actor.is_authenticated or actor.role not in User.JEMPUT_BOLA_ROLES:
        raise AppointmentError(
            _("Hanya admin atau petugas perekaman yang dapat membuat jadwal jemput bola.")
        )
    if village.level != Region.Level.VILLAGE:
        raise AppointmentError(_("Jemput bola diadakan di balai desa/kelurahan."))
    if date <= timezone.localdate():
        raise AppointmentError(_("Tanggal jemput bola harus setelah hari ini."))
    holiday = slot_rules.public_holiday(date)
    if holiday:
        raise AppointmentError(
            _("%(day)s adalah hari libur (%(name)s).") % {"day": format_day(date), "name": holiday}
        )
    if not opens < closes:
        raise AppointmentError(_("Jam selesai harus setelah jam mulai."))
    if capacity < 1 or minutes_per_recording < settings.APPOINTMENTS_MIN_SLOT_MINUTES:
        raise AppointmentError(
            _("Kuota minimal 1 dan durasi slot minimal %(m)s menit.")
            % {"m": settings.APPOINTMENTS_MIN_SLOT_MINUTES}
        )
    probe = JemputBolaEvent(
        date=date,
        opens=opens,
        closes=closes,
        capacity=capacity,
        minutes_per_recording=minutes_per_recording,
    )
    if not slot_rules.event_plan(probe):
        raise AppointmentError(_("Rentang jam terlalu pendek untuk satu slot."))
    same_day = JemputBolaEvent.objects.filter(
        place__kind=Place.Kind.BALAI_DESA,
        place__region=village,
        date=date,
        status=JemputBolaEvent.Status.SCHEDULED,
    )
    if event is not None:
        same_day = same_day.exclude(pk=event.pk)
    if same_day.exists():
        raise AppointmentError(
            _("Sudah ada jemput bola di %(place)s pada %(day)s.")
            % {"place": same_day.first().place.name, "day": format_day(date)}
        )


def create_jemput_bola(
    *,
    village: Region,
    date: dt.date,
    opens: dt.time,
    closes: dt.time,
    capacity: int,
    actor: Any,
    minutes_per_recording: int = 15,
    note: str = "",
) -> JemputBolaEvent:
    """Schedules a jemput bola day at a village hall and announces it."""
    rules = {
        "village": village,
        "date": date,
        "opens": opens,
        "closes": closes,
        "capacity": capacity,
        "minutes_per_recording": minutes_per_recording,
    }
    check_jemput_bola_day(actor=actor, **rules)
    with transaction.atomic():
        place = hall_for(village)
        # Again under the transaction: another officer may have scheduled the day meanwhile
        # (the partial unique index is the last word).
        check_jemput_bola_day(actor=actor, **rules)
        event = JemputBolaEvent.objects.create(
            place=place,
            date=date,
            opens=opens,
            closes=closes,
            capacity=capacity,
            minutes_per_recording=minutes_per_recording,
            note=note,
            created_by=actor,
        )
        event.announced_to = announce_jemput_bola(event)
        event.save(update_fields=["announced_to"])
        record(
            "appointments.jemput_bola.created",
            actor=actor,
            obj=event,
            details={
                "village": village.code,
                "date": date.isoformat(),
                "capacity": capacity,
                "announced_to": event.announced_to,
            },
        )
    return event


@transaction.atomic
def change_jemput_bola(
    event: JemputBolaEvent, *, actor: Any, changes: dict[str, Any], reason: str = ""
) -> int:
    """Changes a scheduled day's date, hours, capacity or note under the same rules as a new
    one; bookings whose slot is gone are flagged and their residents told. Returns how many
    were flagged."""
    event = JemputBolaEvent.objects.select_for_update().select_related("place").get(pk=event.pk)
    if event.status != JemputBolaEvent.Status.SCHEDULED:
        raise AppointmentError(_("Jemput bola ini sudah dibatalkan."))
    allowed = {"date", "opens", "closes", "capacity", "minutes_per_recording", "note"}
    changed = {k: v for k, v in changes.items() if k in allowed and getattr(event, k) != v}
    if not changed:
        return 0
    after = {k: changed.get(k, getattr(event, k)) for k in allowed - {"note"}}
    check_jemput_bola_day(actor=actor, village=event.place.region, event=event, **after)
    for name, value in changed.items():
        setattr(event, name, value)
    event.save(update_fields=sorted(changed))
    record(
        "appointments.jemput_bola.changed",
        actor=actor,
        obj=event,
        details={"fields": sorted(changed), "reason": reason[:200]},
    )
    return flag_bookings_outside_hours(event.place, actor=actor)


def announce_jemput_bola(event: JemputBolaEvent) -> int:
    """Tells the village's not-yet-recorded eligible residents who have an account, and its
    helpers (who reach residents without a phone). Returns how many users were told."""
    village_id = event.place.region_id
    context = {
        "place": event.place.name,
        "date": event.date,
        "hours": f"{event.opens:%H.%M}-{event.closes:%H.%M}",
    }
    from django.conf import settings

    born_by = _years_before(event.date, settings.APPOINTMENTS_MIN_AGE)
    residents = User.objects.filter(
        is_active=True,
        resident__village_id=village_id,
        resident__life_status=Resident.LifeStatus.ALIVE,
        resident__ektp_recording=Resident.Recording.NOT_RECORDED,
    ).filter(
        Q(resident__birth_date__lte=born_by) | ~Q(resident__marital_status=MaritalStatus.SINGLE)
    )
    helpers = User.objects.filter(is_active=True, role=User.Role.HELPER, village_id=village_id)
    told = 0
    for user in residents.union(helpers):
        _notify(template="jemput_bola_announcement", context=context, user=user)
        told += 1
    return told


def cancel_jemput_bola(event: JemputBolaEvent, *, actor: Any, reason: str = "") -> int:
    """Cancels a jemput bola day; its bookings are flagged and their residents told."""
    if actor is None or not actor.is_authenticated or actor.role not in User.JEMPUT_BOLA_ROLES:
        raise AppointmentError(_("Anda tidak berhak membatalkan jemput bola."))
    with transaction.atomic():
        event = JemputBolaEvent.objects.select_for_update().get(pk=event.pk)
        if event.status != JemputBolaEvent.Status.SCHEDULED:
            raise AppointmentError(_("Jemput bola ini sudah dibatalkan."))
        event.status = JemputBolaEvent.Status.CANCELLED
        event.save(update_fields=["status"])
        record(
            "appointments.jemput_bola.cancelled",
            actor=actor,
            obj=event,
            details={"reason": reason[:200]},
        )
        return flag_bookings_outside_hours(event.place, actor=actor)
