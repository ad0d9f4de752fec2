"""Issue 15 item 3 for perekaman: one event, one message to each person, naming every fact.

A helper who books for several residents of the village is the one told about each booking;
one schedule change or one reminder run reaches them as one message."""

from __future__ import annotations

from collections import Counter

import pytest

from paksemmok.appointments.models import OpeningHours
from paksemmok.appointments.services import (
    book_appointment,
    flag_bookings_outside_hours,
    send_due_reminders,
)
from paksemmok.notifications.models import Message
from tests.cast import at, not_recorded

pytestmark = pytest.mark.django_db


def per_recipient(**filters) -> Counter:
    return Counter(Message.objects.filter(**filters).values_list("user_id", flat=True))


def test_a_booking_made_the_day_before_is_its_own_reminder(office, dewi, dewi_user, frozen):
    # 1 December 07.00: the reminder for 2 December would go out at once.
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-02", "10:00"), actor=dewi_user
    )
    frozen.move_to(at("2026-12-01", "09:00"))
    assert send_due_reminders() == 0
    [message] = Message.objects.filter(user=dewi_user)
    assert message.template == "appointment_booked"
    for fact in (booking.code, office.name, "2 Desember 2026", "10.00"):
        assert fact in message.body


def test_a_booking_days_ahead_still_gets_its_reminder(office, dewi, dewi_user, frozen):
    book_appointment(resident=dewi, place=office, start=at("2026-12-03", "10:00"), actor=dewi_user)
    frozen.move_to(at("2026-12-02", "08:00"))
    assert send_due_reminders() == 1
    assert per_recipient(template="appointment_reminder") == {dewi_user.pk: 1}


def _two_bookings_by(sari, office, day: str):
    return [
        book_appointment(resident=not_recorded(), place=office, start=at(day, hhmm), actor=sari)
        for hhmm in ("08:00", "08:15")
    ]


def test_one_reminder_run_is_one_message_to_the_helper(office, sari, frozen):
    bookings = _two_bookings_by(sari, office, "2026-12-03")
    frozen.move_to(at("2026-12-02", "08:00"))
    assert send_due_reminders() == 2
    assert per_recipient(template__contains="appointment_reminder") == {sari.pk: 1}
    body = Message.objects.get(template__contains="appointment_reminder").body
    assert all(b.code in body for b in bookings)
    assert body.count(", Disdukcapil ") == 1  # the signature once


def test_one_schedule_change_is_one_message_to_the_helper(office, sari, frozen):
    bookings = _two_bookings_by(sari, office, "2026-12-03")  # a Thursday
    before = Message.objects.filter(user=sari).count()
    OpeningHours.objects.filter(place=office, weekday=3).delete()
    assert flag_bookings_outside_hours(office) == 2
    [message] = Message.objects.filter(user=sari).order_by("id")[before:]
    assert "Jadwal perekaman berubah" in message.subject
    assert all(b.code in message.body for b in bookings)


def test_a_reschedule_days_ahead_gets_a_new_reminder_one_for_tomorrow_does_not(
    office, dewi, dewi_user, frozen
):
    from paksemmok.appointments.services import reschedule_appointment

    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-03", "10:00"), actor=dewi_user
    )
    frozen.move_to(at("2026-12-02", "08:00"))
    assert send_due_reminders() == 1
    # Moved to Friday: that day's reminder is due again on Thursday.
    booking = reschedule_appointment(
        booking, place=office, start=at("2026-12-04", "09:00"), actor=dewi_user
    )
    frozen.move_to(at("2026-12-03", "08:00"))
    assert send_due_reminders() == 1
    # Moved again on Thursday to Friday 10.00: the change message is the reminder.
    reschedule_appointment(booking, place=office, start=at("2026-12-04", "10:00"), actor=dewi_user)
    frozen.move_to(at("2026-12-03", "10:00"))
    assert send_due_reminders() == 0
    assert per_recipient(template="appointment_reminder") == {dewi_user.pk: 2}
