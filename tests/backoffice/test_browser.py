"""End to end: an operator returns an application with two deficiencies, the resident
replaces the two files, the operator approves, and the resident downloads the signed
birth certificate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from paksemmok.applications.lifecycle import Status
from paksemmok.issuance.models import IssuedDocument
from tests.cast import birth_answers, login_cookie, photo_bytes, submitted


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_return_fix_approve_download(live_server, browser, family, agus_user, budi, tmp_path):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    csp_errors: list[str] = []

    def new_page(user):
        context = browser.new_context(locale="id-ID", accept_downloads=True)
        context.add_cookies([login_cookie(user, live_server)])
        page = context.new_page()
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return context, page

    # The operator takes it and marks two documents deficient.
    op_context, op = new_page(budi)
    op.goto(f"{live_server.url}/staf/antrean/")
    op.get_by_test_id("take-next").click()
    op.get_by_test_id("approve").wait_for()
    # Photos can be rotated and zoomed in the page (static JS, no inline script).
    kk_box = op.get_by_test_id("doc-kk")
    kk_box.get_by_role("button", name="Putar").click()
    assert "bo-rot-90" in kk_box.locator("img.bo-zoomable").get_attribute("class")
    assert (
        kk_box.locator("img.bo-zoomable").evaluate(
            # An image loads after the page: wait for it rather than reading 0.
            "img => (img.complete && img.naturalWidth) ? img.naturalWidth : new Promise("
            "r => img.addEventListener('load', () => r(img.naturalWidth), {once: true}))"
        )
        > 0
    )
    for code, note in (("kk", "KK terpotong"), ("f201", "Formulir belum ditandatangani")):
        box = op.get_by_test_id(f"doc-{code}")
        box.get_by_label("Kurang").check()
        box.locator(f'select[name="reason-doc:{code}"]').select_option("unreadable")
        box.locator(f'input[name="note-doc:{code}"]').fill(note)
    op.get_by_test_id("return").click()
    op.get_by_test_id("confirm").click()  # the summary first, then the decision
    op.wait_for_url(f"{live_server.url}/staf/antrean/")
    app.refresh_from_db()
    assert app.status == Status.RETURNED
    assert sorted(d["item"] for d in app.deficiencies) == ["doc:f201", "doc:kk"]

    # The resident replaces exactly those two files and sends it again.
    res_context, res = new_page(agus_user)
    res.goto(f"{live_server.url}/permohonan/{app.reference}/ubah/")
    for i, code in enumerate(("kk", "f201")):
        path = tmp_path / f"{code}.jpg"
        path.write_bytes(photo_bytes(seed=40 + i))
        res.get_by_test_id(f"file-{code}").set_input_files(str(path))
        # The slot said "Terunggah" already (the first file): wait for the new one's name.
        expect(res.locator(f"#slot-{code}")).to_contain_text(f"{code}.jpg", timeout=15000)
    res.get_by_role("button", name="Lanjut: periksa dan kirim").click()
    # Wait for the page the sending leads to: wait_for_load_state() alone could return at once,
    # on the page that is still shown, before the POST has been answered.
    with res.expect_navigation():
        res.get_by_role("button", name="Kirim ulang permohonan").click()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.round == 2

    # The operator approves.
    op.goto(f"{live_server.url}/staf/antrean/{app.reference}/")
    op.get_by_test_id("claim-button").click()
    # The re-review shows what was asked beside the replaced files.
    assert "KK terpotong" in op.get_by_test_id("rereview").inner_text()
    op.get_by_test_id("compare-kk").wait_for()
    for code in ("surat_kelahiran", "buku_nikah", "kk", "f201"):
        op.get_by_test_id(f"doc-{code}").get_by_label("Sesuai").check()
    op.get_by_test_id("approve").click()
    op.get_by_test_id("confirm").click()
    op.wait_for_url(f"{live_server.url}/staf/antrean/")
    app.refresh_from_db()
    assert app.status == Status.COMPLETED

    # The resident downloads the signed birth certificate.
    certificate = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    res.goto(f"{live_server.url}/dokumen/")
    row = res.get_by_test_id("issued-doc").filter(has_text=certificate.number)
    with res.expect_download() as info:
        row.get_by_role("link", name="Unduh PDF").click()
    saved = tmp_path / "akta.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert b"/ByteRange" in saved.read_bytes()  # the PAdES signature is in the file
    assert csp_errors == []
    op_context.close()
    res_context.close()
