"""Issue 15 item 7 in the browser: a resident changes two fields of two members in one KK
application and the operator approves it, the register then showing both; and the taps a
single-choice screen no longer costs (a one-person KK's subject, the only office's list)."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.population.models import FamilyVersion
from tests.cast import (
    account_for,
    at,
    login_cookie,
    make_office,
    not_recorded,
    pdf_bytes,
    photo_bytes,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_changes_in_one_kk_application(
    live_server, browser, phone_context_args, family, agus_user, budi, tmp_path, signing_settings
):
    files = {
        "kk_lama": tmp_path / "kk.jpg",
        "bukti_perubahan": tmp_path / "bukti.pdf",
        "ijazah": tmp_path / "ijazah.jpg",
    }
    files["kk_lama"].write_bytes(photo_bytes(seed=7))
    files["bukti_perubahan"].write_bytes(pdf_bytes(2))
    files["ijazah"].write_bytes(photo_bytes(seed=8))
    versions = FamilyVersion.objects.filter(family=family.kk).count()

    phone = browser.new_context(**phone_context_args)
    phone.add_cookies([login_cookie(agus_user, live_server)])
    page = phone.new_page()
    page.goto(f"{live_server.url}/permohonan/baru/")
    page.get_by_test_id("variant-kk-perubahan-data").click()
    page.get_by_test_id("newborn-note").wait_for()
    page.get_by_role("button", name="Sinta Santoso").click()

    # Row 1: Sinta's education; "Simpan draf" offers row 2: Dimas's occupation. A change of
    # education asks for its own evidence (the ijazah); an occupation asks for none.
    assert page.get_by_test_id("file-ijazah").count() == 0
    page.locator('select[name="changes-0-field"]').select_option("education")
    page.locator('input[name="changes-0-value"]').fill("Tamat SD/sederajat")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan draf").click()
    page.locator('select[name="changes-1-member"]').select_option(family.dimas.nik)
    page.locator('input[name="changes-1-value"]').fill("Pelajar")
    # Which field changes may change the documents asked for: the page saves and reloads.
    with page.expect_navigation():
        page.locator('select[name="changes-1-field"]').select_option("occupation")
    assert page.locator('input[name="changes-1-value"]').input_value() == "Pelajar"
    page.get_by_label("Alasan").fill("Sinta lulus SD; Dimas pelajar")
    # The rows fit a 393-pixel-wide phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 393
    for code, path in files.items():
        page.get_by_test_id(f"file-{code}").set_input_files(str(path))
        page.get_by_test_id(f"uploaded-{code}").wait_for(timeout=15000)
    with page.expect_navigation():
        page.get_by_role("button", name="Lanjut: periksa dan kirim").click()
    items = page.get_by_test_id("change-item")
    assert items.count() == 2
    assert "Sinta Santoso · Pendidikan" in items.nth(0).inner_text()
    assert "Dimas Santoso · Pekerjaan" in items.nth(1).inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim permohonan").click()
    page.get_by_test_id("receipt-reference").wait_for()
    app = Application.objects.get(applicant=agus_user, variant__code="kk-perubahan-data")
    assert app.status == Status.SUBMITTED
    phone.close()

    office = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    office.add_cookies([login_cookie(budi, live_server)])
    desk = office.new_page()
    desk.goto(f"{live_server.url}/staf/antrean/")
    desk.get_by_test_id("take-next").click()
    changes = desk.get_by_test_id("changes").get_by_test_id("change-item")
    # The click returns once the review page starts loading: wait for its rows, not count().
    expect(changes).to_have_count(2)
    assert "Dimas Santoso · Pekerjaan" in changes.nth(1).inner_text()
    # Three files and the changes need a verdict: S on each, then approve and confirm.
    desk.locator(".bo-verdict :focus").wait_for()
    for _ in range(4):
        desk.keyboard.press("s")
    assert desk.evaluate("document.activeElement.dataset.testid") == "approve"
    desk.keyboard.press("Enter")
    effects = desk.get_by_test_id("effects").inner_text()
    assert "Pendidikan (Sinta Santoso)" in effects and "Pekerjaan (Dimas Santoso)" in effects
    desk.locator("[data-testid=confirm]:focus").wait_for()
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    office.close()

    app.refresh_from_db()
    family.sinta.refresh_from_db()
    family.dimas.refresh_from_db()
    assert app.status == Status.COMPLETED
    assert family.sinta.education == "sd" and family.dimas.occupation == "Pelajar"
    assert FamilyVersion.objects.filter(family=family.kk).count() == versions + 1
    latest = FamilyVersion.objects.filter(family=family.kk).order_by("-version").first()
    printed = str(latest.snapshot)
    assert "Pelajar" in printed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_single_choice_screens_cost_no_tap(
    live_server, browser, phone_context_args, eko_user, kudus, capsys
):
    from paksemmok.population.models import Region

    phone = browser.new_context(**phone_context_args)
    phone.add_cookies([login_cookie(eko_user, live_server)])
    page = phone.new_page()
    taps = 0

    # Eko is alone on his KK: the variant leads to his form, not to a list of one person.
    page.goto(f"{live_server.url}/permohonan/baru/")
    with page.expect_navigation():
        page.get_by_test_id("variant-kk-hilang-rusak").click()
        taps += 1
    app = Application.objects.get(applicant=eko_user)
    assert page.url.endswith(f"/{app.reference}/ubah/")
    page.get_by_test_id("reference").wait_for()
    application_taps = taps
    phone.close()

    # Perekaman: the only Disdukcapil office opens with its days (and, when only one day has
    # room, its times), not with a list of one office.
    with time_machine.travel(at("2026-12-01", "07:00"), tick=True):
        make_office(Region.objects.get(code="33.19"), name="Kantor Disdukcapil Kudus")
        dina = account_for(not_recorded(full_name="Dina Lestari"))
        phone = browser.new_context(**phone_context_args)
        phone.add_cookies([login_cookie(dina, live_server)])
        page = phone.new_page()
        page.goto(f"{live_server.url}/perekaman/")
        taps = 0
        with page.expect_navigation():
            page.get_by_role("link", name="Kantor Disdukcapil").click()
            taps += 1
        assert page.get_by_role("heading", name="Kantor Disdukcapil Kudus").is_visible()
        with page.expect_navigation():
            page.locator(".appt-day:not(.full)").first.click()
            taps += 1
        page.locator("#times-title").wait_for()
        booking_taps = taps
        phone.close()

    with capsys.disabled():
        print(
            f"\nresident taps: start page to a one-person KK's form = {application_taps}; "
            f"perekaman start to the only office's times = {booking_taps}"
        )
    assert application_taps == 1
    assert booking_taps == 2
