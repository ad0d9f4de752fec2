"""Residents and helpers book, reschedule and cancel; bad input books nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from paksemmok.appointments.models import Booking, Closure, SlotCounter
from paksemmok.appointments.services import (
    AppointmentError,
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from paksemmok.audit.models import AuditEntry
from paksemmok.notifications.models import Message
from paksemmok.population.models import MaritalStatus, Resident
from tests.cast import account_for, at, not_recorded
from tests.factories import FamilyFactory, village

pytestmark = pytest.mark.django_db

SLOT = at("2026-12-02", "09:00")  # Wednesday


def counter(place, start) -> int:
    row = SlotCounter.objects.filter(place=place, start=start).first()
    return row.booked if row else 0


def test_a_resident_books_a_free_slot(office, dewi, dewi_user, frozen):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)

    assert booking.status == Booking.Status.BOOKED
    assert booking.place == office and booking.start == SLOT
    assert len(booking.code) == 8
    assert counter(office, SLOT) == 1
    entry = AuditEntry.objects.get(action="appointments.booking.created")
    assert entry.actor == dewi_user and entry.object_id == str(booking.pk)
    message = Message.objects.get(template="appointment_booked")
    assert message.user == dewi_user
    assert booking.code in message.body and office.name in message.body
    assert "2 Desember 2026" in message.body


def book(resident, place, start=SLOT, actor=None):
    return book_appointment(
        resident=resident, place=place, start=start, actor=actor or account_for(resident)
    )


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (at("2026-12-01", "07:30"), "sudah lewat"),  # within the 60-minute lead
        (at("2026-11-30", "09:00"), "sudah lewat"),  # yesterday
        (at("2026-12-25", "09:00"), "hari libur: Kelahiran Yesus Kristus"),
        (at("2026-12-05", "09:00"), "tidak melayani"),  # Saturday
        (at("2026-12-02", "09:07"), "bukan jam layanan"),  # not a slot start
        (at("2026-12-02", "12:15"), "bukan jam layanan"),  # in the break
        (at("2027-02-01", "09:00"), "paling lambat 30 hari"),
    ],
)
def test_bad_times_are_refused_with_a_clear_message(
    office, dewi, dewi_user, frozen, start, message
):
    with pytest.raises(AppointmentError, match=message):
        book_appointment(resident=dewi, place=office, start=start, actor=dewi_user)
    assert not Booking.objects.exists()
    assert not Message.objects.exists()


def test_a_closure_is_refused(office, dewi, dewi_user, frozen):
    Closure.objects.create(place=office, date=SLOT.date(), reason="Rapat")
    with pytest.raises(AppointmentError, match="tidak melayani"):
        book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    assert not Booking.objects.exists()


def test_a_full_slot_is_refused_and_books_nothing(office, frozen, kudus):
    book(not_recorded(), office)
    book(not_recorded(), office)  # stations = 2
    latecomer = not_recorded()
    with pytest.raises(AppointmentError, match="penuh"):
        book(latecomer, office)
    assert Booking.objects.count() == 2
    assert counter(office, SLOT) == 2
    assert not Booking.objects.filter(resident=latecomer).exists()


def test_a_second_active_booking_is_refused(office, dewi, dewi_user, frozen):
    book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    with pytest.raises(AppointmentError, match="sudah memiliki janji"):
        book_appointment(
            resident=dewi, place=office, start=at("2026-12-03", "09:00"), actor=dewi_user
        )
    assert Booking.objects.count() == 1
    assert counter(office, at("2026-12-03", "09:00")) == 0


def test_the_database_allows_one_active_booking_per_resident(office, dewi, frozen):
    Booking.objects.create(resident=dewi, place=office, start=SLOT)
    Booking.objects.create(
        resident=dewi, place=office, start=SLOT, status=Booking.Status.CANCELLED
    )  # inactive ones may pile up
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(resident=dewi, place=office, start=SLOT)


def test_an_already_recorded_resident_cannot_book(office, kudus, frozen):
    recorded = not_recorded(ektp_recording=Resident.Recording.RECORDED)
    with pytest.raises(AppointmentError, match="sudah terekam"):
        book(recorded, place=office)
    assert not Booking.objects.exists()


def test_age_limit_or_marriage(office, kudus, frozen):
    sixteen = not_recorded(birth_date=dt.date(2010, 6, 1))
    with pytest.raises(AppointmentError, match="17 tahun"):
        book(sixteen, place=office)
    married_sixteen = not_recorded(
        birth_date=dt.date(2010, 6, 1), marital_status=MaritalStatus.MARRIED
    )
    assert book(married_sixteen, place=office).status == Booking.Status.BOOKED


def test_turning_17_before_the_slot_is_enough(office, kudus, frozen):
    almost = not_recorded(birth_date=dt.date(2009, 12, 10))
    user = account_for(almost)
    with pytest.raises(AppointmentError, match="17 tahun"):
        book(almost, office, start=at("2026-12-09", "09:00"), actor=user)
    assert book(almost, office, start=at("2026-12-10", "09:00"), actor=user)


def test_age_limit_is_configurable(office, kudus, frozen, settings):
    settings.APPOINTMENTS_MIN_AGE = 18
    seventeen = not_recorded(birth_date=dt.date(2009, 1, 1))
    with pytest.raises(AppointmentError, match="18 tahun"):
        book(seventeen, place=office)


def test_a_deceased_resident_cannot_book(office, kudus, frozen):
    gone = not_recorded(life_status=Resident.LifeStatus.DECEASED, death_date=dt.date(2026, 1, 1))
    with pytest.raises(AppointmentError, match="meninggal"):
        book(gone, place=office)


def test_a_resident_cannot_book_for_someone_else(office, dewi, frozen, kudus):
    other_user = account_for(not_recorded())
    with pytest.raises(AppointmentError, match="tidak berhak"):
        book_appointment(resident=dewi, place=office, start=SLOT, actor=other_user)
    assert not Booking.objects.exists()


def test_a_helper_books_for_a_resident_of_their_village(office, dewi, dewi_user, sari, frozen):
    assert dewi.village == sari.village
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=sari)
    assert booking.booked_by == sari
    entry = AuditEntry.objects.get(action="appointments.booking.created")
    assert entry.actor == sari and entry.on_behalf_of == dewi_user
    assert entry.details["resident_id"] == dewi.pk and entry.details["on_behalf"] is True
    # The resident hears about it on their own account.
    assert Message.objects.get(template="appointment_booked").user == dewi_user


def test_a_helper_books_for_a_resident_without_account_and_gets_the_message(
    office, dewi, sari, frozen
):
    book_appointment(resident=dewi, place=office, start=SLOT, actor=sari)
    assert Message.objects.get(template="appointment_booked").user == sari


def test_a_helper_cannot_book_outside_their_village(office, sari, frozen, kudus):
    family = FamilyFactory(village=village("33.19.01.2001"))  # Kaliwungu, not Purwosari
    elsewhere = not_recorded(family=family)
    with pytest.raises(AppointmentError, match="tidak berhak"):
        book_appointment(resident=elsewhere, place=office, start=SLOT, actor=sari)


def test_reschedule_moves_the_place_between_slots(office, dewi, dewi_user, frozen):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    new = at("2026-12-03", "13:00")
    booking = reschedule_appointment(booking, place=office, start=new, actor=dewi_user)
    assert booking.start == new
    assert counter(office, SLOT) == 0 and counter(office, new) == 1
    assert AuditEntry.objects.filter(action="appointments.booking.rescheduled").count() == 1
    assert Message.objects.filter(template="appointment_booked").count() == 2


def test_reschedule_into_a_full_slot_keeps_the_old_booking(office, dewi, dewi_user, frozen, kudus):
    full = at("2026-12-03", "13:00")
    book(not_recorded(), office, start=full)
    book(not_recorded(), office, start=full)
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    with pytest.raises(AppointmentError, match="penuh"):
        reschedule_appointment(booking, place=office, start=full, actor=dewi_user)
    booking.refresh_from_db()
    assert booking.start == SLOT
    assert counter(office, SLOT) == 1 and counter(office, full) == 2


def test_cancel_returns_the_place(office, dewi, dewi_user, frozen, kudus):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    book(not_recorded(), office)
    cancel_appointment(booking, actor=dewi_user)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert counter(office, SLOT) == 1
    # ...so someone else can now take it, and Dewi can book again.
    assert book(not_recorded(), office).start == SLOT
    again = book_appointment(
        resident=dewi, place=office, start=at("2026-12-03", "09:00"), actor=dewi_user
    )
    assert again.status == Booking.Status.BOOKED
    with pytest.raises(AppointmentError, match="tidak bisa dibatalkan"):
        cancel_appointment(booking, actor=dewi_user)
    assert Message.objects.filter(template="generic", subject__icontains="dibatalkan").exists()
