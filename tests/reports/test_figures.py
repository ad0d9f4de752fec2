"""figures.py against the hand-counted world of conftest.py (1-5 December 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from paksemmok.appointments.models import OpeningHours
from paksemmok.appointments.slots import office_day_plan
from paksemmok.reports import figures
from paksemmok.reports.figures import Filters, Period

from .conftest import END, START, build_perekaman

pytestmark = pytest.mark.django_db
PERIOD = Period(START, END)
D = dt.date


def test_applications_per_day_zero_filled_in_local_days(world):
    # A2 at 23.30 WIB on 1 Dec is 16.30 UTC: still 1 Dec. A5 at 00.10 WIB on 3 Dec is
    # 17.10 UTC on 2 Dec: counts on 3 Dec. 2 and 5 Dec have none and are listed as 0.
    assert [(d.day, d.count) for d in figures.applications_per_day(PERIOD)] == [
        (D(2026, 12, 1), 3),
        (D(2026, 12, 2), 0),
        (D(2026, 12, 3), 2),
        (D(2026, 12, 4), 1),
        (D(2026, 12, 5), 0),
    ]
    # The applications at 23.59.59 on 30 Nov and at 00.00 on 6 Dec are outside.
    assert figures.submitted(PERIOD).count() == 6


def test_applications_per_variant_and_area(world):
    by_variant = {(v.service, v.variant): v.count for v in figures.applications_by_variant(PERIOD)}
    assert by_variant[("e-KTP (KTP elektronik)", "Cetak e-KTP pertama (sudah perekaman)")] == 3
    assert by_variant[("Kartu Keluarga (KK)", "KK hilang atau rusak")] == 3
    assert sum(by_variant.values()) == 6  # every other variant listed with 0

    kecamatan = {
        a.kecamatan: a.count for a in figures.applications_by_area(PERIOD, level="kecamatan")
    }
    # Only kecamatan with registered families are listed (the regency's own).
    assert kecamatan == {world.k1.name: 4, world.k2.name: 2}

    villages = {a.village: a.count for a in figures.applications_by_area(PERIOD)}
    assert villages[world.v1.name] == 3  # A1, A2, A4
    assert villages[world.v1b.name] == 1  # A6
    assert villages[world.v2.name] == 2  # A3, A5
    assert sum(villages.values()) == 6  # quiet villages listed with 0
    assert len(villages) > 3


def test_standard_hand_counted(world):
    s = figures.standard(PERIOD)
    assert (s.applications, s.decisions, s.approved, s.returned, s.rejected) == (6, 10, 6, 3, 1)
    # Within 24 h: D1-D8 (D8 exactly on its deadline counts); D9 and D10 late -> 8 / 10.
    assert s.within_deadline == 8 and s.within_share == pytest.approx(0.8)
    assert s.returned_share == pytest.approx(0.3)
    # Sorted seconds: 600 1800 3600 7200 10800 | 14400 36000 86400 90000 172800.
    # Median: rank 0.5 x 9 = 4.5 -> 10800 + 0.5 x (14400 - 10800) = 12600 s (3 h 30 min).
    assert s.median_seconds == pytest.approx(12600)
    # P90: rank 0.9 x 9 = 8.1 -> 90000 + 0.1 x (172800 - 90000) = 98280 s (27 h 18 min).
    assert s.p90_seconds == pytest.approx(98280)


def test_percentile_edges(world):
    qs = figures.decisions(PERIOD)
    assert figures.percentile(qs, 0.0) == 600
    assert figures.percentile(qs, 1.0) == 172800
    assert figures.percentile(qs.none(), 0.5) is None
    assert figures.percentile(
        qs.filter(officer=world.citra, outcome="returned"), 0.5
    ) == pytest.approx((1800 + 90000) / 2)


def test_filters_service_and_kecamatan(world):
    ektp = Filters(service=world.ektp)
    s = figures.standard(PERIOD, ektp)
    # e-KTP: A1 A2 A5; D1 D3 D5 D7 D9 with 600 3600 10800 36000 90000.
    assert (s.applications, s.decisions, s.within_deadline) == (3, 5, 4)
    assert s.median_seconds == 10800  # rank 2
    # P90: rank 0.9 x 4 = 3.6 -> 36000 + 0.6 x (90000 - 36000) = 68400.
    assert s.p90_seconds == pytest.approx(68400)
    both = Filters(service=world.ektp, kecamatan=world.k1)
    assert figures.submitted(PERIOD, both).count() == 2  # A1, A2
    k2 = figures.standard(PERIOD, Filters(kecamatan=world.k2))
    assert (k2.applications, k2.decisions, k2.returned, k2.rejected) == (2, 3, 2, 1)
    # Reasons follow the kecamatan through the decision: D2, D5, D8.
    assert {r.code: r.count for r in figures.top_reasons(PERIOD, Filters(kecamatan=world.k2))} == {
        "unreadable": 2,
        "data_incorrect": 1,
        "missing": 1,
        "age_or_marriage": 1,
    }
    assert [v.variant for v in figures.applications_by_variant(PERIOD, ektp) if v.count] == [
        "Cetak e-KTP pertama (sudah perekaman)"
    ]
    assert [
        (a.kecamatan, a.count)
        for a in figures.applications_by_area(
            PERIOD, Filters(kecamatan=world.k2), level="kecamatan"
        )
    ] == [(world.k2.name, 2)]


def test_decisions_per_day_with_the_timezone_edge(world):
    rows = [
        (d.day.day, d.approved, d.returned, d.rejected, d.within_deadline, d.total)
        for d in figures.decisions_per_day(PERIOD)
    ]
    # D3 at 23.30 WIB on 2 Dec (16.30 UTC) counts on 2 Dec, not 3 Dec.
    assert rows == [
        (1, 1, 1, 0, 2, 2),
        (2, 2, 0, 0, 2, 2),
        (3, 1, 1, 0, 2, 2),
        (4, 1, 0, 1, 2, 2),
        (5, 1, 1, 0, 0, 2),
    ]


def test_top_reasons_ordered_by_count_then_code(world):
    reasons = figures.top_reasons(PERIOD)
    # unreadable 3 (D2 D5 D9), data_incorrect 2 (D2 D9), then the ties at 1 by code:
    # age_or_marriage before missing. 7 items in all; the one on 6 Dec is outside.
    assert [(r.code, r.count) for r in reasons] == [
        ("unreadable", 3),
        ("data_incorrect", 2),
        ("age_or_marriage", 1),
        ("missing", 1),
    ]
    assert [r.share for r in reasons] == pytest.approx([3 / 7, 2 / 7, 1 / 7, 1 / 7])
    assert reasons[0].name == "Berkas tidak terbaca, buram atau terpotong"
    assert [r.code for r in figures.top_reasons(PERIOD, limit=2)] == [
        "unreadable",
        "data_incorrect",
    ]


def test_officer_workload(world):
    loads = {o.username: o for o in figures.officer_workload(PERIOD)}
    budi, citra = loads["budi"], loads["citra"]
    # Budi: D1 D3 D5 D6 D8 D10 -> 4 approved, 1 returned, 1 rejected; D10 late.
    assert (budi.decisions, budi.approved, budi.returned, budi.rejected, budi.within_deadline) == (
        6,
        4,
        1,
        1,
        5,
    )
    # 600 3600 10800 14400 86400 172800: rank 2.5 -> (10800 + 14400) / 2.
    assert budi.median_seconds == pytest.approx(12600)
    # Citra: D2 D4 D7 D9 -> 2 approved, 2 returned; D9 late; 1800 7200 36000 90000.
    assert (
        citra.decisions,
        citra.approved,
        citra.returned,
        citra.rejected,
        citra.within_deadline,
    ) == (4, 2, 2, 0, 3)
    assert citra.median_seconds == pytest.approx((7200 + 36000) / 2)
    assert [o.username for o in figures.officer_workload(PERIOD)] == ["budi", "citra"]
    assert budi.name == "Budi"


def test_perekaman_capacity_against_the_schedule(world):
    places = build_perekaman(world)
    hours = OpeningHours.objects.get(place=places.office, weekday=1)
    # 08.00 08.30 09.00 09.30, break 10.00-10.30, 10.30 11.00 11.30: 7 slots of 2.
    assert [(s // 60, s % 60) for s, _e, _c in office_day_plan(places.office, hours)] == [
        (8, 0),
        (8, 30),
        (9, 0),
        (9, 30),
        (10, 30),
        (11, 0),
        (11, 30),
    ]
    loads = {p.place: p for p in figures.perekaman_load(PERIOD)}
    office = loads["Kantor Disdukcapil Kudus"]
    # Tue 1, Wed 2, Fri 4 Dec: 3 x 14 = 42 (Thu 3 Dec closed, Sat 5 Dec no hours).
    assert office.capacity == 42
    assert (office.booked, office.present, office.recorded, office.no_show, office.cancelled) == (
        4,
        3,
        2,
        1,
        1,
    )
    assert office.booked_share == pytest.approx(4 / 42)
    assert office.attendance_share == pytest.approx(3 / 4)  # present / (present + no-show)
    hall = loads["Balai Desa Purwosari"]
    assert (hall.capacity, hall.booked) == (10, 0)  # the jemput bola day on 5 Dec
    # A week without the event and the office's bookings: the hall drops out.
    later = {p.place for p in figures.perekaman_load(Period(D(2026, 12, 14), D(2026, 12, 18)))}
    assert later == {"Kantor Disdukcapil Kudus"}


def test_empty_period(world):
    empty = Period(D(2027, 1, 1), D(2027, 1, 3))
    s = figures.standard(empty)
    assert (s.decisions, s.median_seconds, s.within_share) == (0, None, None)
    assert [d.count for d in figures.applications_per_day(empty)] == [0, 0, 0]
    assert figures.top_reasons(empty) == []


def test_period_bounds():
    with pytest.raises(ValueError):
        Period(D(2026, 12, 2), D(2026, 12, 1))
    assert Period.last_days(30, D(2026, 12, 31)) == Period(D(2026, 12, 2), D(2026, 12, 31))
    assert PERIOD.days == 5
