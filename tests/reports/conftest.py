"""A small, hand-counted world for the figures: December 1-5, 2026 (Tuesday to Saturday).

Fact rows (Application, Decision, DecisionReason, Booking) are written directly: the figures
read only those columns, and building them through the services would take seconds per
decision without testing anything the back-office suites do not already test.

Applications (first sent, WIB)          service  kecamatan / village
  A1  1 Dec 10.00                        ektp     Kota Kudus / Purwosari
  A2  1 Dec 23.30 (16.30 UTC)            ektp     Kota Kudus / Purwosari
  A3  1 Dec 08.00                        kk       K2 / V2
  A4  3 Dec 09.00                        kk       Kota Kudus / Purwosari
  A5  3 Dec 00.10 (2 Dec 17.10 UTC)      ektp     K2 / V2
  A6  4 Dec 14.00                        kk       Kota Kudus / V1b
  outside: 30 Nov 23.59.59 and 6 Dec 00.00 (both WIB)

Decisions (decided, WIB)  service kec.  outcome   officer  seconds   within 24 h
  D1   1 Dec 12.00        ektp    K1    approved  budi        600    yes
  D2   1 Dec 15.00        kk      K2    returned  citra      1800    yes
  D3   2 Dec 23.30 (UTC 16.30)
                          ektp    K1    approved  budi       3600    yes
  D4   2 Dec 09.00        kk      K1    approved  citra      7200    yes
  D5   3 Dec 10.00        ektp    K2    returned  budi      10800    yes
  D6   3 Dec 11.00        kk      K1    approved  budi      14400    yes
  D7   4 Dec 08.00        ektp    K1    approved  citra     36000    yes
  D8   4 Dec 16.00        kk      K2    rejected  budi      86400    yes (exactly on time)
  D9   5 Dec 10.00        ektp    K1    returned  citra     90000    no
  D10  5 Dec 13.00        kk      K1    approved  budi     172800    no
  outside: 6 Dec 00.00 WIB (5 Dec 17.00 UTC), 30 Nov 23.00 WIB

Reasons: D2 unreadable + data_incorrect; D5 unreadable + missing; D8 age_or_marriage;
D9 unreadable + data_incorrect; (outside decision: unreadable, not counted).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from paksemmok.accounts.models import User
from paksemmok.applications.models import Application, Decision, DecisionReason
from paksemmok.catalog.models import Service, Variant
from paksemmok.population.models import Region
from tests.cast import account_for, staff
from tests.factories import FamilyFactory, ResidentFactory

WIB = timezone.get_fixed_timezone(7 * 60)
START, END = dt.date(2026, 12, 1), dt.date(2026, 12, 5)


def wib(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=WIB)


class World:
    def __init__(self) -> None:
        self.k1 = Region.objects.get(code="33.19.02")  # Kota Kudus
        villages = list(Region.objects.filter(parent=self.k1).order_by("code"))
        self.v1 = Region.objects.get(code="33.19.02.1001")  # Purwosari
        self.v1b = next(v for v in villages if v != self.v1)
        self.k2 = (
            Region.objects.filter(level=Region.Level.KECAMATAN, parent__code="33.19")
            .exclude(pk=self.k1.pk)
            .order_by("code")
            .first()
        )
        self.v2 = Region.objects.filter(parent=self.k2).order_by("code").first()
        # _known_kecamatan(): only kecamatan with registered families are listed.
        self.family1 = FamilyFactory(village=self.v1)
        self.family2 = FamilyFactory(village=self.v2)
        self.resident = ResidentFactory(family=self.family1)
        self.applicant = account_for(self.resident)
        self.ektp = Service.objects.get(code="ektp")
        self.kk = Service.objects.get(code="kk")
        self.ektp_variant = Variant.objects.get(code="ektp-cetak")
        self.kk_variant = Variant.objects.get(code="kk-hilang-rusak")
        self.budi = staff("budi", first_name="Budi")
        self.citra = staff("citra", first_name="Citra")
        self._n = 0
        self.apps: dict[str, Application] = {}

    def application(
        self, name: str, at: dt.datetime | None, service: Service, village: Region
    ) -> Application:
        self._n += 1
        variant = self.ektp_variant if service == self.ektp else self.kk_variant
        app = Application.objects.create(
            variant=variant,
            service=service,
            applicant=self.applicant,
            filed_by=self.applicant,
            family=self.family1,
            subject=self.resident,
            subject_key=f"test-{self._n}",
            status="completed",
            round=1,
            submitted_at=at,
            first_submitted_at=at,
            village=village,
            kecamatan=village.parent,
        )
        self.apps[name] = app
        return app

    def decision(
        self,
        decided_at: dt.datetime,
        service: Service,
        kecamatan: Region,
        outcome: str,
        officer: User,
        seconds: int,
        reasons: tuple[str, ...] = (),
    ) -> Decision:
        """A decision fact as backoffice.services writes it: 24 h clock deadline, within
        when decided no later than the deadline."""
        self._n += 1
        carrier = self.apps["A1"] if service == self.ektp else self.apps["A3"]
        submitted_at = decided_at - dt.timedelta(seconds=seconds)
        deadline = submitted_at + dt.timedelta(hours=24)
        village = self.v1 if kecamatan == self.k1 else self.v2
        d = Decision.objects.create(
            application=carrier,
            round=self._n,
            outcome=outcome,
            officer=officer,
            service=service,
            variant=carrier.variant,
            village=village,
            kecamatan=kecamatan,
            submitted_at=submitted_at,
            deadline_at=deadline,
            decided_at=decided_at,
            seconds_to_decision=seconds,
            within_deadline=decided_at <= deadline,
        )
        for reason in reasons:
            DecisionReason.objects.create(
                decision=d,
                decided_at=decided_at,
                service=service,
                item="application",
                reason=reason,
            )
        return d


def build_world(world: World | None = None) -> World:
    w = world or World()
    w.application("A1", wib(1, 10), w.ektp, w.v1)
    w.application("A2", wib(1, 23, 30), w.ektp, w.v1)
    w.application("A3", wib(1, 8), w.kk, w.v2)
    w.application("A4", wib(3, 9), w.kk, w.v1)
    w.application("A5", wib(3, 0, 10), w.ektp, w.v2)
    w.application("A6", wib(4, 14), w.kk, w.v1b)
    w.application("before", wib(30, 23, 59, 59, month=11), w.ektp, w.v1)
    w.application("after", wib(6, 0), w.kk, w.v2)
    k1, k2, budi, citra = w.k1, w.k2, w.budi, w.citra
    A, R, J = Decision.Outcome.APPROVED, Decision.Outcome.RETURNED, Decision.Outcome.REJECTED
    w.decision(wib(1, 12), w.ektp, k1, A, budi, 600)
    w.decision(wib(1, 15), w.kk, k2, R, citra, 1800, ("unreadable", "data_incorrect"))
    w.decision(wib(2, 23, 30), w.ektp, k1, A, budi, 3600)
    w.decision(wib(2, 9), w.kk, k1, A, citra, 7200)
    w.decision(wib(3, 10), w.ektp, k2, R, budi, 10800, ("unreadable", "missing"))
    w.decision(wib(3, 11), w.kk, k1, A, budi, 14400)
    w.decision(wib(4, 8), w.ektp, k1, A, citra, 36000)
    w.decision(wib(4, 16), w.kk, k2, J, budi, 86400, ("age_or_marriage",))
    w.decision(wib(5, 10), w.ektp, k1, R, citra, 90000, ("unreadable", "data_incorrect"))
    w.decision(wib(5, 13), w.kk, k1, A, budi, 172800)
    # Outside the period on both sides; they must not count anywhere.
    w.decision(wib(6, 0), w.ektp, k1, R, budi, 60, ("unreadable",))
    w.decision(wib(30, 23, month=11), w.kk, k2, A, citra, 60)
    return w


@pytest.fixture
def world(kudus) -> World:
    return build_world()


def build_perekaman(w: World) -> SimpleNamespace:
    """The Disdukcapil office: Monday-Friday 08.00-12.00, break 10.00-10.30, 30 minutes per
    recording, 2 stations: 08.00 08.30 09.00 09.30 | 10.30 11.00 11.30 = 7 slots x 2 = 14 a
    day. Tue 1, Wed 2, Fri 4 Dec open; Thu 3 Dec closed (a closure); Sat 5 Dec no hours:
    3 x 14 = 42. A village hall holds a jemput bola day on Sat 5 Dec with capacity 10.
    Bookings at the office: 2 recorded, 1 checked in, 1 no-show, 1 cancelled."""
    from paksemmok.appointments.models import (
        Booking,
        Closure,
        JemputBolaEvent,
        OpeningHours,
        Place,
    )

    office = Place.objects.create(
        kind=Place.Kind.DINAS,
        name="Kantor Disdukcapil Kudus",
        region=Region.objects.get(code="33.19"),
        minutes_per_recording=30,
        stations=2,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            place=office,
            weekday=weekday,
            opens=dt.time(8),
            closes=dt.time(12),
            break_start=dt.time(10),
            break_end=dt.time(10, 30),
        )
    Closure.objects.create(place=office, date=dt.date(2026, 12, 3), reason="Gangguan server")
    hall = Place.objects.create(
        kind=Place.Kind.BALAI_DESA, name="Balai Desa Purwosari", region=w.v1
    )
    JemputBolaEvent.objects.create(
        place=hall, date=dt.date(2026, 12, 5), opens=dt.time(9), closes=dt.time(11), capacity=10
    )
    statuses = [
        Booking.Status.RECORDED,
        Booking.Status.RECORDED,
        Booking.Status.CHECKED_IN,
        Booking.Status.NO_SHOW,
        Booking.Status.CANCELLED,
    ]
    for i, status in enumerate(statuses):
        Booking.objects.create(
            resident=ResidentFactory(family=w.family1),
            place=office,
            start=wib(1, 8) + dt.timedelta(minutes=30 * i),
            status=status,
        )
    # Outside the period: not counted.
    Booking.objects.create(
        resident=ResidentFactory(family=w.family1),
        place=office,
        start=wib(7, 8),
        status=Booking.Status.BOOKED,
    )
    return SimpleNamespace(office=office, hall=hall)
