"""Officers check residents in, add walk-ins, mark recorded and no-shows; schedule changes
flag bookings instead of dropping them; jemput bola days are announced."""

from __future__ import annotations

import datetime as dt

import pytest

from paksemmok.appointments.models import Booking, JemputBolaEvent, OpeningHours, SlotCounter
from paksemmok.appointments.services import (
    AppointmentError,
    add_walk_in,
    book_appointment,
    cancel_jemput_bola,
    check_in,
    create_jemput_bola,
    find_booking,
    flag_bookings_outside_hours,
    mark_no_shows,
    mark_recorded,
)
from paksemmok.audit.models import AuditEntry
from paksemmok.notifications.models import Message
from paksemmok.population.ektp_eligibility import (
    ektp_online_status,
    is_eligible_for_perekaman,
    perekaman_eligibility,
)
from paksemmok.population.models import MaritalStatus, Region, Resident
from tests.cast import account_for, at, not_recorded
from tests.factories import FamilyFactory, village

pytestmark = pytest.mark.django_db

SLOT = at("2026-12-01", "09:00")  # today, Tuesday


@pytest.fixture
def booking(office, dewi, dewi_user, frozen):
    return book_appointment(resident=dewi, place=office, start=SLOT, actor=dewi_user)


def test_find_booking_by_code_or_nik(booking, dewi):
    assert find_booking(booking.code.lower()) == booking
    assert find_booking(f" {dewi.nik[:8]} {dewi.nik[8:]} ") == booking
    assert find_booking("ZZZZZZZZ") is None
    assert find_booking("abc") is None


def test_check_in_on_the_day(booking, budi, office):
    checked = check_in(booking, actor=budi, place=office)
    assert checked.status == Booking.Status.CHECKED_IN and checked.checked_in_at
    assert (
        AuditEntry.objects.filter(action="appointments.booking.checked_in", actor=budi).count() == 1
    )
    with pytest.raises(AppointmentError, match="berstatus Hadir"):
        check_in(booking, actor=budi, place=office)


def test_check_in_refuses_another_day_another_place_and_non_staff(
    office, dewi, dewi_user, budi, frozen, kudus
):
    from tests.cast import make_office

    tomorrow = book_appointment(
        resident=dewi, place=office, start=at("2026-12-02", "09:00"), actor=dewi_user
    )
    with pytest.raises(AppointmentError, match="bukan hari ini"):
        check_in(tomorrow, actor=budi, place=office)
    other = make_office(
        Region.objects.get(code="33.19.01"), name="Kantor Kecamatan Uji", kind="kecamatan"
    )
    frozen.move_to(at("2026-12-02", "08:00"))
    with pytest.raises(AppointmentError, match="bukan tempat ini"):
        check_in(tomorrow, actor=budi, place=other)
    with pytest.raises(AppointmentError, match="Hanya petugas"):
        check_in(tomorrow, actor=dewi_user, place=office)
    tomorrow.refresh_from_db()
    assert tomorrow.status == Booking.Status.BOOKED


def test_recorded_unlocks_the_online_ektp_application(booking, budi, dewi, dewi_user, office):
    assert is_eligible_for_perekaman(dewi)
    assert ektp_online_status(dewi).code == "not_recorded"
    with pytest.raises(AppointmentError, match="Catat kehadiran"):
        mark_recorded(booking, actor=budi)

    check_in(booking, actor=budi, place=office)
    mark_recorded(booking, actor=budi)

    dewi.refresh_from_db()
    assert dewi.ektp_recording == Resident.Recording.RECORDED and dewi.is_recorded
    assert ektp_online_status(dewi).ok
    assert perekaman_eligibility(dewi).code == "recorded"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.RECORDED and booking.recorded_at
    assert AuditEntry.objects.filter(
        action="register.resident.ektp_recorded", object_id=str(dewi.pk)
    ).exists()
    message = Message.objects.get(template="generic", user=dewi_user)
    assert "cetak e-KTP secara daring" in message.body
    # The slot's place is not given back: it was used.
    assert SlotCounter.objects.get(place=office, start=SLOT).booked == 1


def test_walk_in_takes_the_current_slot_with_room(office, budi, frozen, kudus):
    frozen.move_to(at("2026-12-01", "09:05"))
    walker = not_recorded()
    booking = add_walk_in(resident=walker, place=office, actor=budi)
    assert booking.is_walk_in and booking.status == Booking.Status.CHECKED_IN
    assert booking.start == at("2026-12-01", "09:00")  # the slot running now
    assert AuditEntry.objects.filter(action="appointments.booking.walk_in").exists()
    # The 09.00 slot (2 stations) takes one more, then walk-ins spill to 09.15.
    assert add_walk_in(resident=not_recorded(), place=office, actor=budi).start == booking.start
    assert add_walk_in(resident=not_recorded(), place=office, actor=budi).start == at(
        "2026-12-01", "09:15"
    )


def test_walk_in_refused_when_today_is_full(office, budi, frozen, kudus):
    frozen.move_to(at("2026-12-01", "14:50"))  # only the 14.45 slot is still running
    add_walk_in(resident=not_recorded(), place=office, actor=budi)
    add_walk_in(resident=not_recorded(), place=office, actor=budi)
    with pytest.raises(AppointmentError, match="sudah penuh"):
        add_walk_in(resident=not_recorded(), place=office, actor=budi)
    assert Booking.objects.count() == 2


def test_walk_in_with_an_existing_booking_points_to_it(booking, budi, office, dewi):
    with pytest.raises(AppointmentError, match=booking.code):
        add_walk_in(resident=dewi, place=office, actor=budi)


def test_no_shows_are_marked_after_the_day_only(booking, budi, frozen, office):
    assert mark_no_shows() == 0  # today is not over
    frozen.move_to(at("2026-12-02", "00:30"))
    assert mark_no_shows() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    assert mark_no_shows() == 0


def test_changing_hours_flags_bookings_and_tells_residents(office, dewi, dewi_user, frozen):
    afternoon = at("2026-12-02", "14:00")
    booking = book_appointment(resident=dewi, place=office, start=afternoon, actor=dewi_user)
    OpeningHours.objects.filter(place=office, weekday=2).update(closes=dt.time(12))

    assert flag_bookings_outside_hours(office) == 1

    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED  # kept, not dropped
    assert booking.needs_reschedule
    message = Message.objects.get(template="generic", user=dewi_user)
    assert "Jadwal layanan" in message.body and booking.code in message.body
    assert flag_bookings_outside_hours(office) == 0  # told once
    # Choosing a new time clears the flag.
    from paksemmok.appointments.services import reschedule_appointment

    reschedule_appointment(booking, place=office, start=at("2026-12-02", "09:00"), actor=dewi_user)
    booking.refresh_from_db()
    assert not booking.needs_reschedule


def test_a_flagged_booking_that_is_never_rescheduled_is_cancelled_not_no_show(
    office, dewi, dewi_user, frozen
):
    booking = book_appointment(
        resident=dewi, place=office, start=at("2026-12-02", "14:00"), actor=dewi_user
    )
    OpeningHours.objects.filter(place=office, weekday=2).delete()
    flag_bookings_outside_hours(office)
    frozen.move_to(at("2026-12-03", "01:00"))
    assert mark_no_shows() == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_jemput_bola_is_announced_to_eligible_residents_and_helpers(budi, sari, frozen, kudus):
    purwosari = village("33.19.02.1001")
    told = [
        account_for(not_recorded()),
        account_for(
            not_recorded(birth_date=dt.date(2011, 1, 1), marital_status=MaritalStatus.MARRIED)
        ),
    ]
    not_told = [
        account_for(not_recorded(ektp_recording=Resident.Recording.RECORDED)),
        account_for(not_recorded(birth_date=dt.date(2011, 1, 1))),  # 15, single
        account_for(not_recorded(family=FamilyFactory(village=village("33.19.01.2001")))),
    ]
    not_recorded()  # no account: the helper reaches them

    event = create_jemput_bola(
        village=purwosari,
        date=dt.date(2026, 12, 5),
        opens=dt.time(8),
        closes=dt.time(12),
        capacity=50,
        actor=budi,
    )

    recipients = set(
        Message.objects.filter(template="jemput_bola_announcement").values_list("user", flat=True)
    )
    assert recipients == {u.pk for u in told} | {sari.pk}
    assert not recipients & {u.pk for u in not_told}
    assert event.announced_to == 3
    assert event.place.name == "Balai Kelurahan Purwosari"
    body = Message.objects.filter(template="jemput_bola_announcement").first().body
    assert "Balai Kelurahan Purwosari" in body and "08.00-12.00" in body
    assert AuditEntry.objects.filter(action="appointments.jemput_bola.created").exists()


def test_jemput_bola_checks_role_date_and_holidays(budi, dewi_user, frozen, kudus):
    purwosari = village("33.19.02.1001")
    args = {"village": purwosari, "opens": dt.time(8), "closes": dt.time(12), "capacity": 10}
    with pytest.raises(AppointmentError, match="Hanya admin"):
        create_jemput_bola(date=dt.date(2026, 12, 5), actor=dewi_user, **args)
    with pytest.raises(AppointmentError, match="setelah hari ini"):
        create_jemput_bola(date=dt.date(2026, 12, 1), actor=budi, **args)
    with pytest.raises(AppointmentError, match="hari libur"):
        create_jemput_bola(date=dt.date(2026, 12, 25), actor=budi, **args)
    with pytest.raises(AppointmentError, match="balai desa"):
        create_jemput_bola(
            date=dt.date(2026, 12, 5), actor=budi, **{**args, "village": purwosari.parent}
        )
    assert not JemputBolaEvent.objects.exists()


def test_booking_a_jemput_bola_slot_and_cancelling_the_day(budi, dewi, dewi_user, frozen):
    event = create_jemput_bola(
        village=dewi.village,
        date=dt.date(2026, 12, 5),
        opens=dt.time(8),
        closes=dt.time(9),
        capacity=5,
        actor=budi,
    )
    booking = book_appointment(
        resident=dewi, place=event.place, start=at("2026-12-05", "08:00"), actor=dewi_user
    )
    assert SlotCounter.objects.get(place=event.place).booked == 1

    assert cancel_jemput_bola(event, actor=budi, reason="Hujan deras") == 1

    booking.refresh_from_db()
    assert booking.needs_reschedule and booking.status == Booking.Status.BOOKED
    assert Message.objects.filter(template="generic", user=dewi_user).exists()


def test_check_in_look_ups_are_audited_and_take_no_nik_from_the_url(client, booking, budi, dewi):
    client.force_login(budi)
    # From the QR: the opaque booking code.
    page = client.get("/perekaman/staf/hadir/", {"kode": booking.code})
    assert dewi.full_name in page.content.decode()
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.object_id == str(dewi.pk) and entry.purpose == f"Perekaman {booking.code}"
    # A NIK in the URL finds nothing (and so is not worth putting there).
    page = client.get("/perekaman/staf/hadir/", {"kode": dewi.nik})
    assert dewi.full_name not in page.content.decode()
    # By POST, a NIK works, and the look-up is audited too.
    client.post("/perekaman/staf/hadir/", {"query": dewi.nik})
    assert AuditEntry.objects.filter(action="personal_data.read").count() == 2
