"""Perekaman bookings through the API. The clock: Tuesday 1 December 2026, 07.00 WIB."""

from __future__ import annotations

import pytest
import time_machine

from paksemmok.appointments.models import Booking, SlotCounter
from tests.cast import NOW, account_for, at, not_recorded

from .conftest import assert_error, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dewi(kudus):
    return account_for(not_recorded(full_name="Dewi Lestari"), contact_verified=True)


@pytest.fixture
def d_client(dewi):
    return token_client(dewi)


def test_places_and_availability_are_public(api, office):
    places = api.get("/api/v1/appointments/places/").json()
    assert [p["name"] for p in places] == ["Kantor Disdukcapil Uji"]
    data = api.get(
        "/api/v1/appointments/availability/",
        {"place": office.pk, "date_from": "2026-12-01", "date_to": "2026-12-04"},
    ).json()
    days = {d["date"]: d["slots"] for d in data["days"]}
    # Tuesday from 08.00 (one hour's lead), Wednesday full day, Friday closes at 11.
    assert days["2026-12-01"][0]["start"] == "2026-12-01T08:00:00+07:00"
    assert days["2026-12-02"][0]["free"] == 2
    assert days["2026-12-04"][-1]["start"] == "2026-12-04T10:45:00+07:00"
    assert "2026-12-05" not in days


def test_availability_errors(api, office):
    assert_error(api.get("/api/v1/appointments/availability/"), 400, "invalid")
    assert_error(api.get("/api/v1/appointments/availability/", {"place": 999999}), 404, "not_found")
    # Outside the booking window: no days, not an error.
    data = api.get(
        "/api/v1/appointments/availability/", {"place": office.pk, "date_from": "2027-06-01"}
    ).json()
    assert data["days"] == []


def test_book_reschedule_cancel(d_client, dewi, office):
    booked = d_client.post(
        "/api/v1/appointments/",
        {"place": office.pk, "start": "2026-12-02T08:15:00+07:00"},
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    code = booked.json()["code"]
    assert Booking.objects.get(code=code).resident == dewi.resident
    assert SlotCounter.objects.get(start=at("2026-12-02", "08:15")).booked == 1

    # A second active booking is refused by the service.
    data = assert_error(
        d_client.post(
            "/api/v1/appointments/",
            {"place": office.pk, "start": "2026-12-03T08:15:00+07:00"},
            format="json",
        ),
        409,
        "appointment_conflict",
    )
    assert "sudah memiliki janji" in data["message"]

    moved = d_client.post(
        f"/api/v1/appointments/{code}/reschedule/",
        {"place": office.pk, "start": "2026-12-03T09:00:00+07:00"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["start"] == "2026-12-03T09:00:00+07:00"
    assert SlotCounter.objects.get(start=at("2026-12-02", "08:15")).booked == 0

    assert d_client.get(f"/api/v1/appointments/{code}/").json()["status"] == "booked"
    assert [b["code"] for b in d_client.get("/api/v1/appointments/").json()] == [code]

    cancelled = d_client.post(
        f"/api/v1/appointments/{code}/cancel/", {"reason": "Sakit"}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    data = assert_error(
        d_client.post(f"/api/v1/appointments/{code}/cancel/"), 409, "appointment_conflict"
    )
    assert "tidak bisa dibatalkan" in data["message"]


def test_booking_errors_come_from_the_service(d_client, office):
    data = assert_error(
        d_client.post(
            "/api/v1/appointments/",
            {"place": office.pk, "start": "2026-12-01T07:30:00+07:00"},
            format="json",
        ),
        409,
        "appointment_conflict",
    )
    assert "terlalu dekat" in data["message"]
    data = assert_error(
        d_client.post(
            "/api/v1/appointments/",
            {"place": office.pk, "start": "2026-12-02T08:07:00+07:00"},
            format="json",
        ),
        409,
        "appointment_conflict",
    )
    assert "bukan jam layanan" in data["message"]
    assert_error(
        d_client.post(
            "/api/v1/appointments/",
            {"place": 999999, "start": "2026-12-02T08:15:00+07:00"},
            format="json",
        ),
        400,
        "invalid",
    )
    assert_error(
        d_client.post(
            "/api/v1/appointments/", {"place": office.pk, "start": "besok"}, format="json"
        ),
        400,
        "invalid",
    )


def test_recorded_resident_is_not_eligible(a_client, office):
    data = assert_error(
        a_client.post(
            "/api/v1/appointments/",
            {"place": office.pk, "start": "2026-12-02T08:15:00+07:00"},
            format="json",
        ),
        409,
        "appointment_conflict",
    )
    assert data["message"]
