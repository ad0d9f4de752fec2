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


# --- jemput bola days through their services (issue 11) -------------------------------------


@pytest.fixture
def admin_officer(frozen, admin_client, admin_user):
    # Jemput bola days are for admins and perekaman staff (User.JEMPUT_BOLA_ROLES).
    admin_user.role = "admin"
    admin_user.save(update_fields=["role"])
    return admin_client


def event_form(**changes) -> dict:
    from paksemmok.population.models import Region

    data = {
        "village": str(Region.objects.get(code="33.19.02.1001").pk),
        "date": "2026-12-09",
        "opens": "08:00",
        "closes": "12:00",
        "capacity": "40",
        "minutes_per_recording": "15",
        "note": "",
        "_save": "Simpan",
    }
    data.update(changes)
    return data


def test_a_jemput_bola_day_added_in_the_admin_goes_through_the_service(
    admin_officer, kudus, frozen
):
    from paksemmok.appointments.models import JemputBolaEvent

    response = admin_officer.post("/staf/admin/appointments/jemputbolaevent/add/", event_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url.endswith("/jemputbolaevent/"), response.url
    event = JemputBolaEvent.objects.get()
    assert event.place.kind == Place.Kind.BALAI_DESA and event.place.region.code.endswith("1001")
    assert event.created_by.username == "admin"
    entry = AuditEntry.objects.get(action="appointments.jemput_bola.created")
    assert entry.details["village"] == "33.19.02.1001"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2026-11-20"}, "harus setelah hari ini"),
        ({"date": "2026-12-25"}, "hari libur"),
        ({"opens": "12:00", "closes": "08:00"}, "Jam selesai harus setelah jam mulai"),
        ({"opens": "08:00", "closes": "08:10"}, "terlalu pendek"),
    ],
)
def test_the_admin_refuses_what_the_service_refuses(admin_officer, kudus, frozen, changes, message):
    from paksemmok.appointments.models import JemputBolaEvent

    response = admin_officer.post(
        "/staf/admin/appointments/jemputbolaevent/add/", event_form(**changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not JemputBolaEvent.objects.exists()


def test_a_second_day_at_the_same_hall_and_an_unauthorised_role_are_refused(
    frozen, admin_client, admin_user, kudus
):
    from paksemmok.appointments.models import JemputBolaEvent

    url = "/staf/admin/appointments/jemputbolaevent/add/"
    # The superuser's role is "resident": the service's role rule applies in the admin too.
    assert (
        "Hanya admin atau petugas perekaman"
        in admin_client.post(url, event_form()).content.decode()
    )
    admin_user.role = "admin"
    admin_user.save(update_fields=["role"])
    assert admin_client.post(url, event_form()).status_code == 302
    assert "Sudah ada jemput bola" in admin_client.post(url, event_form()).content.decode()
    assert JemputBolaEvent.objects.count() == 1


def test_changing_and_cancelling_a_day_in_the_admin_use_the_services(admin_officer, kudus, frozen):
    from paksemmok.appointments.models import JemputBolaEvent

    admin_officer.post("/staf/admin/appointments/jemputbolaevent/add/", event_form())
    event = JemputBolaEvent.objects.get()
    url = f"/staf/admin/appointments/jemputbolaevent/{event.pk}/change/"
    refused = admin_officer.post(url, event_form(date="2026-12-25"))
    assert refused.status_code == 200 and "hari libur" in refused.content.decode()
    assert admin_officer.post(url, event_form(closes="11:00")).status_code == 302
    event.refresh_from_db()
    assert event.closes == dt.time(11)
    changed = AuditEntry.objects.get(action="appointments.jemput_bola.changed")
    assert changed.details["fields"] == ["closes"]
    admin_officer.post(
        "/staf/admin/appointments/jemputbolaevent/",
        {"action": "cancel_days", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.status == JemputBolaEvent.Status.CANCELLED
    assert AuditEntry.objects.filter(action="appointments.jemput_bola.cancelled").exists()
