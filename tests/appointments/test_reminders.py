"""The day-before reminder: sent once, from 07.00 the day before, never for cancelled ones."""

from __future__ import annotations

import pytest

from paksemmok.appointments import jobs
from paksemmok.appointments.services import (
    book_appointment,
    cancel_appointment,
    send_due_reminders,
)
from paksemmok.jobs.registry import registered_jobs
from paksemmok.notifications.models import Message
from tests.cast import account_for, at, not_recorded

pytestmark = pytest.mark.django_db


def reminders():
    return Message.objects.filter(template="appointment_reminder")


def test_reminder_is_sent_once_the_day_before(office, dewi, dewi_user, frozen):
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-03", "10:00"), actor=dewi_user
    )
    assert send_due_reminders() == 0  # 1 December: two days before
    frozen.move_to(at("2026-12-02", "06:30"))
    assert send_due_reminders() == 0  # the day before, but too early in the morning
    frozen.move_to(at("2026-12-02", "07:05"))
    assert send_due_reminders() == 1
    message = reminders().get()
    assert message.user == dewi_user and booking.code in message.body
    assert "3 Desember 2026" in message.body
    frozen.move_to(at("2026-12-02", "19:00"))
    assert send_due_reminders() == 0
    frozen.move_to(at("2026-12-03", "08:00"))
    assert send_due_reminders() == 0
    assert reminders().count() == 1


def test_no_reminder_for_a_cancelled_booking(office, dewi, dewi_user, frozen):
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-03", "10:00"), actor=dewi_user
    )
    cancel_appointment(booking, actor=dewi_user)
    frozen.move_to(at("2026-12-02", "08:00"))
    assert send_due_reminders() == 0


def test_the_worker_job_sends_them(office, frozen, kudus):
    for hhmm in ("08:00", "08:15"):
        resident = not_recorded()
        book_appointment(
            resident=resident,
            place=office,
            start=at("2026-12-03", hhmm),
            actor=account_for(resident),
        )
    assert "appointments.send_reminders" in {job.name for job in registered_jobs()}
    frozen.move_to(at("2026-12-02", "09:00"))
    assert jobs.send_reminders() == 2
    assert jobs.send_reminders() == 0
    assert reminders().count() == 2
