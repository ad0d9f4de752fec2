"""Demo data: the regency's perekaman places and one upcoming jemput bola day."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from paksemmok.appointments.models import Booking, JemputBolaEvent, Place, SlotCounter
from paksemmok.appointments.places import seed_places
from paksemmok.appointments.services import hall_for
from paksemmok.appointments.slots import public_holiday
from paksemmok.population.models import Region


def load_places() -> None:
    seed_places()


def load_jemput_bola() -> None:
    """A jemput bola day about a week ahead, on a working day, in the demo helper's village
    (else the regency's first village). Created directly, without announcing it: demo data
    should not fill the outbox."""
    User = get_user_model()
    helper = User.objects.filter(role=User.Role.HELPER, village__isnull=False).first()
    village = (
        helper.village
        if helper
        else (Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").first())
    )
    if village is None:
        return
    day = timezone.localdate() + dt.timedelta(days=7)
    while day.weekday() >= 5 or public_holiday(day):
        day += dt.timedelta(days=1)
    admin = User.objects.filter(is_superuser=True).first()
    JemputBolaEvent.objects.get_or_create(
        place=hall_for(village),
        date=day,
        defaults={
            "opens": dt.time(8),
            "closes": dt.time(13),
            "capacity": 80,
            "minutes_per_recording": 15,
            "created_by": admin,
            "note": "Demo jemput bola",
        },
    )


STEPS = [("appointments.places", load_places), ("appointments.jemput_bola", load_jemput_bola)]


def ensure_booking_today(now: dt.datetime | None = None) -> Booking | None:
    """A booking for today at the Disdukcapil office, for the demo's not-yet-recorded
    resident (Rina Lestari), so a new perekaman officer can try check-in on any day.

    Run by every `setup_demo` (not a one-time step: "today" moves). Made directly, like the
    jemput bola day: demo data does not fill the outbox. An earlier demo booking of hers
    still active on another day is cancelled first (one active booking per person)."""
    from paksemmok.population.models import Resident

    from .population import DEMO_UNRECORDED_NIK

    now = timezone.localtime(now or timezone.now())
    resident = Resident.objects.filter(
        nik=DEMO_UNRECORDED_NIK, ektp_recording=Resident.Recording.NOT_RECORDED
    ).first()
    office = Place.objects.filter(kind=Place.Kind.DINAS).order_by("pk").first()
    if resident is None or office is None:
        return None
    active = Booking.objects.filter(resident=resident, status__in=Booking.ACTIVE)
    today = active.filter(start__date=now.date()).first()
    if today is not None:
        return today
    for old in active:
        old.status = Booking.Status.CANCELLED
        old.cancelled_at = now
        old.save(update_fields=["status", "cancelled_at", "updated_at"])
    # The next quarter hour still ahead today, within a working day's hours when possible.
    start = now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0)
    start += dt.timedelta(minutes=15)
    if start.date() != now.date() or start.hour >= 15:
        start = now.replace(hour=8, minute=0, second=0, microsecond=0)
    elif start.hour < 8:
        start = start.replace(hour=8, minute=0)
    counter, _created = SlotCounter.objects.get_or_create(place=office, start=start)
    SlotCounter.objects.filter(pk=counter.pk).update(booked=counter.booked + 1)
    return Booking.objects.create(resident=resident, place=office, start=start)


def logins() -> list[tuple[str, str, str]]:
    """A not-yet-recorded adult, preferably in the helper's village: a NIK to try booking
    (as the helper) or a walk-in (as the perekaman officer) with."""
    from paksemmok.population.models import Resident

    User = get_user_model()
    today = timezone.localdate()
    candidates = Resident.objects.filter(
        ektp_recording=Resident.Recording.NOT_RECORDED,
        life_status=Resident.LifeStatus.ALIVE,
        birth_date__lte=today.replace(year=today.year - 18),
    ).order_by("nik")
    helper = User.objects.filter(role=User.Role.HELPER, village__isnull=False).first()
    resident = (helper and candidates.filter(village=helper.village).first()) or (
        candidates.first()
    )
    if resident is None:
        return []
    return [(f"Belum rekam e-KTP, {resident.village.name} (NIK)", resident.nik, "-")]
