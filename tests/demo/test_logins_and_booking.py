"""Issue 15 item 8: the demo logins are said once (printed and README from one list), and
the demo has a booking for today at the office so check-in can be tried any day."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from paksemmok.appointments import services as appointments
from paksemmok.appointments.models import Booking, Place
from paksemmok.demo import appointments as demo_appointments
from paksemmok.demo import population as demo_population
from paksemmok.demo.logins import LOGINS, printed_lines, readme_block, readme_with_block
from tests.cast import staff


def test_the_readme_table_is_the_generated_one():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert readme_block() in readme, "run: manage.py setup_demo --readme"
    assert readme_with_block(readme) == readme


def test_printed_logins_match_the_readme_and_have_no_empty_password():
    lines = printed_lines()
    block = readme_block()
    for login in LOGINS:
        assert f"`{login.username}`" in block
        assert any(login.username in line for line in lines)
    assert not any(line.rstrip().endswith("sandi:") for line in lines)
    # The not-yet-recorded resident is the README's (Rina Lestari), by her fixed NIK.
    assert any(
        "Rina Lestari" in line and demo_population.DEMO_UNRECORDED_NIK in line for line in lines
    )


@pytest.mark.django_db
def test_print_logins_command(kudus):
    out = io.StringIO()
    call_command("setup_demo", "--print-logins", stdout=out)
    assert out.getvalue().splitlines()[: len(printed_lines())] == printed_lines()


@pytest.mark.django_db
def test_a_booking_today_at_the_office_that_checks_in(kudus):
    demo_appointments.load_places()
    demo_population.create_named_residents()
    now = timezone.localtime().replace(hour=10, minute=7)
    booking = demo_appointments.ensure_booking_today(now)
    assert booking is not None and booking.place.kind == Place.Kind.DINAS
    assert timezone.localtime(booking.start).date() == now.date()
    assert booking.resident.nik == demo_population.DEMO_UNRECORDED_NIK
    assert demo_appointments.ensure_booking_today(now) == booking  # idempotent
    # Tomorrow's `make run` moves it to tomorrow (one active booking per person).
    tomorrow = demo_appointments.ensure_booking_today(now + dt.timedelta(days=1))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and tomorrow.pk != booking.pk
    officer = staff("perekaman9", "perekaman")
    checked = appointments.check_in(tomorrow, actor=officer, now=now + dt.timedelta(days=1))
    assert checked.status == Booking.Status.CHECKED_IN
