"""The pages: who may open what, and the booking flow through HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.appointments.models import Booking
from paksemmok.appointments.services import book_appointment, check_in
from tests.cast import account_for, at, not_recorded

pytestmark = pytest.mark.django_db

SLOT = at("2026-12-02", "09:00")


STAFF_PAGES = [
    "appointments:staff_day",
    "appointments:staff_figures",
    "appointments:staff_events",
    "appointments:staff_check_in",
]
HEADINGS = {
    "appointments:staff_day": "Daftar perekaman harian",
    "appointments:staff_figures": "Rekap perekaman per tempat dan hari",
    "appointments:staff_events": "Jemput bola",
    "appointments:staff_check_in": "Catat kehadiran",
}


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_resident_cannot_open_staff_pages(client, dewi_user, name):
    client.force_login(dewi_user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_helper_cannot_open_staff_pages(client, sari, name):
    client.force_login(sari)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_an_officer_can(client, budi, office, name):
    client.force_login(budi)
    response = client.get(reverse(name), {"tempat": office.pk})
    assert response.status_code == 200
    assert f"<h1>{HEADINGS[name]}</h1>" in response.content.decode()


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("appointments:staff_day"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    response = client.get(reverse("appointments:start"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_the_day_list_shows_bookings_per_slot(client, budi, office, dewi, dewi_user, frozen):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    client.force_login(budi)
    page = client.get(
        reverse("appointments:staff_day"), {"tempat": office.pk, "tanggal": "2026-12-02"}
    ).content.decode()
    assert "Dewi Lestari" in page and booking.code in page
    assert dewi.nik not in page  # masked
    assert "1/2" in page  # booked / capacity of the 09.00 slot


def test_resident_books_through_the_pages(client, office, dewi, dewi_user, frozen):
    client.force_login(dewi_user)
    start = client.get(reverse("appointments:start")).content.decode()
    assert reverse("appointments:places", args=["kantor"]) in start
    places = client.get(reverse("appointments:places", args=["kantor"])).content.decode()
    assert office.name in places
    url = reverse("appointments:place_slots", args=[office.pk])
    days = client.get(url).content.decode()
    assert "tanggal=2026-12-02" in days and "tanggal=2026-12-25" not in days
    times = client.get(url, {"tanggal": "2026-12-02"}).content.decode()
    assert SLOT.isoformat() in times

    response = client.post(url, {"tanggal": "2026-12-02", "start": SLOT.isoformat()})

    booking = Booking.objects.get(resident=dewi)
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:detail", args=[booking.code])
    detail = client.get(response["Location"]).content.decode()
    assert booking.code in detail and "Rabu, 2 Desember 2026" in detail
    qr = client.get(reverse("appointments:qr", args=[booking.code]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") and b"style=" not in qr.content


def test_a_full_slot_shows_the_message_and_books_nothing(
    client, office, dewi, dewi_user, frozen, kudus
):
    for _ in range(2):
        r = not_recorded()
        book_appointment(resident=r, place=office, start=SLOT, actor=account_for(r))
    client.force_login(dewi_user)
    url = reverse("appointments:place_slots", args=[office.pk])
    response = client.post(url, {"tanggal": "2026-12-02", "start": SLOT.isoformat()}, follow=True)
    assert "slot ini baru saja penuh" in response.content.decode()
    assert not Booking.objects.filter(resident=dewi).exists()


def test_someone_elses_booking_is_not_found(client, office, dewi, dewi_user, frozen, kudus):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    client.force_login(account_for(not_recorded()))
    assert client.get(reverse("appointments:detail", args=[booking.code])).status_code == 404
    assert client.get(reverse("appointments:qr", args=[booking.code])).status_code == 404
    assert client.post(reverse("appointments:cancel", args=[booking.code])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_resident_cancels_from_the_page(client, office, dewi, dewi_user, frozen):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    client.force_login(dewi_user)
    client.post(reverse("appointments:cancel", args=[booking.code]))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_resident_reschedules_from_the_page(client, office, dewi, dewi_user, frozen):
    booking = book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)
    client.force_login(dewi_user)
    new = at("2026-12-03", "10:00")
    client.post(
        reverse("appointments:place_slots", args=[office.pk]),
        {"ubah": booking.code, "tanggal": "2026-12-03", "start": new.isoformat()},
    )
    booking.refresh_from_db()
    assert booking.start == new and booking.status == Booking.Status.BOOKED


def test_a_recorded_resident_is_told_to_apply_online(client, kudus):
    from paksemmok.population.models import Resident

    user = account_for(not_recorded(ektp_recording=Resident.Recording.RECORDED))
    client.force_login(user)
    page = client.get(reverse("appointments:start")).content.decode()
    assert "sudah terekam" in page
    assert reverse("appointments:places", args=["kantor"]) not in page


def test_helper_picks_a_resident_of_their_village_and_books(client, sari, office, dewi, frozen):
    client.force_login(sari)
    client.post(reverse("appointments:choose_resident"), {"nik": dewi.nik})
    assert "Dewi Lestari" in client.get(reverse("appointments:start")).content.decode()
    client.post(
        reverse("appointments:place_slots", args=[office.pk]),
        {"tanggal": "2026-12-02", "start": SLOT.isoformat()},
    )
    booking = Booking.objects.get(resident=dewi)
    assert booking.booked_by == sari


def test_helper_cannot_pick_a_resident_of_another_village(client, sari, kudus):
    from tests.factories import FamilyFactory, village

    other = not_recorded(family=FamilyFactory(village=village("33.19.01.2001")))
    client.force_login(sari)
    response = client.post(reverse("appointments:choose_resident"), {"nik": other.nik}, follow=True)
    assert "tidak ditemukan di desa/kelurahan Anda" in response.content.decode()
    assert client.session.get("appointments_resident_id") is None


def test_officer_checks_in_by_code_and_marks_recorded(
    client, budi, office, dewi, dewi_user, frozen
):
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-01", "09:00"), actor=dewi_user
    )
    client.force_login(budi)
    client.post(
        reverse("appointments:staff_check_in"), {"query": booking.code.lower(), "tempat": office.pk}
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    client.post(reverse("appointments:staff_recorded", args=[booking.code]))
    dewi.refresh_from_db()
    assert dewi.is_recorded


def test_figures_count_per_place_and_day(client, budi, office, frozen, kudus):
    bookings = []
    for hhmm in ("09:00", "09:15", "09:30"):
        r = not_recorded()
        bookings.append(
            book_appointment(
                resident=r, place=office, start=at("2026-12-01", hhmm), actor=account_for(r)
            )
        )
    check_in(bookings[0], actor=budi, place=office)
    frozen.move_to(at("2026-12-02", "08:00"))
    from paksemmok.appointments.services import mark_no_shows

    mark_no_shows()
    client.force_login(budi)
    response = client.get(
        reverse("appointments:staff_figures"), {"dari": "2026-12-01", "sampai": "2026-12-01"}
    )
    row = response.context["rows"][0]
    assert row["place__name"] == office.name
    assert (row["booked"], row["present"], row["no_show"]) == (3, 1, 2)


def test_an_officer_creates_a_jemput_bola_day(client, budi, sari, frozen, kudus):
    from paksemmok.appointments.models import JemputBolaEvent
    from tests.factories import village

    client.force_login(budi)
    client.post(
        reverse("appointments:staff_events"),
        {
            "village": village("33.19.02.1001").pk,
            "date": "2026-12-05",
            "opens": "08:00",
            "closes": "12:00",
            "capacity": "40",
            "minutes_per_recording": "15",
        },
    )
    event = JemputBolaEvent.objects.get()
    assert event.capacity == 40 and event.announced_to == 1  # Sari, the helper


def test_jemput_bola_halls_are_listed_with_their_day(client, budi, dewi, dewi_user, frozen):
    import datetime as dt

    from paksemmok.appointments.services import create_jemput_bola

    event = create_jemput_bola(
        village=dewi.village,
        date=dt.date(2026, 12, 5),
        opens=dt.time(8),
        closes=dt.time(10),
        capacity=8,
        actor=budi,
    )
    create_jemput_bola(
        village=dewi.village,
        date=dt.date(2026, 12, 12),
        opens=dt.time(8),
        closes=dt.time(10),
        capacity=8,
        actor=budi,
    )
    book_appointment(
        resident=dewi, place=event.place, start=at("2026-12-05", "08:00"), actor=dewi_user
    )
    client.force_login(dewi_user)
    page = client.get(reverse("appointments:places", args=["jemput-bola"])).content.decode()
    assert "Balai Kelurahan Purwosari" in page and "Sabtu, 5 Desember" in page
    client.force_login(budi)
    response = client.get(reverse("appointments:staff_events"))
    assert [e.booked for e in response.context["events"]] == [1, 0]


def test_the_qr_link_opens_the_check_in_page_for_officers(
    client, budi, office, dewi, dewi_user, frozen
):
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-01", "09:00"), actor=dewi_user
    )
    client.force_login(budi)
    page = client.get(reverse("appointments:staff_check_in"), {"kode": booking.code})
    assert "Dewi Lestari" in page.content.decode()
    assert page.context["form"].initial["query"] == booking.code
