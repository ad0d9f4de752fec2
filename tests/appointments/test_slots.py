"""Slots come from the rules on demand: hours, breaks, holidays (lokal-id), closures, events."""

from __future__ import annotations

import datetime as dt

import pytest

from paksemmok.appointments.models import Closure, JemputBolaEvent, OpeningHours, Place
from paksemmok.appointments.places import seed_places
from paksemmok.appointments.slots import Rules, availability, event_slots, public_holiday
from paksemmok.population.models import Region
from tests.cast import at, make_office

pytestmark = pytest.mark.django_db


def day_slots(place, day):
    day = dt.date.fromisoformat(day)
    return Rules([place], day, day).day_slots(place, day)


def test_a_weekday_runs_from_opening_to_closing_without_the_break(office):
    slots = day_slots(office, "2026-12-01")  # Tuesday
    starts = [s.start.strftime("%H:%M") for s in slots]
    assert starts[0] == "08:00" and starts[-1] == "14:45"
    assert "11:45" in starts and "12:00" not in starts and "12:45" not in starts
    assert "13:00" in starts
    assert len(slots) == 16 + 8
    assert {s.capacity for s in slots} == {2}  # = stations
    assert slots[0].end == at("2026-12-01", "08:15")


def test_friday_is_shorter_and_the_weekend_closed(office):
    friday = day_slots(office, "2026-12-04")
    assert [s.start.strftime("%H:%M") for s in friday][-1] == "10:45"
    assert len(friday) == 12
    assert day_slots(office, "2026-12-05") == []  # Saturday
    assert day_slots(office, "2026-12-06") == []  # Sunday


def test_a_break_that_is_not_a_multiple_of_the_step_restarts_at_its_end(office):
    OpeningHours.objects.filter(place=office, weekday=1).update(
        break_start=dt.time(12, 10), break_end=dt.time(12, 40)
    )
    starts = [s.start.strftime("%H:%M") for s in day_slots(office, "2026-12-01")]
    # 11.45-12.00 ends before the break; 12.00-12.15 would cross it, so the next is 12.40.
    assert starts[starts.index("11:45") + 1] == "12:40"
    assert "12:55" in starts and "12:00" not in starts


def test_public_holidays_from_lokal_id_close_the_office(office, settings):
    assert public_holiday(dt.date(2026, 12, 25)) == "Kelahiran Yesus Kristus"
    assert day_slots(office, "2026-12-25") == []  # Friday, libur nasional
    # 24 December is cuti bersama: government offices are closed unless configured open.
    assert day_slots(office, "2026-12-24") == []
    settings.APPOINTMENTS_OPEN_ON_CUTI_BERSAMA = True
    public_holiday.cache_clear()
    try:
        assert len(day_slots(office, "2026-12-24")) == 24
        assert day_slots(office, "2026-12-25") == []
    finally:
        public_holiday.cache_clear()


def test_a_year_without_holiday_data_is_closed_unless_configured(office, settings):
    public_holiday.cache_clear()
    try:
        assert day_slots(office, "2028-01-04") == []
        settings.APPOINTMENTS_OPEN_WHEN_HOLIDAYS_UNKNOWN = True
        public_holiday.cache_clear()
        assert len(day_slots(office, "2028-01-04")) == 24
    finally:
        public_holiday.cache_clear()


def test_a_closure_closes_only_its_place_and_date(office, kudus):
    other = make_office(
        Region.objects.get(code="33.19.01"), name="Kantor Kecamatan Uji", kind=Place.Kind.KECAMATAN
    )
    Closure.objects.create(place=office, date=dt.date(2026, 12, 2), reason="Gangguan server")
    assert day_slots(office, "2026-12-02") == []
    assert len(day_slots(office, "2026-12-03")) == 24
    assert len(day_slots(other, "2026-12-02")) == 24


def test_an_inactive_place_has_no_slots(office):
    office.is_active = False
    office.save()
    assert day_slots(office, "2026-12-01") == []


def test_event_capacity_is_spread_over_its_slots_earliest_first(kudus):
    hall = Place.objects.create(
        kind=Place.Kind.BALAI_DESA,
        name="Balai Desa Uji",
        region=Region.objects.get(code="33.19.02.1001"),
    )
    event = JemputBolaEvent.objects.create(
        place=hall,
        date=dt.date(2026, 12, 5),
        opens=dt.time(8),
        closes=dt.time(10),
        capacity=20,
        minutes_per_recording=15,
    )
    slots = event_slots(event)
    assert [s.capacity for s in slots] == [3, 3, 3, 3, 2, 2, 2, 2]
    assert sum(s.capacity for s in slots) == 20
    # A hall is open only on its event day (a Saturday here) and not when it is cancelled.
    assert len(day_slots(hall, "2026-12-05")) == 8
    assert day_slots(hall, "2026-12-04") == []
    event.status = JemputBolaEvent.Status.CANCELLED
    event.save()
    assert day_slots(hall, "2026-12-05") == []


def test_availability_hides_past_slots_and_counts_bookings(office, frozen):
    frozen.move_to(at("2026-12-01", "09:30"))
    result = availability([office], dt.date(2026, 12, 1), 3)[office.pk]
    today = result[dt.date(2026, 12, 1)]
    # 60 minutes' lead: the first bookable slot today is 10.30.
    assert today[0].start == at("2026-12-01", "10:30")
    assert dt.date(2026, 12, 2) in result and dt.date(2026, 12, 3) in result


def test_availability_for_all_places_uses_a_fixed_number_of_queries(
    kudus, frozen, django_assert_num_queries
):
    seed_places()
    places = list(Place.objects.all())
    assert len(places) == 10  # the Disdukcapil office and nine kecamatan offices
    with django_assert_num_queries(4):
        result = availability(places, dt.date(2026, 12, 1), 30)
    dinas = next(p for p in places if p.kind == Place.Kind.DINAS)
    # 1-30 December 2026: 22 weekdays, less the 24th (cuti bersama) and 25th (Christmas).
    assert len(result[dinas.pk]) == 20
    assert dt.date(2026, 12, 24) not in result[dinas.pk]
