"""Capacity holds under concurrent booking: 50 residents race for a slot with 10 places."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from paksemmok.appointments.models import Booking, SlotCounter
from paksemmok.appointments.services import AppointmentError, book_appointment
from tests.cast import account_for, at, make_office, not_recorded

SLOT = at("2026-12-02", "09:00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_fill_ten_places_exactly(kudus, frozen):
    from paksemmok.population.models import Region

    office = make_office(Region.objects.get(code="33.19"), stations=10)
    people = []
    for _ in range(50):
        resident = not_recorded()
        people.append((resident, account_for(resident)))

    barrier = threading.Barrier(len(people))
    results: list[str] = []
    lock = threading.Lock()

    def attempt(resident, user):
        try:
            barrier.wait(timeout=30)
            book_appointment(resident=resident, place=office, start=SLOT, actor=user)
            outcome = "booked"
        except AppointmentError as exc:
            outcome = str(exc)
        except Exception as exc:  # any other error must fail the test below
            outcome = f"ERROR {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()  # each thread had its own connection
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=p) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert len(results) == 50
    errors = [r for r in results if r.startswith("ERROR")]
    assert errors == []
    assert results.count("booked") == 10
    assert sum("penuh" in r for r in results) == 40
    assert Booking.objects.filter(place=office, start=SLOT).count() == 10
    assert SlotCounter.objects.get(place=office, start=SLOT).booked == 10
