"""Seeding the perekaman places for whichever regency has been imported."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from paksemmok.population.models import Region

from .models import OpeningHours, Place

# Office hours 08.00-15.00 with a lunch break; Friday ends at 11.00 (Friday prayers). Admins
# edit these per place afterwards.
DEFAULT_HOURS = [
    *[(weekday, dt.time(8), dt.time(15), dt.time(12), dt.time(13)) for weekday in range(4)],
    (4, dt.time(8), dt.time(11), None, None),
]


@transaction.atomic
def seed_places(regency_code: str | None = None) -> int:
    """One Disdukcapil office plus one office per kecamatan of the regency, with default hours.

    Idempotent: existing places (and their edited hours) are left alone. Returns how many
    places were created. Needs the regency's regions imported first (import_regions).
    """
    regency = Region.objects.filter(
        code=regency_code or settings.REGENCY_CODE, level=Region.Level.REGENCY
    ).first()
    if regency is None:
        return 0
    specs = [
        (
            Place.Kind.DINAS,
            regency,
            f"Kantor Disdukcapil {regency.name}",
            settings.APPOINTMENTS_DINAS_STATIONS,
        )
    ]
    for kecamatan in regency.children.filter(level=Region.Level.KECAMATAN).order_by("code"):
        specs.append(
            (
                Place.Kind.KECAMATAN,
                kecamatan,
                f"Kantor Kecamatan {kecamatan.name}",
                settings.APPOINTMENTS_KECAMATAN_STATIONS,
            )
        )
    created = 0
    for kind, region, name, stations in specs:
        place, was_created = Place.objects.get_or_create(
            kind=kind,
            region=region,
            defaults={
                "name": name,
                "stations": stations,
                "minutes_per_recording": settings.APPOINTMENTS_MINUTES_PER_RECORDING,
            },
        )
        if was_created:
            created += 1
            OpeningHours.objects.bulk_create(
                OpeningHours(
                    place=place, weekday=w, opens=o, closes=c, break_start=bs, break_end=be
                )
                for w, o, c, bs, be in DEFAULT_HOURS
            )
    return created
