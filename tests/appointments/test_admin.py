"""Saving a place in the admin after shortening its hours flags the bookings it orphans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from paksemmok.appointments.models import Booking, OpeningHours, Place
from paksemmok.appointments.services import book_appointment
from paksemmok.audit.models import AuditEntry
from tests.cast import at

pytestmark = pytest.mark.django_db


class SavedForm:
    """What the admin passes to save_related after the place's inlines were saved."""

    def __init__(self, instance):
        self.instance = instance
        self.changed_data = ["stations"]

    def save_m2m(self):
        pass


def test_admin_save_flags_bookings_outside_new_hours(office, dewi, dewi_user, budi, frozen):
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-03", "14:30"), actor=dewi_user
    )
    OpeningHours.objects.filter(place=office, weekday=3).update(closes=dt.time(14))
    request = RequestFactory().post("/staf/admin/")
    request.user = budi
    request.session = {}
    request._messages = FallbackStorage(request)

    admin.site._registry[Place].save_related(request, SavedForm(office), [], change=True)

    booking.refresh_from_db()
    assert booking.needs_reschedule and booking.status == Booking.Status.BOOKED
    assert AuditEntry.objects.filter(action="appointments.place.changed").exists()
    assert "1 janji kini di luar jam layanan" in str(next(iter(request._messages)))
