"""Demo data: the regency's perekaman places and one upcoming jemput bola day."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from paksemmok.appointments.models import JemputBolaEvent
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
