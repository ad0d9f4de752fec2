"""The cast: Dewi (a resident not yet recorded, with an account), Budi (an officer of
perekaman), Sari (a village helper of Purwosari) and a Kudus office with known hours.

Unless a test says otherwise, the clock is Tuesday 1 December 2026, 07.00 WIB.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from paksemmok.accounts.models import User
from paksemmok.appointments.models import OpeningHours, Place
from paksemmok.population.models import Region, Resident
from tests.factories import ResidentFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 12, 1, 7, 0, tzinfo=WIB)


def at(day: dt.date | str, hhmm: str) -> dt.datetime:
    """An aware Kudus datetime: at("2026-12-02", "08:15")."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=WIB)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_office(
    region: Region, *, stations: int = 2, name: str = "Kantor Uji", kind: str = Place.Kind.DINAS
) -> Place:
    place = Place.objects.create(
        kind=kind, name=name, region=region, stations=stations, minutes_per_recording=15
    )
    for weekday in range(4):
        OpeningHours.objects.create(
            place=place,
            weekday=weekday,
            opens=dt.time(8),
            closes=dt.time(15),
            break_start=dt.time(12),
            break_end=dt.time(13),
        )
    OpeningHours.objects.create(place=place, weekday=4, opens=dt.time(8), closes=dt.time(11))
    return place


@pytest.fixture
def office(kudus):
    return make_office(Region.objects.get(code="33.19"), name="Kantor Disdukcapil Uji")


def not_recorded(**kwargs) -> Resident:
    kwargs.setdefault("ektp_recording", Resident.Recording.NOT_RECORDED)
    kwargs.setdefault("birth_date", dt.date(2000, 3, 4))
    return ResidentFactory(**kwargs)


def account_for(resident: Resident, **kwargs) -> User:
    return User.objects.create_user(
        username=resident.nik,
        password="x-Pass-12345",
        role=User.Role.RESIDENT,
        resident=resident,
        first_name=resident.full_name,
        **kwargs,
    )


@pytest.fixture
def dewi(kudus):
    return not_recorded(full_name="Dewi Lestari")


@pytest.fixture
def dewi_user(dewi):
    return account_for(dewi, email="dewi@example.id")


@pytest.fixture
def budi(db):
    return User.objects.create_user(
        username="budi", password="x-Pass-12345", role=User.Role.PEREKAMAN, first_name="Budi"
    )


@pytest.fixture
def sari(kudus):
    return User.objects.create_user(
        username="sari",
        password="x-Pass-12345",
        role=User.Role.HELPER,
        first_name="Sari",
        village=Region.objects.get(code="33.19.02.1001"),
        email="sari@example.id",
    )
