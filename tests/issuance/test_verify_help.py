"""The public "how to verify a document" page and its code form."""

from __future__ import annotations

import pytest
from django.conf import settings

from paksemmok.issuance import services
from paksemmok.issuance.forms import normalise_code
from paksemmok.population.services import record_family_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk_doc(family):
    return services.issue_kk(record_family_version(family.kk, reason="uji", actor=None), actor=None)


def test_page_explains_qr_and_code_without_login(client):
    response = client.get("/verifikasi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pindai kode QR" in html and "kode verifikasi" in html.lower()
    assert "paksemmok.example.id" in html  # which address the QR must open
    assert 'name="kode"' in html and 'method="get"' in html
    assert 'data-testid="verify-error"' not in html


def test_form_redirects_to_the_document(client, kk_doc):
    response = client.get("/verifikasi/", {"kode": kk_doc.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/verifikasi/{kk_doc.code}"
    page = client.get(response["Location"])
    assert 'data-status="valid"' in page.content.decode()
    # The masking of the existing page holds on this route too.
    assert "Agus Santoso" not in page.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        " {spaced} ",
        "{dashed}",
        "https://paksemmok.example.id/verifikasi/{code}",
    ],
)
def test_spaces_dashes_and_pasted_links_are_forgiven(client, kk_doc, typed):
    code = kk_doc.code
    typed = typed.format(
        code=code,
        spaced=" ".join([code[:4], code[4:8], code[8:12], code[12:]]),
        dashed="-".join([code[:8], code[8:]]),
    )
    response = client.get("/verifikasi/", {"kode": typed})
    assert response["Location"] == f"/verifikasi/{code}"


def test_well_formed_unknown_code_gets_the_red_mark(client):
    response = client.get("/verifikasi/", {"kode": "ABCDEFGHJKMNPQRS"}, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="unknown"' in html and "Dokumen tidak dikenal." in html
    assert 'href="/verifikasi/"' in html  # a way back to try another code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABC234", "terdiri dari 16 huruf dan angka"),
        ("ABCDEFGHJKMNPQRSTUV", "terdiri dari 16 huruf dan angka"),
        ("ABCDEFGHJKMNPQR!", "terdiri dari 16 huruf dan angka"),
        ("ABCDEFGHJKMNPQRO", "tidak memakai huruf O, I, L"),
        ("   ", "Masukkan kode verifikasi"),
    ],
)
def test_malformed_codes_stay_on_the_form_with_an_indonesian_message(client, typed, message):
    response = client.get("/verifikasi/", {"kode": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="verify-error"' in html and message in html
    assert 'aria-invalid="true"' in html


def test_english_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/verifikasi/", {"kode": "X"}).content.decode()
    assert '<html lang="en">' in html
    assert "How to check a document is genuine" in html
    assert "16 letters and digits" in html


def test_normalise_code():
    assert normalise_code(" abcd-efgh jkmn.pqrs ") == "ABCDEFGHJKMNPQRS"
    assert normalise_code("http://x/verifikasi/abc?x=1") == "ABC"
