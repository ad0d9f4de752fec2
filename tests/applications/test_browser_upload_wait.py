"""In a real browser: "Lanjut" tapped while a picked file is still on its way waits for it
and then goes on by itself; an upload that fails keeps the resident on the page with the
reason, instead of leaving it and losing the file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from paksemmok.applications import services
from tests.cast import birth_answers, fill_required, login_cookie, photo_bytes, variant

WAIT = "Menunggu unggahan selesai, lalu lanjut sendiri…"


@pytest.fixture
def draft(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    return app


def _replace_kk_held(browser, live_server, user, draft, path, seed: int, locale: str = "id-ID"):
    """The resident's form with a new KK photo picked, its upload request held back until
    the test lets it go (a slow line, made exact). Returns the context, page and held list."""
    context = browser.new_context(locale=locale)
    context.add_cookies([login_cookie(user, live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/permohonan/{draft.reference}/ubah/")
    held: list = []

    def hold(route) -> None:
        held.append(route)

    page.route("**/unggah/**", hold)
    path.write_bytes(photo_bytes(seed=seed))
    page.get_by_test_id("file-kk").set_input_files(str(path))
    return context, page, held


def _wait_until(page, ready) -> None:
    for _ in range(100):
        if ready():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the upload never started")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lanjut_waits_for_the_upload_in_flight(live_server, browser, agus_user, draft, tmp_path):
    context, page, held = _replace_kk_held(
        browser, live_server, agus_user, draft, tmp_path / "kk-baru.jpg", seed=77
    )
    page.get_by_role("button", name="Lanjut: periksa dan kirim").click()
    # Still here, saying why, with the button held until the file is in.
    expect(page.get_by_test_id("submit-status")).to_have_text(WAIT)
    assert page.url.endswith("/ubah/")
    expect(page.get_by_role("button", name="Lanjut: periksa dan kirim")).to_be_disabled()
    _wait_until(page, lambda: held)
    held[0].continue_()
    page.wait_for_url("**/periksa/")
    kk = draft.current_documents().get(requirement__code="kk")
    assert kk.original_name == "kk-baru.jpg"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_failed_upload_keeps_the_resident_on_the_page(
    live_server, browser, agus_user, draft, tmp_path
):
    context, page, held = _replace_kk_held(
        browser, live_server, agus_user, draft, tmp_path / "kk-baru.jpg", seed=78
    )
    lanjut = page.get_by_role("button", name="Lanjut: periksa dan kirim")
    lanjut.click()
    _wait_until(page, lambda: held)
    held[0].abort()  # the line drops
    expect(page.get_by_test_id("submit-status")).to_contain_text("belum terkirim")
    assert page.url.endswith("/ubah/")
    assert draft.current_documents().get(requirement__code="kk").original_name != "kk-baru.jpg"
    # "Coba lagi" sends the same prepared file; then "Lanjut" goes on.
    page.unroute("**/unggah/**")
    page.locator("#slot-kk").get_by_role("button", name="Coba lagi").click()
    expect(page.locator("#slot-kk")).to_contain_text("kk-baru.jpg")
    expect(lanjut).to_be_enabled()
    lanjut.click()
    page.wait_for_url("**/periksa/")
    assert draft.current_documents().get(requirement__code="kk").original_name == "kk-baru.jpg"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_messages_follow_the_page_language(live_server, browser, agus_user, draft, tmp_path):
    """The script's words come from the page, so an English page says them in English."""
    context, page, held = _replace_kk_held(
        browser, live_server, agus_user, draft, tmp_path / "kk-baru.jpg", seed=79, locale="en-US"
    )
    # "Uploading…", or its progress once the browser reports some.
    expect(page.locator("#slot-kk .app-progress-text")).to_have_text(
        re.compile(r"^(Uploading…|\d+% of \d+ KB)$")
    )
    page.get_by_role("button", name="Next: review and submit").click()
    expect(page.get_by_test_id("submit-status")).to_have_text(
        "Waiting for the uploads to finish, then going on by itself…"
    )
    _wait_until(page, lambda: held)
    held[0].abort()
    expect(page.locator("#slot-kk .app-progress-text")).to_have_text(
        "Upload failed (signal lost?)."
    )
    expect(page.get_by_test_id("submit-status")).to_contain_text("A file has not been sent.")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_file_picked_before_the_script_ran_is_still_sent(
    live_server, browser, agus_user, draft, tmp_path
):
    """On a slow line the resident can pick a photo before the page's script has arrived:
    its change event then came when nothing listened (and the form's own button is hidden
    once the script runs). The script sends such a file when it starts."""
    before = draft.current_documents().get(requirement__code="kk").pk
    context = browser.new_context()
    context.add_cookies([login_cookie(agus_user, live_server)])
    page = context.new_page()
    held: list = []
    page.route("**/js/applications.js*", lambda route: held.append(route))
    page.goto(f"{live_server.url}/permohonan/{draft.reference}/ubah/", wait_until="commit")
    path = tmp_path / "kk-dini.jpg"
    path.write_bytes(photo_bytes(seed=79))
    page.get_by_test_id("file-kk").set_input_files(str(path))
    _wait_until(page, lambda: bool(held))
    held[0].continue_()

    def replaced() -> bool:
        return draft.current_documents().get(requirement__code="kk").pk != before

    for _ in range(300):
        if replaced():
            break
        page.wait_for_timeout(50)
    assert replaced(), "the photo picked early was never sent"
    expect(page.get_by_test_id("uploaded-kk")).to_be_visible()
    context.close()
