"""Issued documents: listed and downloaded by whom issuance.access allows, 404 for others."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from paksemmok.issuance.models import IssuedDocument
from paksemmok.issuance.services import download_name
from tests.cast import approve, birth_answers, pdf_bytes, submitted

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def issued(resident, number):
    doc = IssuedDocument.objects.create(
        kind=IssuedDocument.Kind.BIRTH,
        number=number,
        subject=resident,
        holder_name=resident.full_name,
        holder_number=resident.nik,
        signer_name="Drs. Contoh Pejabat, M.Si.",
        signer_nip="197001011990031001",
    )
    doc.pdf.save("dokumen.pdf", ContentFile(pdf_bytes()), save=True)
    return doc


def test_own_document_listed_and_downloaded(a_client, agus, eko):
    mine = issued(agus.resident, "3319-LT-0001")
    issued(eko.resident, "3319-LT-0002")
    listed = a_client.get("/api/v1/documents/").json()
    assert [d["code"] for d in listed] == [mine.code]
    response = a_client.get(f"/api/v1/documents/{mine.code}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_someone_elses_document_is_404(a_client, b_client, eko):
    theirs = issued(eko.resident, "3319-LT-0003")
    assert_error(a_client.get(f"/api/v1/documents/{theirs.code}/file/"), 404, "not_found")
    assert a_client.get("/api/v1/documents/").json() == []
    assert b_client.get(f"/api/v1/documents/{theirs.code}/file/").status_code == 200


def test_anonymous_gets_401(api, eko):
    theirs = issued(eko.resident, "3319-LT-0004")
    assert_error(api.get(f"/api/v1/documents/{theirs.code}/file/"), 401, "not_authenticated")
    assert_error(api.get("/api/v1/documents/"), 401, "not_authenticated")


def test_the_api_download_renders_a_missing_pdf_and_names_each_kk_version(
    signing_settings, a_client, family, agus, budi
):
    app = submitted(agus, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    kk = IssuedDocument.objects.filter(kind="kk", family_version__family=family.kk).latest("id")
    IssuedDocument.objects.filter(pk=kk.pk).update(pdf="")
    response = a_client.get(f"/api/v1/documents/{kk.code}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert download_name(kk) in response["Content-Disposition"]
    assert "-versi-" in download_name(kk)


def test_the_api_download_says_try_again_when_the_pdf_cannot_be_rendered(
    tmp_path, signing_settings, a_client, family, agus, budi
):
    app = submitted(agus, "akta-kelahiran", answers=birth_answers())
    approve(app, budi)
    doc = IssuedDocument.objects.get(application=app, kind="akta_kelahiran")
    IssuedDocument.objects.filter(pk=doc.pk).update(pdf="")
    signing_settings.SIGNING_KEY_PATH = tmp_path / "missing" / "key.pem"
    response = a_client.get(f"/api/v1/documents/{doc.code}/file/")
    assert response.status_code == 503
    assert response.json()["code"] == "document_not_ready"
    assert "coba lagi beberapa menit lagi" in response.json()["message"]
