"""On a phone: Agus opens his completed application, follows the survey invitation, forgets
one question, is shown which, answers it and sends; the invitation then disappears."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from paksemmok.survey.models import SurveyResponse
from tests.cast import login_cookie

from .conftest import completed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_answering_the_survey_on_a_phone(
    live_server, browser, phone_context_args, family, agus_user, budi
):
    app = completed(agus_user, budi, family.agus)
    context = browser.new_context(**phone_context_args)
    context.add_cookies([login_cookie(agus_user, live_server)])
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(f"{live_server.url}/permohonan/{app.reference}/")
    invite = page.get_by_test_id("survey-invite")
    expect(invite).to_be_visible()
    invite.get_by_role("link", name="Isi survei kepuasan").click()

    expect(page.get_by_role("heading", name="Survei kepuasan layanan")).to_be_visible()
    groups = page.get_by_role("group")
    expect(groups).to_have_count(9)
    # Every answer is a touch target at least 44 px high.
    first = page.get_by_role("group", name="kewajaran biaya").get_by_text("Gratis")
    box = page.locator("label.survey-choice").first.bounding_box()
    assert box and box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 393

    answers = {
        "persyaratan": "Sesuai",
        "kemudahan prosedur": "Sangat mudah",
        "kecepatan waktu": "Cepat",
        "kesesuaian produk": "Sangat sesuai",
        "kompetensi": "Kompeten",
        "kesopanan": "Sangat sopan dan ramah",
        "penanganan pengaduan": "Berfungsi kurang maksimal",
    }
    first.click()  # biaya: "Gratis" (4)
    for question, label in answers.items():
        page.get_by_role("group", name=question).get_by_label(label, exact=True).check()
    # Sarana dan prasarana left out on purpose.
    page.get_by_label("Saran dan masukan").fill("Antrean daring sangat membantu.")
    page.get_by_role("button", name="Kirim jawaban").click()

    expect(page.get_by_test_id("survey-errors")).to_be_visible()
    facilities = page.get_by_role("group", name="sarana dan prasarana")
    expect(facilities.get_by_text("Pilih salah satu jawaban.")).to_be_visible()
    # What was already chosen is kept.
    expect(page.get_by_role("group", name="kewajaran biaya").get_by_label("Gratis")).to_be_checked()
    facilities.get_by_label("Baik", exact=True).check()
    page.get_by_role("button", name="Kirim jawaban").click()

    expect(page.get_by_test_id("survey-thanks")).to_be_visible()
    row = SurveyResponse.objects.get()
    assert (row.u1, row.u2, row.u3, row.u4, row.u5, row.u6, row.u7, row.u8, row.u9) == (
        3,
        4,
        3,
        4,
        4,
        3,
        4,
        3,
        3,
    )
    assert row.comment == "Antrean daring sangat membantu."

    page.get_by_role("link", name="Kembali ke permohonan").click()
    expect(page.get_by_test_id("status")).to_be_visible()
    expect(page.get_by_test_id("survey-invite")).to_have_count(0)
    assert csp_errors == []
    context.close()
