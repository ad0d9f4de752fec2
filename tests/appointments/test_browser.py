"""End to end on a phone: Dewi books perekaman; Budi, the officer, checks her in."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from playwright.sync_api import expect

from paksemmok.appointments.models import Booking
from tests.cast import account_for, at, make_office, not_recorded


def login_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_resident_books_on_a_phone_and_officer_checks_in(
    live_server, browser, phone_context_args, kudus
):
    from paksemmok.accounts.models import User
    from paksemmok.population.models import Region

    # Tuesday 1 December 2026, 07.00 WIB, with the clock running for the live server.
    with time_machine.travel(at("2026-12-01", "07:00"), tick=True):
        office = make_office(Region.objects.get(code="33.19"), name="Kantor Disdukcapil Kudus")
        dewi = not_recorded(full_name="Dewi Lestari")
        dewi_user = account_for(dewi)
        budi = User.objects.create_user(
            username="budi", password="x-Pass-12345", role=User.Role.PEREKAMAN
        )
        csp_errors: list[str] = []

        phone = browser.new_context(**phone_context_args)
        phone.add_cookies([login_cookie(dewi_user, live_server)])
        page = phone.new_page()
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_server.url}/perekaman/")
        with page.expect_navigation():
            page.get_by_role("link", name="Kantor Disdukcapil").click()
        # The only office of its kind opens with its days (issue 15: no list of one place).
        page.get_by_role("heading", name="Kantor Disdukcapil Kudus").wait_for()
        page.locator("a.appt-day").first.click()  # today
        page.locator("label.appt-time:not(.full)").first.click()
        # Nothing may stick out sideways on a 393-pixel-wide phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 393, page.evaluate(
            "Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > 393)"
            ".map(e => e.tagName + '.' + e.className)"
        )
        page.get_by_role("button", name="Buat janji").click()

        code = page.get_by_test_id("booking-code").inner_text().strip()
        assert page.get_by_test_id("booking-status").inner_text() == "Terjadwal"
        # The QR is a separate image request: wait until it has loaded before measuring it.
        page.wait_for_function(
            "() => { const img = document.querySelector('img.appt-qr');"
            " return img && img.complete && img.naturalWidth > 0; }"
        )
        booking = Booking.objects.get(code=code)
        assert booking.resident == dewi and booking.place == office
        # The clock runs from 07.00 and slots need 60 minutes' lead, so the 08.00 slot has
        # just closed and the first one offered (and taken) is 08.15.
        assert booking.start == at("2026-12-01", "08:15")

        officer = browser.new_context(**phone_context_args)
        officer.add_cookies([login_cookie(budi, live_server)])
        staff = officer.new_page()
        staff.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        staff.goto(f"{live_server.url}/perekaman/staf/?tempat={office.pk}&tanggal=2026-12-01")
        staff.get_by_label("Kode booking atau NIK").fill(code.lower())
        staff.get_by_role("button", name="Catat hadir").click()
        expect(staff.get_by_text("Dewi Lestari hadir")).to_be_visible()
        staff.get_by_role("button", name="Selesai direkam").click()
        expect(staff.get_by_text("Perekaman Dewi Lestari tercatat")).to_be_visible()

        booking.refresh_from_db()
        dewi.refresh_from_db()
        assert booking.status == Booking.Status.RECORDED
        assert dewi.is_recorded
        assert csp_errors == []
        phone.close()
        officer.close()
