"""End to end on a phone: Agus applies for his newborn daughter's birth certificate, taking
real files through the upload slots (shrunk in the browser, progress bar, XHR), and sees the
receipt with its QR code."""

from __future__ import annotations

import pytest

from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from tests.cast import birth_answers, login_cookie, pdf_bytes, photo_bytes


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_birth_certificate_on_a_phone(
    live_server, browser, phone_context_args, family, agus_user, tmp_path
):
    # A big phone photo (shrunk by the page before upload) and a PDF.
    big = tmp_path / "surat-lahir.jpg"
    big.write_bytes(photo_bytes(3000, 4000, seed=4))
    files = {
        "surat_kelahiran": big,
        "buku_nikah": tmp_path / "nikah.pdf",
        "kk": tmp_path / "kk.jpg",
        "f201": tmp_path / "f201.jpg",
    }
    files["buku_nikah"].write_bytes(pdf_bytes(2))
    files["kk"].write_bytes(photo_bytes(seed=5))
    files["f201"].write_bytes(photo_bytes(seed=6))

    context = browser.new_context(**phone_context_args)
    context.add_cookies([login_cookie(agus_user, live_server)])
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    sent: dict[str, int] = {}
    page.on(
        "request",
        lambda r: (
            sent.__setitem__(r.url.rstrip("/").rsplit("/", 1)[-1], len(r.post_data_buffer or b""))
            if "/unggah/" in r.url
            else None
        ),
    )

    page.goto(f"{live_server.url}/permohonan/baru/")
    # One possible subject (the newborn): no screen with a single button (issue 15).
    page.get_by_role("button", name="Pencatatan kelahiran").click()

    answers = birth_answers()
    page.get_by_label("Nama anak").fill(answers["child_name"])
    page.get_by_label("Jenis kelamin anak").select_option("P")
    page.get_by_label("Tanggal lahir anak").fill(answers["child_birth_date"].isoformat())
    page.get_by_label("Tempat lahir anak").fill("Kudus")
    for code, path in files.items():
        page.get_by_test_id(f"file-{code}").set_input_files(str(path))
        page.get_by_test_id(f"uploaded-{code}").wait_for(timeout=15000)
    # Nothing may stick out sideways on a 393-pixel-wide phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 393

    page.get_by_role("button", name="Lanjut: periksa dan kirim").click()
    page.get_by_role("button", name="Kirim permohonan").click()

    reference = page.get_by_test_id("receipt-reference").inner_text().strip()
    assert (
        page.locator("img.app-qr").evaluate(
            # An image loads after the page: wait for it rather than reading 0.
            "img => (img.complete && img.naturalWidth) ? img.naturalWidth : new Promise("
            "r => img.addEventListener('load', () => r(img.naturalWidth), {once: true}))"
        )
        > 0
    )
    # "Cetak" is shown once the script can print, and prints (the dialog itself is stubbed;
    # a function, as Playwright would call a bare assignment's value).
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.printed") == 1
    app = Application.objects.get(reference=reference)
    assert app.status == Status.SUBMITTED
    assert app.data["child_name"] == "Putri Santoso"
    # The 3000x4000 photo was shrunk in the browser before it used any mobile data...
    assert sent["surat_kelahiran"] < big.stat().st_size / 2
    # ...and stored within the long-side limit after the server's re-encoding.
    letter = app.current_documents().get(requirement__code="surat_kelahiran")
    assert max(letter.width, letter.height) <= 2000
    assert app.current_documents().get(requirement__code="buku_nikah").pages == 2
    assert csp_errors == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_failed_upload_is_retried_without_losing_the_form(
    live_server, browser, phone_context_args, family, agus_user, tmp_path
):
    kk = tmp_path / "kk.jpg"
    kk.write_bytes(photo_bytes(seed=7))
    context = browser.new_context(**phone_context_args)
    context.add_cookies([login_cookie(agus_user, live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/permohonan/baru/akta-kelahiran/")
    page.get_by_role("button", name="Anak yang baru lahir").click()
    page.get_by_label("Nama anak").fill("Putri Santoso")

    # The signal drops during the first attempt.
    attempts: list[str] = []

    def flaky(route):
        attempts.append(route.request.url)
        if len(attempts) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/unggah/kk/", flaky)
    page.get_by_test_id("file-kk").set_input_files(str(kk))
    page.get_by_text("Gagal mengunggah").wait_for()
    page.get_by_role("button", name="Coba lagi").click()
    page.get_by_test_id("uploaded-kk").wait_for(timeout=15000)

    assert len(attempts) == 2
    assert page.get_by_label("Nama anak").input_value() == "Putri Santoso"
    app = Application.objects.get()
    assert app.current_documents().get(requirement__code="kk")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_child_already_registered_is_refused_at_sending(
    live_server, browser, phone_context_args, family, agus_user
):
    """The resident sends a birth whose child was registered meanwhile (the other parent,
    at the office: "Putri Santoso" against the form's "Putrie  Santoso"): told at once on the
    page, with the existing record named and a link to the KK's members; nothing reaches the
    queue. (Had it been registered before, the check page would say so before sending.)"""
    from paksemmok.applications import services
    from paksemmok.catalog.models import Variant
    from tests.cast import fill_required
    from tests.factories import ResidentFactory

    answers = birth_answers()
    app = services.create_draft(
        applicant=agus_user, variant=Variant.objects.get(code="akta-kelahiran")
    )
    fill_required(app, agus_user, {**answers, "child_name": "Putrie  Santoso"})

    context = browser.new_context(**phone_context_args)
    context.add_cookies([login_cookie(agus_user, live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/permohonan/{app.reference}/periksa/")
    existing = ResidentFactory(
        family=family.kk,
        full_name="Putri Santoso",
        sex="P",
        birth_date=answers["child_birth_date"],
        mother_name="Rina Wati",
    )
    page.get_by_role("button", name="Kirim permohonan").click()
    refusal = page.get_by_text("Anak ini sudah terdaftar")
    refusal.wait_for(timeout=10000)
    assert existing.masked_nik in refusal.inner_text()
    page.get_by_role("link", name="Lihat anggota KK Anda").first.click()
    page.wait_for_url("**/profil/**")
    assert "Putri Santoso" in page.content()
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    context.close()
