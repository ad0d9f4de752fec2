"""The public places page: offices with their week and closed days, and jemput bola days.

The clock is Tuesday 1 December 2026, 07.00 WIB (conftest): Friday 25 December is Christmas.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paksemmok.appointments.models import Closure, JemputBolaEvent, Place, SlotCounter
from paksemmok.population.models import Region
from tests.cast import at, make_office

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
URL = "/perekaman/tempat/"


def villages(n: int) -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code")[:n])


def hall(village: Region, *, active: bool = True) -> Place:
    return Place.objects.create(
        kind=Place.Kind.BALAI_DESA,
        name=f"Balai Desa {village.name}",
        region=village,
        is_active=active,
    )


def event(
    place: Place, day: str, *, capacity: int = 20, opens: str = "08:00", closes: str = "12:00"
) -> JemputBolaEvent:
    return JemputBolaEvent.objects.create(
        place=place,
        date=dt.date.fromisoformat(day),
        opens=dt.time.fromisoformat(opens),
        closes=dt.time.fromisoformat(closes),
        capacity=capacity,
    )


@pytest.fixture
def halls(kudus):
    return [hall(v) for v in villages(3)]


def test_anonymous_visitor_sees_office_hours_breaks_and_closures(client, office):
    Closure.objects.create(place=office, date=dt.date(2026, 12, 8), reason="Pemeliharaan server")
    Closure.objects.create(place=office, date=dt.date(2027, 1, 20), reason="Terlalu jauh")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kantor Disdukcapil Uji" in html
    assert "08.00–15.00" in html and "12.00–13.00" in html  # Monday to Thursday, with break
    assert "08.00–11.00" in html  # Friday, no break
    assert html.count(">Tutup</td>") == 2  # Saturday and Sunday
    assert "Selasa, 8 Desember 2026: Pemeliharaan server" in html
    assert "Terlalu jauh" not in html  # beyond the 30 days shown
    # Christmas falls on a Friday the office would otherwise open.
    assert "Jumat, 25 Desember 2026" in html and "Kelahiran Yesus Kristus" in html
    # Booking needs an account; the page says so and links to it.
    assert 'href="/perekaman/"' in html and "tidak bisa dilakukan secara daring" in html


def test_inactive_places_are_hidden(client, office, kudus):
    kecamatan = Region.objects.get(code="33.19.01")
    closed = make_office(kecamatan, name="Kantor Kecamatan Nonaktif", kind=Place.Kind.KECAMATAN)
    closed.is_active = False
    closed.save()
    gone = hall(villages(1)[0], active=False)
    event(gone, "2026-12-10")
    html = client.get(URL).content.decode()
    assert "Kantor Disdukcapil Uji" in html
    assert "Kantor Kecamatan Nonaktif" not in html
    assert gone.name not in html


def test_future_jemput_bola_shows_with_remaining_quota_and_past_one_does_not(client, halls):
    event(halls[0], "2026-12-10", capacity=20)
    SlotCounter.objects.create(place=halls[0], start=at("2026-12-10", "08:00"), booked=1)
    event(halls[1], "2026-11-20")
    event(halls[2], "2027-03-01")  # beyond the 60 days shown
    response = client.get(URL)
    html = response.content.decode()
    events = response.context["events"]
    assert [e.event.place for e in events] == [halls[0]]
    assert events[0].remaining == 19
    assert "Kamis, 10 Desember 2026" in html and "08.00–12.00" in html
    assert halls[0].name in html and "Sisa 19 tempat" in html
    assert halls[1].name not in html and halls[2].name not in html


def test_full_jemput_bola_day_says_penuh(client, halls):
    full = event(halls[0], "2026-12-11", capacity=2, opens="08:00", closes="08:30")
    for hhmm in ("08:00", "08:15"):
        SlotCounter.objects.create(place=full.place, start=at("2026-12-11", hhmm), booked=1)
    html = client.get(URL).content.decode()
    assert halls[0].name in html
    assert '<span class="badge danger">Penuh</span>' in html


def test_event_beyond_the_booking_window_says_when_booking_opens(client, halls):
    day = dt.date(2026, 12, 1) + dt.timedelta(days=settings.APPOINTMENTS_BOOKING_DAYS + 5)
    event(halls[0], day.isoformat())
    events = client.get(URL).context["events"]
    assert events[0].booking_opens == day - dt.timedelta(
        days=settings.APPOINTMENTS_BOOKING_DAYS - 1
    )


def test_english_page(client, office, halls):
    event(halls[0], "2026-12-10")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert '<html lang="en">' in html
    assert "Places and hours for e-KTP perekaman" in html
    assert "Jemput bola schedule" in html
    assert "cannot be done online" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_places_and_events(
    client, office, halls, django_assert_max_num_queries
):
    event(halls[0], "2026-12-10")
    Closure.objects.create(place=office, date=dt.date(2026, 12, 8))
    few = _queries(client)
    # Nine more offices with closures, and many more halls with events.
    for kecamatan in Region.objects.filter(level=Region.Level.KECAMATAN)[:9]:
        place = make_office(
            kecamatan, name=f"Kantor Kecamatan {kecamatan.name}", kind=Place.Kind.KECAMATAN
        )
        Closure.objects.create(place=place, date=dt.date(2026, 12, 9), reason="Rapat")
    for i, village in enumerate(villages(20)[3:]):
        event(hall(village), (dt.date(2026, 12, 2) + dt.timedelta(days=i)).isoformat())
    assert _queries(client) == few
    with django_assert_max_num_queries(10):
        client.get(URL)
