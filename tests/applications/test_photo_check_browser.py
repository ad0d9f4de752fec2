"""In a real browser: a blurred photo is caught before it is sent ("Foto buram. Ulangi atau
tetap kirim?"); the resident may retake it or send it anyway, and then the server flags it."""

from __future__ import annotations

import pytest
from PIL import ImageFilter

from paksemmok.applications import services
from paksemmok.applications.models import ApplicationDocument
from tests.cast import login_cookie, variant

from . import hostile_files as hostile


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_blurred_photo_asks_before_sending(
    live_server, browser, phone_context_args, family, agus_user, tmp_path
):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    blurred = tmp_path / "kk.jpg"
    blurred.write_bytes(
        hostile.jpeg(hostile.document_image(1200, 900).filter(ImageFilter.GaussianBlur(5)))
    )
    sharp = tmp_path / "f201.jpg"
    sharp.write_bytes(hostile.jpeg(hostile.document_image(1200, 900, seed=3)))
    context = browser.new_context(**phone_context_args)
    context.add_cookies([login_cookie(agus_user, live_server)])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/permohonan/{app.reference}/ubah/")

    # A sharp photo goes straight through.
    page.get_by_test_id("file-f201").set_input_files(str(sharp))
    page.get_by_test_id("uploaded-f201").wait_for(timeout=15000)

    page.get_by_test_id("file-kk").set_input_files(str(blurred))
    prompt = page.get_by_test_id("photo-check")
    prompt.wait_for(timeout=10000)
    assert "Foto buram. Ulangi atau tetap kirim?" in prompt.inner_text()
    assert not ApplicationDocument.objects.filter(requirement__code="kk").exists()
    prompt.get_by_role("button", name="Tetap kirim").click()
    page.get_by_test_id("uploaded-kk").wait_for(timeout=15000)
    doc = ApplicationDocument.objects.get(application=app, requirement__code="kk")
    assert doc.quality_flags == ["blurry"]
    assert errors == []
    context.close()
