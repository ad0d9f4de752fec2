"""End to end on a phone-sized Chromium: sign up, read the code from the outbox (as a demo
user does on the admin outbox page), verify, sign in, see the profile."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from paksemmok.accounts.models import User
from paksemmok.population.models import Relationship
from tests.cast import PASSWORD, latest_code
from tests.factories import FamilyFactory, ResidentFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_up_verify_sign_in_on_a_phone(
    live_server, browser, phone_context_args, kudus, settings
):
    # End to end with the production password hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    family = FamilyFactory()
    person = ResidentFactory(
        family=family,
        full_name="DEWI KARTIKA SARI",
        sex="P",
        birth_date=dt.date(1995, 7, 21),
        relationship=Relationship.HEAD,
    )
    context = browser.new_context(**phone_context_args)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/akun/daftar/")
    page.get_by_label("NIK").fill(person.nik)
    page.get_by_label("Nomor Kartu Keluarga (KK)").fill(family.kk_number)
    page.get_by_label("Nama lengkap").fill("dewi  kartika sari")
    page.get_by_label("Tanggal lahir").fill("1995-07-21")
    page.get_by_label("Nomor WhatsApp/HP").fill("0857 1234 5678")
    page.get_by_label("WhatsApp", exact=True).check()
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    # The page fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Tampilkan").first.click()
    assert page.get_by_label("Kata sandi", exact=True).get_attribute("type") == "text"
    page.get_by_role("button", name="Daftar dan kirim kode").click()

    page.wait_for_url("**/akun/verifikasi/")
    assert "+6285****678" in page.content()
    user = User.objects.get(username=person.nik)
    page.get_by_label("Kode 6 angka").fill(latest_code(user))
    page.get_by_role("button", name="Verifikasi").click()

    page.wait_for_url("**/akun/masuk/**")
    assert page.get_by_label("NIK (petugas: nama pengguna)").input_value() == person.nik
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").last.click()

    page.wait_for_url("**/akun/profil/")
    expect(page.get_by_role("heading", name="Profil saya")).to_be_visible()
    assert person.nik in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []
    context.close()
